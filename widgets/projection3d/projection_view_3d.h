#pragma once
// One layer's projection curves in 3-D (Fig. 4b): each random projection z(t) a polyline, or a tube, coloured by the
// stimulus time t (timeColour: dark violet early, yellow late) with a small colour bar for t, a thin box around the
// data, the layer's name as title and its average activation as an inset. Drag to rotate, Shift-drag or the middle
// button to pan, the wheel to zoom; R (or "Reset view" in the context menu) returns to the starting view. Building
// the scene is one pass over the points; rendering happens on the GUI thread, when Qt paints.
#include <QColor>
#include <QString>
#include <array>
#include <memory>

#include "widgets/projection3d/projection_curves.h"
#include "widgets/projection3d/vtk_opengl_widget.h"

class QAction;

namespace codescope::widgets {

/// What the view handed to VTK (DESIGN.md rule 5: tests check what a view is given).
struct ProjectionSceneSummary {
    int curves = 0;                 ///< input curves drawn: those with two or more consecutive finite points
    int polylines = 0;              ///< polyline cells (a curve broken by non-finite points gives several)
    long long points = 0;           ///< points in those polylines
    std::array<double, 6> bounds{}; ///< xmin, xmax, ymin, ymax, zmin, zmax of those points; all 0 without points
    double timeMin = 0;             ///< t at the colour map's first colour
    double timeMax = 0;             ///< t at its last colour
    bool tubes = false;             ///< drawn as tubes (vtkTubeFilter) rather than lines
};

/// A camera pose in the data's coordinates.
struct ViewCamera {
    std::array<double, 3> position{};
    std::array<double, 3> focalPoint{};
    std::array<double, 3> viewUp{};
    double viewAngle = 30; ///< vertical field of view, degrees
};

class ProjectionView3D : public VtkOpenGLWidget {
    Q_OBJECT
public:
    explicit ProjectionView3D(QWidget* parent = nullptr);
    ~ProjectionView3D() override;

    /// Shows `curves` (replacing what was shown) and resets the view. Points with a non-finite coordinate are left
    /// out and break their curve there; a piece of fewer than two points is not drawn. The colour map spans the
    /// time of the first to the last sample of the longest curve (`curves.times`, or the sample index).
    void setCurves(const ProjectionCurves& curves);

    /// Tubes (shaded, radius 0.4% of the data's diagonal) instead of 2-pixel lines. Lines by default.
    void setTubes(bool tubes);
    bool tubes() const;

    /// The colour bar for t at the right edge; shown by default.
    void setColourBarVisible(bool visible);
    bool colourBarVisible() const;

    ProjectionSceneSummary sceneSummary() const;
    /// The colour the curves have at time `t`, read from VTK's lookup table.
    QColor colourAt(double t) const;
    /// The title and inset texts as given to VTK.
    QString titleText() const;
    QString insetText() const;

    ViewCamera camera() const;
    void setCamera(const ViewCamera& camera);

    /// "Reset view" (shortcut R while the view has focus); also in the view's context menu.
    QAction* resetViewAction() const;
    /// "Tubes" (checkable); also in the view's context menu.
    QAction* tubesAction() const;

public Q_SLOTS:
    /// The starting view: looking at the data's centre from the front-right, above, with z up, all data in view.
    void resetView();

protected:
    /// R resets the view even where the action's shortcut does not reach (the window is not active).
    void keyPressEvent(QKeyEvent* event) override;

private:
    struct Scene;
    void applyGeometry();
    std::unique_ptr<Scene> m_scene;
};

} // namespace codescope::widgets
