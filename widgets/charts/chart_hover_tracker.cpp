#include "widgets/charts/chart_hover_tracker.h"

#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QMouseEvent>

namespace codescope::widgets {

ChartHoverTracker::ChartHoverTracker(QChartView* view) : QObject(view), m_view(view) {
    m_view->viewport()->setMouseTracking(true);
    m_view->viewport()->installEventFilter(this);
}

bool ChartHoverTracker::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_view->viewport()) {
        if (event->type() == QEvent::MouseMove) {
            const auto* mouse = static_cast<QMouseEvent*>(event);
            // Scene and chart coordinates coincide in QChartView (the chart sits at the scene origin), but mapping
            // through the chart keeps this right if that ever changes.
            const QPointF scene = m_view->mapToScene(mouse->position().toPoint());
            Q_EMIT moved(m_view->chart()->mapFromScene(scene));
        } else if (event->type() == QEvent::Leave) {
            Q_EMIT left();
        }
    }
    return QObject::eventFilter(watched, event);
}

} // namespace codescope::widgets
