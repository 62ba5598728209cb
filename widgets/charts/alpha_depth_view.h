#pragma once
// Fig. 3c / 6b: the power-law exponent alpha against layer depth, one line per run in shades of green by dropout
// rate (light = low, dark = high), 95% bootstrap confidence intervals as error bars, and the dashed reference at
// alpha = -1 (the critical exponent of the paper). Selected layers are ringed; the mouse reads out the nearest point.
// A layer without a value (RunPlotPoint::missing) breaks its run's line and is a hollow diamond in a band along
// the edge of the axis it lacks (below the data for a missing alpha), whose read-out gives the reason.
#include <QColor>
#include <QStringList>
#include <limits>
#include <utility>
#include <vector>

#include "widgets/charts/chart_figure.h"
#include "widgets/charts/run_plot_series.h"

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace codescope::widgets {

class AlphaDepthView : public ChartFigure {
    Q_OBJECT
public:
    explicit AlphaDepthView(QWidget* parent = nullptr);

    /// Replaces every run. Each run's points are drawn in depth order.
    void setSeries(std::vector<RunPlotSeries> series);
    /// Layers whose points are ringed (in every run); unknown names are ignored.
    void setSelectedLayers(const QStringList& layerNames);
    /// Axis titles, read-out names and reference line (default: alphaDepthAxes()).
    void setAxes(const RunPlotAxes& axes);
    const RunPlotAxes& axes() const { return m_axes; }

    const std::vector<RunPlotSeries>& series() const { return m_series; }
    /// One line per run, parallel to series(): its first unbroken piece (lineSegments()), which carries the legend
    /// entry; the pieces after a gap are in lineContinuations(). A points-only run's line holds all its points but
    /// draws nothing and has no legend entry: its markers are in runPoints().
    const std::vector<QLineSeries*>& runLines() const { return m_runLines; }
    /// The further pieces of lines broken by points without a value, runs in order: unnamed, drawn as their run.
    const std::vector<QLineSeries*>& lineContinuations() const { return m_continuations; }
    /// The hollow markers of each run's points without a value, parallel to series(); null for a run without any.
    /// The first carries one legend entry for all.
    const std::vector<QScatterSeries*>& missingMarkers() const { return m_missingMarkers; }
    /// Where a point is drawn: (depth, alpha), or on the edge band of the axis it has no value on.
    QPointF drawnPosition(const RunPlotPoint& point) const;
    /// The markers of each points-only run (RunPlotSeries::pointsOnly), parallel to series(); null for a line.
    const std::vector<QScatterSeries*>& runPoints() const { return m_runPoints; }
    /// One polyline per point with an interval, runs in order.
    const std::vector<QLineSeries*>& errorBars() const { return m_errorBars; }
    /// The dashed reference line (alpha = -1 by default) across the whole x range; null without one.
    QLineSeries* referenceLine() const { return m_reference; }
    /// The ringed (selected) points of every run.
    QScatterSeries* selectionMarkers() const { return m_selection; }
    void showReadoutNear(QPointF position) override;

private:
    /// The data's extent over every run: x and y (with intervals and the reference line), the dropout rates that
    /// shade the runs, and whether some point lacks x or y.
    struct PlotExtent {
        double xMin = std::numeric_limits<double>::infinity(), xMax = -std::numeric_limits<double>::infinity();
        double yMin = std::numeric_limits<double>::infinity(), yMax = -std::numeric_limits<double>::infinity();
        double dropoutMin = std::numeric_limits<double>::infinity();
        double dropoutMax = -std::numeric_limits<double>::infinity();
        bool missingX = false, missingY = false;
    };

    /// Draws everything again from m_series and m_axes: the steps below, in drawing order (later lies on top).
    void rebuild();
    PlotExtent measureSeries() const;
    /// Sets both axes' ranges and ticks (and where points without a value go); returns the x axis' range.
    std::pair<double, double> setAxisRanges(const PlotExtent& extent);
    void addReferenceLine(double xMin, double xMax);
    void addErrorBars(const PlotExtent& extent, double capHalfWidth);
    /// The run's line (broken where a layer has no value) or, for a scatter run, its markers.
    void addRunLine(const RunPlotSeries& run, const QColor& colour);
    /// Hollow markers at the axis' edge for the run's layers without a value; the first run with any names them.
    void addMissingMarkers(const RunPlotSeries& run, const QColor& colour, bool& legendNamed);
    void addSelectionAndMarker();
    void rebuildSelection();
    void clearReadout() override;

    std::vector<RunPlotSeries> m_series;
    RunPlotAxes m_axes = alphaDepthAxes();
    QStringList m_selected;
    QValueAxis* m_xAxis;
    QValueAxis* m_yAxis;
    QLineSeries* m_reference = nullptr;
    std::vector<QLineSeries*> m_runLines;
    std::vector<QLineSeries*> m_continuations;
    std::vector<QScatterSeries*> m_runPoints;
    std::vector<QScatterSeries*> m_missingMarkers;
    double m_edgeX = 0; ///< where points without an x value are drawn (left of the data)
    double m_edgeY = 0; ///< where points without a y value are drawn (below the data)
    std::vector<QLineSeries*> m_errorBars;
    QScatterSeries* m_selection = nullptr;
    QScatterSeries* m_marker = nullptr;
};

} // namespace codescope::widgets
