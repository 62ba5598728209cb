#pragma once
// Fig. 3c / 6b: the power-law exponent alpha against layer depth, one line per run in shades of green by dropout
// rate (light = low, dark = high), 95% bootstrap confidence intervals as error bars, and the dashed reference at
// alpha = -1 (the critical exponent of the paper). Selected layers are ringed; the mouse reads out the nearest point.
#include <QStringList>
#include <QWidget>
#include <vector>

#include "widgets/charts/alpha_depth_series.h"

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace codescope::widgets {

class AlphaDepthView : public QWidget {
    Q_OBJECT
public:
    explicit AlphaDepthView(QWidget* parent = nullptr);

    /// Replaces every run. Each run's points are drawn in depth order.
    void setSeries(std::vector<AlphaDepthSeries> series);
    /// Layers whose points are ringed (in every run); unknown names are ignored.
    void setSelectedLayers(const QStringList& layerNames);
    /// Axis titles, read-out names and reference line (default: alphaDepthAxes()).
    void setAxes(const RunPlotAxes& axes);
    const RunPlotAxes& axes() const { return m_axes; }
    /// The figure's name in bold, and below it a smaller subtitle (e.g. the model and data set).
    void setTitle(const QString& title, const QString& subtitle = {});

    const std::vector<AlphaDepthSeries>& series() const { return m_series; }
    QChart* chart() const { return m_chart; }
    QChartView* chartView() const { return m_view; }
    /// One line per run, parallel to series(). A points-only run's line holds its points but draws nothing and has
    /// no legend entry: its markers are in runPoints().
    const std::vector<QLineSeries*>& runLines() const { return m_runLines; }
    /// The markers of each points-only run (AlphaDepthSeries::pointsOnly), parallel to series(); null for a line.
    const std::vector<QScatterSeries*>& runPoints() const { return m_runPoints; }
    /// One polyline per point with an interval, runs in order.
    const std::vector<QLineSeries*>& errorBars() const { return m_errorBars; }
    /// The dashed reference line (alpha = -1 by default) across the whole x range; null without one.
    QLineSeries* referenceLine() const { return m_reference; }
    /// The ringed (selected) points of every run.
    QScatterSeries* selectionMarkers() const { return m_selection; }
    QString readoutText() const;
    /// Shows the read-out for the point nearest to `position` (chart coordinates), or a hint; what a mouse move
    /// over the plot does, callable from tests.
    void showReadoutNear(QPointF position);

private:
    void rebuild();
    void rebuildSelection();
    void clearReadout();

    std::vector<AlphaDepthSeries> m_series;
    RunPlotAxes m_axes = alphaDepthAxes();
    QStringList m_selected;
    QChart* m_chart;
    QChartView* m_view;
    QLabel* m_readout;
    QValueAxis* m_xAxis;
    QValueAxis* m_yAxis;
    QLineSeries* m_reference = nullptr;
    std::vector<QLineSeries*> m_runLines;
    std::vector<QScatterSeries*> m_runPoints;
    std::vector<QLineSeries*> m_errorBars;
    QScatterSeries* m_selection = nullptr;
    QScatterSeries* m_marker = nullptr;
};

} // namespace codescope::widgets
