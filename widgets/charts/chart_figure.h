#pragma once
// What every chart view shares: a styled chart filling the widget, a title with a subtitle, and a one-line selectable
// read-out below it that follows the mouse over the plot.
#include <QPointF>
#include <QString>
#include <QWidget>

class QChart;
class QChartView;
class QLabel;

namespace codescope::widgets {

class ChartFigure : public QWidget {
    Q_OBJECT
public:
    /// The figure's name in bold, and below it a smaller subtitle (e.g. the model and data set).
    void setTitle(const QString& title, const QString& subtitle = {});
    QChart* chart() const { return m_chart; }
    QChartView* chartView() const { return m_view; }
    /// The hover read-out under the plot: the hovered point, or a hint when none is.
    QString readoutText() const;
    /// Shows the read-out for the data point nearest to `position` (chart coordinates), or a hint; what a mouse
    /// move over the plot does, callable from tests.
    virtual void showReadoutNear(QPointF position) = 0;

protected:
    /// `readoutName`: the read-out's object name, which tests use to find it.
    ChartFigure(const QString& readoutName, QWidget* parent);
    /// What the read-out shows when the mouse leaves the plot.
    virtual void clearReadout() = 0;
    void setReadoutText(const QString& text);

    QChart* m_chart;
    QChartView* m_view;

private:
    QLabel* m_readout;
};

} // namespace codescope::widgets
