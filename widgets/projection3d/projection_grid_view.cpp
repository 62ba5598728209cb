#include "widgets/projection3d/projection_grid_view.h"

#include <QAction>
#include <QGridLayout>
#include <QLabel>
#include <QPainter>
#include <QSignalBlocker>
#include <algorithm>
#include <cmath>

#include "widgets/projection3d/projection_view_3d.h"

namespace codescope::widgets {

namespace {

constexpr int kSpacing = 6;
const QSize kCellHint(360, 300);
const QSize kMinimumCell(200, 160);

int automaticColumns(int count) {
    return std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count)))));
}

} // namespace

ProjectionGridView::ProjectionGridView(QWidget* parent)
    : QWidget(parent), m_layout(new QGridLayout(this)),
      m_emptyNote(new QLabel(tr("No projection curves yet: analyse a model with random projections."), this)),
      m_resetViews(new QAction(tr("Reset views"), this)), m_tubesToggle(new QAction(tr("Tubes"), this)) {
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(kSpacing);
    m_emptyNote->setAlignment(Qt::AlignCenter);
    m_emptyNote->setWordWrap(true);
    m_layout->addWidget(m_emptyNote, 0, 0);
    connect(m_resetViews, &QAction::triggered, this, &ProjectionGridView::resetViews);
    m_tubesToggle->setCheckable(true);
    connect(m_tubesToggle, &QAction::toggled, this, &ProjectionGridView::setTubes);
}

ProjectionGridView::~ProjectionGridView() = default;

void ProjectionGridView::setLayers(const std::vector<ProjectionCurves>& layers) {
    if (!VtkOpenGLWidget::openGLAvailable()) {
        // Showing an OpenGL view here would crash inside Qt: say why there is nothing instead.
        m_emptyNote->setText(layers.empty() ? tr("No projection curves yet.")
                                            : tr("The 3-D projection curves need OpenGL 3.2, which this display does "
                                                 "not offer."));
        return;
    }
    while (m_views.size() > layers.size()) {
        delete m_views.back();
        m_views.pop_back();
    }
    while (m_views.size() < layers.size()) {
        auto* view = new ProjectionView3D(this);
        view->setMinimumSize(kMinimumCell);
        view->setTubes(m_tubes);
        m_views.push_back(view);
    }
    for (std::size_t i = 0; i < layers.size(); ++i)
        m_views[i]->setCurves(layers[i]);
    relayout();
}

int ProjectionGridView::layerCount() const {
    return static_cast<int>(m_views.size());
}

ProjectionView3D* ProjectionGridView::view(int index) const {
    return index >= 0 && index < layerCount() ? m_views[static_cast<std::size_t>(index)] : nullptr;
}

void ProjectionGridView::setColumns(int columns) {
    m_columns = std::max(0, columns);
    relayout();
}

int ProjectionGridView::columns() const {
    const int count = layerCount();
    if (count == 0) return m_columns > 0 ? m_columns : 1;
    return std::min(count, m_columns > 0 ? m_columns : automaticColumns(count));
}

void ProjectionGridView::relayout() {
    for (ProjectionView3D* view : m_views)
        m_layout->removeWidget(view);
    m_layout->removeWidget(m_emptyNote);
    // Stretch factors of an earlier, wider grid would keep empty columns open.
    for (int c = 0; c < m_layout->columnCount(); ++c)
        m_layout->setColumnStretch(c, 0);
    for (int r = 0; r < m_layout->rowCount(); ++r)
        m_layout->setRowStretch(r, 0);
    m_emptyNote->setVisible(m_views.empty());
    if (m_views.empty()) {
        m_layout->addWidget(m_emptyNote, 0, 0);
        return;
    }
    const int perRow = columns();
    for (int i = 0; i < layerCount(); ++i)
        m_layout->addWidget(m_views[static_cast<std::size_t>(i)], i / perRow, i % perRow);
    for (int c = 0; c < perRow; ++c)
        m_layout->setColumnStretch(c, 1);
    for (int r = 0; r < (layerCount() + perRow - 1) / perRow; ++r)
        m_layout->setRowStretch(r, 1);
}

void ProjectionGridView::setTubes(bool tubes) {
    {
        const QSignalBlocker quiet(m_tubesToggle);
        m_tubesToggle->setChecked(tubes);
    }
    m_tubes = tubes;
    for (ProjectionView3D* view : m_views)
        view->setTubes(tubes);
}

bool ProjectionGridView::tubes() const {
    return m_tubes;
}

void ProjectionGridView::resetViews() {
    for (ProjectionView3D* view : m_views)
        view->resetView();
}

QImage ProjectionGridView::renderImage(QSize size) {
    if (size.isEmpty()) return {};
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    if (m_views.empty()) return image;
    const int perRow = columns();
    const int rows = (layerCount() + perRow - 1) / perRow;
    // The on-screen spacing, scaled like everything else in the image.
    const double scale = width() > 0 ? static_cast<double>(size.width()) / width() : 1.0;
    const int gap = static_cast<int>(std::lround(kSpacing * scale));
    const int cellWidth = (size.width() - (perRow - 1) * gap) / perRow;
    const int cellHeight = (size.height() - (rows - 1) * gap) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) return image;
    QPainter painter(&image);
    for (int i = 0; i < layerCount(); ++i) {
        const QImage cell = m_views[static_cast<std::size_t>(i)]->renderImage(QSize(cellWidth, cellHeight));
        if (!cell.isNull())
            painter.drawImage(QPoint((i % perRow) * (cellWidth + gap), (i / perRow) * (cellHeight + gap)), cell);
    }
    return image;
}

QAction* ProjectionGridView::resetViewsAction() const {
    return m_resetViews;
}

QAction* ProjectionGridView::tubesAction() const {
    return m_tubesToggle;
}

QSize ProjectionGridView::sizeHint() const {
    const int perRow = columns();
    const int rows = std::max(1, (layerCount() + perRow - 1) / perRow);
    return QSize(perRow * kCellHint.width() + (perRow - 1) * kSpacing,
                 rows * kCellHint.height() + (rows - 1) * kSpacing);
}

} // namespace codescope::widgets
