#pragma once
// Small multiples of Fig. 4b: one ProjectionView3D per layer in a grid (shallow to deep, left to right, top to bottom),
// each with the layer's name as title and its average activation as an inset. Each view rotates on its own.
#include <QImage>
#include <QSize>
#include <QWidget>
#include <vector>

#include "widgets/projection3d/projection_curves.h"

class QAction;
class QGridLayout;
class QLabel;

namespace codescope::widgets {

class ProjectionView3D;

class ProjectionGridView : public QWidget {
    Q_OBJECT
public:
    explicit ProjectionGridView(QWidget* parent = nullptr);
    ~ProjectionGridView() override;

    /// One view per entry of `layers`, in that order (views are reused when the count stays). An empty list shows a
    /// short note instead, and so does a display without OpenGL 3.2 (VtkOpenGLWidget::openGLAvailable()): there no
    /// view is made, so the grid is safe to show on any platform.
    void setLayers(const std::vector<ProjectionCurves>& layers);
    int layerCount() const;
    /// The view of layer `index` (0-based, setLayers order); nullptr when out of range.
    ProjectionView3D* view(int index) const;

    /// Views per row; 0 (the default) picks ceil(sqrt(layers)), so the grid stays about square.
    void setColumns(int columns);
    /// The number of columns in use.
    int columns() const;

    /// Tubes instead of lines in every view.
    void setTubes(bool tubes);
    bool tubes() const;

    /// The whole grid rendered offscreen into an image of `size` pixels: white, with each view rendered at its cell's
    /// size (its text scaled as in VtkOpenGLWidget::renderImage). Cells of views that were never shown (and so have
    /// no OpenGL context) stay white. Null for an empty size.
    QImage renderImage(QSize size);

    /// "Reset views" for every view, and "Tubes" (checkable) for every view: for a toolbar or menu.
    QAction* resetViewsAction() const;
    QAction* tubesAction() const;

    QSize sizeHint() const override;

public Q_SLOTS:
    void resetViews();

private:
    void relayout();

    QGridLayout* m_layout;
    QLabel* m_emptyNote;
    std::vector<ProjectionView3D*> m_views;
    int m_columns = 0;
    bool m_tubes = false;
    QAction* m_resetViews;
    QAction* m_tubesToggle;
};

} // namespace codescope::widgets
