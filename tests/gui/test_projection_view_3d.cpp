// The 3-D projection-curve views (Fig. 4b): what they hand to VTK (curves, points, bounds, the time colour map, title
// and inset), that a drag moves the camera and reset brings it back, and how a grid of three layers looks (a
// screenshot in the artifacts folder, checked for curve colours). They draw with OpenGL, so ctest runs this class
// under xvfb-run with the xcb platform (tests/gui/CMakeLists.txt).
#include <QAction>
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <random>

#include "app/figures/analysis_session.h"
#include "app/gui/analysis_views.h"
#include "app/figures/report_pages.h"
#include "app/figures/sweep_loader.h"
#include "tests/gui/gui_test_registry.h"
#include "widgets/export/figure_export.h"
#include "widgets/projection3d/projection_grid_view.h"
#include "widgets/projection3d/projection_view_3d.h"
#include "widgets/projection3d/time_colour_map.h"

using namespace codescope::widgets;

namespace {

constexpr double kPi = 3.14159265358979323846;

/// `count` random projections of a layer that follows the moving dot's angle theta (Fig. 4a): z(t) = A (cos theta,
/// sin theta, cos 3 theta) + b with Gaussian A and b, over `samples` frames of one turn: closed, twisted loops.
ProjectionCurves circlingLayer(const QString& name, int count, int samples, unsigned seed, double activation) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> gaussian(0.0, 1.0);
    ProjectionCurves layer;
    layer.layer = name;
    layer.averageActivation = activation;
    for (int c = 0; c < count; ++c) {
        double a[3][3];
        double b[3];
        for (int i = 0; i < 3; ++i) {
            b[i] = 0.3 * gaussian(rng);
            for (double& entry : a[i])
                entry = gaussian(rng);
        }
        ProjectionCurve curve;
        for (int t = 0; t < samples; ++t) {
            const double theta = 2 * kPi * t / samples;
            const double latent[3] = {std::cos(theta), std::sin(theta), 0.3 * std::cos(3 * theta)};
            CurvePoint z{};
            for (int i = 0; i < 3; ++i)
                z[static_cast<std::size_t>(i)] = b[i] + a[i][0] * latent[0] + a[i][1] * latent[1] + a[i][2] * latent[2];
            curve.push_back(z);
        }
        layer.curves.push_back(std::move(curve));
    }
    return layer;
}

/// Pixels of `region` in clearly saturated colours: curves (or the colour bar), never the white background, the grey
/// box or the dark text.
int colouredPixels(const QImage& image, const QRect& region) {
    int count = 0;
    const QRect inside = region.intersected(image.rect());
    for (int y = inside.top(); y <= inside.bottom(); ++y)
        for (int x = inside.left(); x <= inside.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.hsvSaturation() > 80 && c.value() > 40) ++count;
        }
    return count;
}

/// Pixels of `image` within `tolerance` (per channel) of `colour`.
int pixelsNear(const QImage& image, const QColor& colour, int tolerance) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) <= tolerance && std::abs(c.green() - colour.green()) <= tolerance &&
                std::abs(c.blue() - colour.blue()) <= tolerance)
                ++count;
        }
    return count;
}

double greyVariance(const QImage& image) {
    double sum = 0;
    double squares = 0;
    const double n = static_cast<double>(image.width()) * image.height();
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const double grey = qGray(image.pixel(x, y));
            sum += grey;
            squares += grey * grey;
        }
    return squares / n - (sum / n) * (sum / n);
}

bool closeColour(const QColor& a, const QColor& b, int tolerance) {
    return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
           std::abs(a.blue() - b.blue()) <= tolerance;
}

bool samePoint(const std::array<double, 3>& u, const std::array<double, 3>& v) {
    for (std::size_t i = 0; i < 3; ++i)
        if (std::abs(u[i] - v[i]) > 1e-9 * (1 + std::abs(u[i]))) return false;
    return true;
}

bool samePose(const ViewCamera& a, const ViewCamera& b) {
    return samePoint(a.position, b.position) && samePoint(a.focalPoint, b.focalPoint) &&
           samePoint(a.viewUp, b.viewUp) && std::abs(a.viewAngle - b.viewAngle) < 1e-9;
}

double cameraDistance(const ViewCamera& c) {
    return std::hypot(c.position[0] - c.focalPoint[0], c.position[1] - c.focalPoint[1],
                      c.position[2] - c.focalPoint[2]);
}

/// Shows `widget` and waits until Qt has exposed it and every OpenGL view in it has its context.
bool shownWithOpenGL(QWidget& widget, QSize size) {
    widget.resize(size);
    widget.show();
    if (!QTest::qWaitForWindowExposed(&widget)) return false;
    QList<VtkOpenGLWidget*> views = widget.findChildren<VtkOpenGLWidget*>();
    if (auto* self = qobject_cast<VtkOpenGLWidget*>(&widget)) views << self;
    for (VtkOpenGLWidget* view : views)
        if (!QTest::qWaitFor([view] { return view->isValid(); })) return false;
    return true;
}

} // namespace

class ProjectionView3DTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        if (!VtkOpenGLWidget::openGLAvailable())
            QFAIL(qPrintable(QStringLiteral("no OpenGL 3.2 on the %1 platform: run this class under xvfb-run with "
                                            "QT_QPA_PLATFORM=xcb (as ctest does)")
                                 .arg(QGuiApplication::platformName())));
    }

    void timeColoursRunFromDarkVioletToYellow() {
        QCOMPARE(timeColour(0), QColor(68, 1, 84));
        QCOMPARE(timeColour(1), QColor(253, 231, 37));
        QCOMPARE(timeColour(-3), timeColour(0));
        QCOMPARE(timeColour(std::nan("")), timeColour(0));
        for (int i = 1; i <= 20; ++i) // viridis grows lighter (in luminance) all the way
            QVERIFY(qGray(timeColour(i / 20.0).rgb()) > qGray(timeColour((i - 1) / 20.0).rgb()));
    }

    void sceneHoldsEveryCurveAndPoint() {
        const ProjectionCurves layer = circlingLayer("conv3", 10, 200, 7, 0.25);
        ProjectionView3D view;
        view.setCurves(layer);
        const ProjectionSceneSummary summary = view.sceneSummary();
        QCOMPARE(summary.curves, 10);
        QCOMPARE(summary.polylines, 10);
        QCOMPARE(summary.points, 2000LL);
        QVERIFY(!summary.tubes);
        std::array<double, 6> expected{1e300, -1e300, 1e300, -1e300, 1e300, -1e300};
        for (const ProjectionCurve& curve : layer.curves)
            for (const CurvePoint& p : curve)
                for (std::size_t axis = 0; axis < 3; ++axis) {
                    expected[2 * axis] = std::min(expected[2 * axis], p[axis]);
                    expected[2 * axis + 1] = std::max(expected[2 * axis + 1], p[axis]);
                }
        for (std::size_t i = 0; i < 6; ++i)
            QCOMPARE(summary.bounds[i], expected[i]);
        // No times given: t is the frame index, 0 .. 199.
        QCOMPARE(summary.timeMin, 0.0);
        QCOMPARE(summary.timeMax, 199.0);
    }

    void nonFinitePointsBreakTheirCurve() {
        ProjectionCurves layer = circlingLayer("fc1", 2, 50, 3, 0.1);
        layer.curves[0][20][1] = std::nan("");
        layer.curves[1][0][2] = std::numeric_limits<double>::infinity();
        layer.curves[1][2][0] = std::nan(""); // leaves a lone point (index 1) that cannot be drawn
        layer.curves.push_back({{0, 0, 0}});  // a single point is no curve
        ProjectionView3D view;
        view.setCurves(layer);
        const ProjectionSceneSummary summary = view.sceneSummary();
        QCOMPARE(summary.curves, 2);
        QCOMPARE(summary.polylines, 3);
        QCOMPARE(summary.points, 49LL + 47LL);
        for (double bound : summary.bounds)
            QVERIFY(std::isfinite(bound));
    }

    void coloursFollowTimeFromEarlyToLate() {
        ProjectionView3D view;
        view.setCurves(circlingLayer("conv1", 3, 120, 1, 0.5));
        const QColor early = view.colourAt(0);
        const QColor late = view.colourAt(119);
        QVERIFY(early != late);
        QVERIFY(closeColour(early, timeColour(0), 2));
        QVERIFY(closeColour(late, timeColour(1), 2));
        QVERIFY(view.colourAt(60).lightness() > early.lightness());
        QVERIFY(late.lightness() > view.colourAt(60).lightness());
    }

    void givenTimesSetTheColourRange() {
        ProjectionCurves layer = circlingLayer("conv2", 2, 100, 2, 0.5);
        for (int i = 0; i < 100; ++i)
            layer.times.push_back(2 * kPi * i / 100); // theta, the dot's angle
        layer.timeLabel = QStringLiteral("θ");
        ProjectionView3D view;
        view.setCurves(layer);
        QCOMPARE(view.sceneSummary().timeMin, 0.0);
        QCOMPARE(view.sceneSummary().timeMax, 2 * kPi * 99 / 100);
        QVERIFY(closeColour(view.colourAt(2 * kPi * 99 / 100), timeColour(1), 2));
        layer.times.resize(10); // fewer times than samples: the frame index is used
        view.setCurves(layer);
        QCOMPARE(view.sceneSummary().timeMax, 99.0);
    }

    void titleAndInsetNameTheLayerAndItsActivation() {
        ProjectionView3D view;
        view.setCurves(circlingLayer("layer4.conv2", 2, 20, 4, 0.01234567));
        QCOMPARE(view.titleText(), QStringLiteral("layer4.conv2"));
        QVERIFY2(view.insetText().contains("mean activation"), qPrintable(view.insetText()));
        QVERIFY2(view.insetText().contains("0.01235"), qPrintable(view.insetText()));
        ProjectionCurves unknown;
        unknown.layer = QStringLiteral("empty");
        unknown.averageActivation = std::nan("");
        view.setCurves(unknown);
        QVERIFY(view.insetText().contains("n/a"));
        QCOMPARE(view.sceneSummary().points, 0LL);
        QCOMPARE(view.sceneSummary().bounds, (std::array<double, 6>{}));
    }

    void dragRotatesWheelZoomsAndResetRestores() {
        ProjectionView3D view;
        view.setCurves(circlingLayer("conv3", 10, 200, 5, 0.3));
        QVERIFY(shownWithOpenGL(view, QSize(500, 400)));
        const ViewCamera start = view.camera();

        QTest::mousePress(&view, Qt::LeftButton, {}, QPoint(200, 200));
        QTest::mouseMove(&view, QPoint(260, 230));
        QTest::mouseMove(&view, QPoint(320, 250));
        QTest::mouseRelease(&view, Qt::LeftButton, {}, QPoint(320, 250));
        const ViewCamera turned = view.camera();
        QVERIFY(!samePose(turned, start));
        // A trackball turn keeps the focal point and the distance to it.
        QVERIFY(samePoint(turned.focalPoint, start.focalPoint));
        QVERIFY(std::abs(cameraDistance(turned) - cameraDistance(start)) < 1e-6 * cameraDistance(start));

        QWheelEvent wheel(QPointF(250, 200), view.mapToGlobal(QPointF(250, 200)), QPoint(), QPoint(0, 120),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(&view, &wheel);
        QVERIFY(cameraDistance(view.camera()) < cameraDistance(turned)); // wheel forward moves closer

        view.setFocus();
        QTest::keyClick(&view, Qt::Key_R);
        QVERIFY(samePose(view.camera(), start));

        QTest::mousePress(&view, Qt::LeftButton, {}, QPoint(100, 100));
        QTest::mouseMove(&view, QPoint(40, 180));
        QTest::mouseRelease(&view, Qt::LeftButton, {}, QPoint(40, 180));
        QVERIFY(!samePose(view.camera(), start));
        view.resetViewAction()->trigger();
        QVERIFY(samePose(view.camera(), start));
        QVERIFY(view.actions().contains(view.resetViewAction())); // in the context menu
    }

    void curvesAppearInTheirTimeColours() {
        ProjectionView3D view;
        view.setCurves(circlingLayer("conv1", 10, 400, 11, 0.2));
        view.setColourBarVisible(false); // only the curves can be coloured now
        QVERIFY(shownWithOpenGL(view, QSize(480, 400)));
        const QImage image = view.renderImage(QSize(480, 400));
        QCOMPARE(image.size(), QSize(480, 400));
        image.save(codescope::guitest::artifactsDir() + "/projection_view_lines.png");
        QVERIFY(greyVariance(image) > 0);
        QVERIFY2(pixelsNear(image, timeColour(0), 12) > 20, "no early (dark violet) curve pixels");
        QVERIFY2(pixelsNear(image, timeColour(1), 12) > 20, "no late (yellow) curve pixels");

        view.setTubes(true);
        QVERIFY(view.sceneSummary().tubes);
        QVERIFY(view.tubesAction()->isChecked());
        const QImage tubes = view.renderImage(QSize(480, 400));
        tubes.save(codescope::guitest::artifactsDir() + "/projection_view_tubes.png");
        QVERIFY(colouredPixels(tubes, tubes.rect()) > colouredPixels(image, image.rect())); // tubes are thicker
    }

    void gridOfThreeLayersShowsEachLayersCurves() {
        ProjectionGridView grid;
        QCOMPARE(grid.layerCount(), 0);
        grid.setLayers({circlingLayer("layer1", 10, 300, 21, 0.41), circlingLayer("layer2", 10, 300, 22, 0.27),
                        circlingLayer("layer3", 10, 300, 23, 0.09)});
        QCOMPARE(grid.layerCount(), 3);
        QCOMPARE(grid.columns(), 2); // ceil(sqrt(3))
        grid.setColumns(3);
        QCOMPARE(grid.columns(), 3);
        QCOMPARE(grid.view(2)->titleText(), QStringLiteral("layer3"));
        QVERIFY(grid.view(1)->insetText().contains("0.27"));
        QCOMPARE(grid.view(3), nullptr);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(grid.view(i)->sceneSummary().curves, 10);
        QVERIFY(shownWithOpenGL(grid, QSize(1200, 420)));

        const QSize size(1500, 520);
        const QImage image = grid.renderImage(size);
        QCOMPARE(image.size(), size);
        const QString path = codescope::guitest::artifactsDir() + "/projection_grid_3x10.png";
        QVERIFY(image.save(path));
        qInfo("screenshot: %s", qPrintable(path));
        QVERIFY(greyVariance(image) > 10);
        // Each third holds its layer's curves: coloured pixels left of that cell's colour bar.
        const int cell = size.width() / 3;
        for (int i = 0; i < 3; ++i) {
            const int coloured = colouredPixels(image, QRect(i * cell, 0, cell * 3 / 4, size.height()));
            QVERIFY2(coloured > 500, qPrintable(QStringLiteral("cell %1: %2 coloured pixels").arg(i).arg(coloured)));
        }

        // The app's figure export paints the grid through QWidget::render, which grabs each OpenGL view.
        QTemporaryDir folder;
        const QString exported = folder.filePath("grid.png");
        QVERIFY(exportFigurePng(&grid, exported, 96).ok());
        const QImage figure(exported);
        QCOMPARE(figure.size(), grid.size());
        QVERIFY(colouredPixels(figure, figure.rect()) > 1500);

        grid.setTubes(true);
        for (int i = 0; i < 3; ++i)
            QVERIFY(grid.view(i)->tubes());
        grid.setLayers({circlingLayer("only", 4, 50, 1, 0.5)});
        QCOMPARE(grid.layerCount(), 1);
        QVERIFY(grid.view(0)->tubes()); // new and reused views follow the grid's setting
        QCOMPARE(grid.view(0)->sceneSummary().curves, 4);
    }

    // The app's PDF report on a display: the 3-D tab's curves become a page with their picture (offscreen, where
    // there is no OpenGL, ReportPagesTest checks that the page is left out).
    void reportOnADisplayHasTheCurvesPicture() {
        codescope::gui::AnalysisSession session;
        codescope::gui::AnalysisViews views(&session);
        codescope::gui::SweepReadResult read =
            codescope::gui::readSweep(QDir(codescope::guitest::testDataDir()).filePath("sweep"));
        QVERIFY2(read.ok(), qPrintable(read.error));
        session.setSweep(std::move(read.runs), read.folder);
        codescope::gui::Analysis analysis = session.analysis();
        QVERIFY(analysis.layers.front().coding);
        Eigen::MatrixXd loop(60, 6);
        for (Eigen::Index t = 0; t < loop.rows(); ++t)
            loop.row(t) << std::cos(0.1 * t), std::sin(0.1 * t), 0.02 * t, std::sin(0.2 * t), std::cos(0.1 * t), 0.3;
        analysis.layers.front().coding->curves = loop;
        session.setAnalysis(std::move(analysis));
        session.setSelectedLayers({QString::fromStdString(session.analysis().layers.front().layer.name)});
        views.setCurrentWidget(views.projectionView());
        QVERIFY(shownWithOpenGL(views, QSize(1100, 700)));
        const codescope::gui::ReportPages report(session, views.reportSources());
        const codescope::widgets::ReportPage* curves = nullptr;
        for (const codescope::widgets::ReportPage& page : report.pages())
            if (page.caption.contains("Fig. 4b")) curves = &page;
        QVERIFY(curves);
        auto* figure = qobject_cast<QLabel*>(curves->figure);
        QVERIFY(figure);
        QVERIFY(!figure->pixmap().isNull());
        const QImage picture = figure->pixmap().toImage();
        QVERIFY(colouredPixels(picture, picture.rect()) > 200);
        const QString pdf = codescope::guitest::artifactsDir() + "/report_with_3d_curves.pdf";
        QVERIFY(codescope::widgets::exportReportPdf(report.title(), report.pages(), pdf).ok());
    }
};

CODESCOPE_GUI_TEST(ProjectionView3DTest)

// The grid where OpenGL is missing (Qt's offscreen platform, which the other GUI suites and the main window's tests
// use): it must make no OpenGL view, because showing one there crashes inside Qt, and say why instead.
class ProjectionGridOffscreenTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gridWithoutOpenGLShowsANoteInsteadOfViews() {
        if (VtkOpenGLWidget::openGLAvailable())
            QFAIL("this class checks a platform without OpenGL: ctest runs it with QT_QPA_PLATFORM=offscreen");
        ProjectionGridView grid;
        grid.setLayers({circlingLayer("layer1", 3, 40, 1, 0.2), circlingLayer("layer2", 3, 40, 2, 0.3)});
        QCOMPARE(grid.layerCount(), 0);
        QCOMPARE(grid.view(0), nullptr);
        grid.resize(600, 400);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        QVERIFY(grid.findChildren<VtkOpenGLWidget*>().isEmpty());
        const QList<QLabel*> notes = grid.findChildren<QLabel*>();
        QCOMPARE(notes.size(), 1);
        QVERIFY2(notes.front()->isVisible() && notes.front()->text().contains("OpenGL"),
                 qPrintable(notes.front()->text()));
        const QImage image = grid.renderImage(QSize(300, 200));
        QCOMPARE(image.size(), QSize(300, 200));
        QCOMPARE(image.pixelColor(150, 100), QColor(Qt::white));
    }
};

CODESCOPE_GUI_TEST(ProjectionGridOffscreenTest)
#include "test_projection_view_3d.moc"
