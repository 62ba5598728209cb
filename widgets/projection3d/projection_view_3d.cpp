#include "widgets/projection3d/projection_view_3d.h"

#include <QAction>
#include <QKeyEvent>
#include <QSignalBlocker>
#include <algorithm>
#include <cmath>
#include <limits>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkCoordinate.h>
#include <vtkDoubleArray.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkOutlineSource.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkTubeFilter.h>

#include "widgets/projection3d/time_colour_map.h"

namespace codescope::widgets {

namespace {

constexpr int kColourCount = 256;
constexpr double kLineWidth = 2.0;
constexpr double kTubeRadiusPerDiagonal = 0.004;
constexpr int kTubeSides = 8;
// The starting view: from the front-right and above, z up (Fig. 4b's perspective).
constexpr double kViewDirection[3] = {1.0, -1.6, 0.9};
constexpr double kViewAngleDegrees = 30;
const double kTextGrey[3] = {0.12, 0.12, 0.12};
const double kInsetGrey[3] = {0.3, 0.3, 0.3};
const double kBoxGrey[3] = {0.78, 0.78, 0.78};

bool finite(const CurvePoint& p) {
    return std::isfinite(p[0]) && std::isfinite(p[1]) && std::isfinite(p[2]);
}

/// The VTK form of the curves: double-precision points, one polyline per finite stretch of a curve, t per point.
struct CurveGeometry {
    vtkNew<vtkPolyData> polyData;
    int curvesDrawn = 0;
    double timeMin = 0;
    double timeMax = 1;
};

void buildGeometry(const ProjectionCurves& input, CurveGeometry& geometry) {
    std::size_t longest = 0;
    for (const ProjectionCurve& curve : input.curves)
        longest = std::max(longest, curve.size());
    const bool givenTimes = longest > 0 && input.times.size() >= longest;
    const auto timeOf = [&](std::size_t i) { return givenTimes ? input.times[i] : static_cast<double>(i); };

    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    vtkNew<vtkDoubleArray> times;
    times->SetName("t");
    vtkNew<vtkCellArray> lines;
    std::vector<vtkIdType> ids;
    geometry.curvesDrawn = 0;
    for (const ProjectionCurve& curve : input.curves) {
        bool drawn = false;
        std::size_t start = 0;
        // Each maximal run [start, end) of finite points with two or more points becomes one polyline.
        while (start < curve.size()) {
            while (start < curve.size() && !finite(curve[start]))
                ++start;
            std::size_t end = start;
            while (end < curve.size() && finite(curve[end]))
                ++end;
            if (end - start >= 2) {
                ids.clear();
                for (std::size_t i = start; i < end; ++i) {
                    ids.push_back(points->InsertNextPoint(curve[i].data()));
                    times->InsertNextValue(timeOf(i));
                }
                lines->InsertNextCell(static_cast<vtkIdType>(ids.size()), ids.data());
                drawn = true;
            }
            start = end;
        }
        if (drawn) ++geometry.curvesDrawn;
    }
    geometry.polyData->SetPoints(points);
    geometry.polyData->SetLines(lines);
    geometry.polyData->GetPointData()->SetScalars(times);

    double timeMin = std::numeric_limits<double>::infinity();
    double timeMax = -timeMin;
    for (std::size_t i = 0; i < longest; ++i)
        if (std::isfinite(timeOf(i))) {
            timeMin = std::min(timeMin, timeOf(i));
            timeMax = std::max(timeMax, timeOf(i));
        }
    if (!(timeMin <= timeMax)) timeMin = timeMax = 0; // no samples
    geometry.timeMin = timeMin;
    geometry.timeMax = timeMax > timeMin ? timeMax : timeMin + 1; // a colour map needs a non-empty range
}

void styleText(vtkTextProperty* text, int size, const double colour[3]) {
    text->SetFontFamilyToArial();
    text->SetFontSize(size);
    text->SetColor(colour[0], colour[1], colour[2]);
    text->ShadowOff();
    text->ItalicOff();
}

/// Text anchored at a corner given in fractions of the view (0..1 from the bottom left).
void placeText(vtkTextActor* actor, double x, double y) {
    actor->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    actor->GetPositionCoordinate()->SetValue(x, y);
}

QString insetFor(double averageActivation) {
    return QObject::tr("mean activation %1")
        .arg(std::isfinite(averageActivation) ? QString::number(averageActivation, 'g', 4) : QObject::tr("n/a"));
}

} // namespace

struct ProjectionView3D::Scene {
    CurveGeometry geometry;
    vtkNew<vtkTubeFilter> tubeFilter;
    vtkNew<vtkLookupTable> colours;
    vtkNew<vtkPolyDataMapper> mapper;
    vtkNew<vtkActor> curves;
    vtkNew<vtkOutlineSource> boxSource;
    vtkNew<vtkPolyDataMapper> boxMapper;
    vtkNew<vtkActor> box;
    vtkNew<vtkScalarBarActor> colourBar;
    vtkNew<vtkTextActor> title;
    vtkNew<vtkTextActor> inset;
    bool tubes = false;
    bool colourBarVisible = true;
    QAction* resetView = nullptr;
    QAction* tubesToggle = nullptr;
};

ProjectionView3D::ProjectionView3D(QWidget* parent) : VtkOpenGLWidget(parent), m_scene(std::make_unique<Scene>()) {
    Scene& s = *m_scene;
    s.colours->SetNumberOfTableValues(kColourCount);
    for (int i = 0; i < kColourCount; ++i) {
        const QColor c = timeColour(static_cast<double>(i) / (kColourCount - 1));
        s.colours->SetTableValue(i, c.redF(), c.greenF(), c.blueF(), 1.0);
    }
    s.colours->SetTableRange(0, 1);

    s.tubeFilter->SetInputData(s.geometry.polyData);
    s.tubeFilter->SetNumberOfSides(kTubeSides);
    s.tubeFilter->CappingOff();
    s.mapper->SetLookupTable(s.colours);
    s.mapper->UseLookupTableScalarRangeOn();
    s.mapper->SetScalarModeToUsePointData();
    s.mapper->ScalarVisibilityOn();
    s.mapper->InterpolateScalarsBeforeMappingOn(); // colours follow t exactly along each segment
    s.curves->SetMapper(s.mapper);

    s.boxSource->SetBounds(0, 1, 0, 1, 0, 1);
    s.boxMapper->SetInputConnection(s.boxSource->GetOutputPort());
    s.box->SetMapper(s.boxMapper);
    s.box->GetProperty()->SetColor(kBoxGrey[0], kBoxGrey[1], kBoxGrey[2]);
    s.box->GetProperty()->LightingOff();
    s.box->PickableOff();

    s.colourBar->SetLookupTable(s.colours);
    s.colourBar->SetOrientationToVertical();
    s.colourBar->SetNumberOfLabels(3);
    s.colourBar->SetLabelFormat("%.3g");
    s.colourBar->UnconstrainedFontSizeOn();
    s.colourBar->SetBarRatio(0.35);
    s.colourBar->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    s.colourBar->GetPositionCoordinate()->SetValue(0.86, 0.14);
    s.colourBar->SetWidth(0.12);
    s.colourBar->SetHeight(0.6);
    s.colourBar->SetMaximumWidthInPixels(70);
    styleText(s.colourBar->GetTitleTextProperty(), 14, kInsetGrey);
    styleText(s.colourBar->GetLabelTextProperty(), 11, kInsetGrey);
    s.colourBar->GetTitleTextProperty()->BoldOff();

    styleText(s.title->GetTextProperty(), 15, kTextGrey);
    s.title->GetTextProperty()->BoldOn();
    s.title->GetTextProperty()->SetVerticalJustificationToTop();
    placeText(s.title, 0.03, 0.96);
    styleText(s.inset->GetTextProperty(), 12, kInsetGrey);
    s.inset->GetTextProperty()->SetVerticalJustificationToBottom();
    placeText(s.inset, 0.03, 0.04);

    vtkRenderer* scene = renderer();
    scene->AddActor(s.box);
    scene->AddActor(s.curves);
    scene->AddActor2D(s.colourBar);
    scene->AddActor2D(s.title);
    scene->AddActor2D(s.inset);

    s.resetView = new QAction(tr("Reset view"), this);
    s.resetView->setShortcut(QKeySequence(Qt::Key_R));
    s.resetView->setShortcutContext(Qt::WidgetShortcut);
    connect(s.resetView, &QAction::triggered, this, &ProjectionView3D::resetView);
    s.tubesToggle = new QAction(tr("Tubes"), this);
    s.tubesToggle->setCheckable(true);
    connect(s.tubesToggle, &QAction::toggled, this, &ProjectionView3D::setTubes);
    addAction(s.resetView);
    addAction(s.tubesToggle);
    setContextMenuPolicy(Qt::ActionsContextMenu);

    setCurves(ProjectionCurves{});
}

ProjectionView3D::~ProjectionView3D() = default;

void ProjectionView3D::setCurves(const ProjectionCurves& curves) {
    Scene& s = *m_scene;
    buildGeometry(curves, s.geometry);
    vtkPolyData* data = s.geometry.polyData;
    data->Modified();
    const bool any = data->GetNumberOfPoints() > 0;
    if (any) {
        s.boxSource->SetBounds(data->GetBounds());
        s.tubeFilter->SetRadius(kTubeRadiusPerDiagonal * std::max(data->GetLength(), 1e-12));
    }
    s.colours->SetTableRange(s.geometry.timeMin, s.geometry.timeMax);
    s.colourBar->SetTitle(curves.timeLabel.toUtf8().constData());
    s.title->SetInput(curves.layer.toUtf8().constData());
    s.inset->SetInput(insetFor(curves.averageActivation).toUtf8().constData());
    s.curves->SetVisibility(any);
    s.box->SetVisibility(any);
    s.colourBar->SetVisibility(any && s.colourBarVisible);
    applyGeometry();
    resetView();
}

void ProjectionView3D::applyGeometry() {
    Scene& s = *m_scene;
    vtkProperty* look = s.curves->GetProperty();
    if (s.tubes) {
        s.mapper->SetInputConnection(s.tubeFilter->GetOutputPort());
        look->LightingOn();
        look->SetAmbient(0.25);
        look->SetDiffuse(0.75);
        look->SetSpecular(0.15);
        look->SetSpecularPower(20);
    } else {
        s.mapper->SetInputData(s.geometry.polyData);
        look->LightingOff(); // lines show the colour map's colours exactly
        look->SetLineWidth(kLineWidth);
    }
    update();
}

void ProjectionView3D::setTubes(bool tubes) {
    Scene& s = *m_scene;
    {
        const QSignalBlocker quiet(s.tubesToggle);
        s.tubesToggle->setChecked(tubes);
    }
    if (s.tubes == tubes) return;
    s.tubes = tubes;
    applyGeometry();
}

bool ProjectionView3D::tubes() const {
    return m_scene->tubes;
}

void ProjectionView3D::setColourBarVisible(bool visible) {
    m_scene->colourBarVisible = visible;
    m_scene->colourBar->SetVisibility(visible && m_scene->geometry.polyData->GetNumberOfPoints() > 0);
    update();
}

bool ProjectionView3D::colourBarVisible() const {
    return m_scene->colourBarVisible;
}

ProjectionSceneSummary ProjectionView3D::sceneSummary() const {
    const Scene& s = *m_scene;
    vtkPolyData* data = s.geometry.polyData;
    ProjectionSceneSummary summary;
    summary.curves = s.geometry.curvesDrawn;
    summary.polylines = static_cast<int>(data->GetNumberOfLines());
    summary.points = data->GetNumberOfPoints();
    if (summary.points > 0) data->GetBounds(summary.bounds.data());
    summary.timeMin = s.geometry.timeMin;
    summary.timeMax = s.geometry.timeMax;
    summary.tubes = s.tubes;
    return summary;
}

QColor ProjectionView3D::colourAt(double t) const {
    double rgb[3];
    m_scene->colours->GetColor(t, rgb);
    return QColor::fromRgbF(static_cast<float>(rgb[0]), static_cast<float>(rgb[1]), static_cast<float>(rgb[2]));
}

QString ProjectionView3D::titleText() const {
    return QString::fromUtf8(m_scene->title->GetInput());
}

QString ProjectionView3D::insetText() const {
    return QString::fromUtf8(m_scene->inset->GetInput());
}

ViewCamera ProjectionView3D::camera() const {
    vtkCamera* active = renderer()->GetActiveCamera();
    ViewCamera pose;
    active->GetPosition(pose.position.data());
    active->GetFocalPoint(pose.focalPoint.data());
    active->GetViewUp(pose.viewUp.data());
    pose.viewAngle = active->GetViewAngle();
    return pose;
}

void ProjectionView3D::setCamera(const ViewCamera& pose) {
    vtkCamera* active = renderer()->GetActiveCamera();
    active->SetPosition(pose.position.data());
    active->SetFocalPoint(pose.focalPoint.data());
    active->SetViewUp(pose.viewUp.data());
    active->SetViewAngle(pose.viewAngle);
    renderer()->ResetCameraClippingRange();
    update();
}

void ProjectionView3D::resetView() {
    vtkCamera* active = renderer()->GetActiveCamera();
    active->SetFocalPoint(0, 0, 0);
    active->SetPosition(kViewDirection[0], kViewDirection[1], kViewDirection[2]);
    active->SetViewUp(0, 0, 1);
    active->OrthogonalizeViewUp();
    active->SetViewAngle(kViewAngleDegrees);
    vtkPolyData* data = m_scene->geometry.polyData;
    if (data->GetNumberOfPoints() > 0)
        renderer()->ResetCamera(data->GetBounds()); // keeps the direction, fits the data's bounding sphere
    else
        renderer()->ResetCamera();
    update();
}

QAction* ProjectionView3D::resetViewAction() const {
    return m_scene->resetView;
}

QAction* ProjectionView3D::tubesAction() const {
    return m_scene->tubesToggle;
}

void ProjectionView3D::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_R && (event->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier) {
        resetView();
        event->accept();
        return;
    }
    VtkOpenGLWidget::keyPressEvent(event);
}

} // namespace codescope::widgets
