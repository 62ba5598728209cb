#pragma once
// Mouse tracking over a chart's plot, shared by the views that show a hover read-out. Qt Charts only reports hovers
// exactly on a line; a read-out that follows the nearest data point needs every mouse move over the plot.
#include <QObject>
#include <QPointF>

class QChartView;

namespace codescope::widgets {

class ChartHoverTracker : public QObject {
    Q_OBJECT
public:
    /// Starts tracking the mouse over `view` (whose viewport must outlive this object; parent it to the view).
    explicit ChartHoverTracker(QChartView* view);

Q_SIGNALS:
    /// The mouse moved to `position`, in the chart's scene coordinates (those of QChart::mapToPosition).
    void moved(QPointF position);
    /// The mouse left the chart.
    void left();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QChartView* m_view;
};

} // namespace codescope::widgets
