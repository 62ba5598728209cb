#pragma once
// What a run plot (the alpha-vs-depth view, and the same view for the other per-layer quantities: action, explained
// variance, rates, sparsities; Figs. 3c, 4c-d, 6b-e) is given: per run, one point per layer with a y value, an x
// position and an interval, as plain values. A layer without a value (e.g. a dead layer has no alpha) is a point too:
// it carries the reason, breaks its run's line and is marked on the edge of the axis it has no value on.
#include <QList>
#include <QPointF>
#include <QString>
#include <limits>
#include <vector>

namespace codescope::widgets {

struct RunPlotPoint {
    /// The x coordinate, as RunPlotAxes::xName says: the layer's depth in the forward pass in the alpha-vs-depth
    /// figure, else another quantity (alpha, when the action is plotted against it; a sparsity; a dropout count).
    double x = 0;
    QString layerName;
    /// The y coordinate, the plotted quantity, as RunPlotAxes::yName says: alpha in the alpha-vs-depth figure, else
    /// the action, an explained variance, a rate or a capacity.
    double y = 0;
    /// The interval around y, [lo, hi] in y's units, as RunPlotAxes::intervalName says: the bootstrap 95%
    /// confidence interval (2.5th and 97.5th percentiles) for alpha; y - 1 sd .. y + 1 sd over the random projections
    /// for the action and the explained variance. NaN = none (then no error bar is drawn).
    double lo = std::numeric_limits<double>::quiet_NaN();
    double hi = std::numeric_limits<double>::quiet_NaN();
    /// Why this layer has no value here, e.g. "dead: every kept unit is 0 for every sample"; empty for a point
    /// with both coordinates. Such a point has NaN for the coordinate it lacks (y, or x when x is a quantity it
    /// lacks, as in action against alpha) and no interval.
    QString missing{};
};

struct RunPlotSeries {
    QString runLabel;
    double dropout = std::numeric_limits<double>::quiet_NaN(); ///< the run's dropout rate; NaN = unknown
    std::vector<RunPlotPoint> points;
    /// Drawn as markers only (a scatter, e.g. measured points over a closed-form curve, Fig. 1c), with no line.
    bool pointsOnly = false;
    /// Drawn as a line without markers (a closed-form curve sampled densely, Fig. 1c); the read-out still works.
    bool lineOnly = false;
};

/// How a run plot names its axes, its points and their intervals. The defaults are the alpha-vs-depth figure's; the
/// same view draws the other per-layer quantities of a run against depth or against each other (Fig. 4c-d, 6c-e).
struct RunPlotAxes {
    QString xTitle, yTitle;      ///< axis titles
    QString xName, yName;        ///< short names in the read-out, e.g. "depth", "α"
    QString intervalName;        ///< what the error bars are, e.g. "95% CI", "± 1 sd"
    bool integerX = true;        ///< x is a layer depth: ticks on integers
    bool connectInXOrder = true; ///< a full line through the points in x order; else a faint one (a scatter)
    double reference = -1.0;     ///< a dashed horizontal reference line; NaN = none
    QString referenceName;       ///< its legend entry, e.g. "α = −1"
    /// What a series' `dropout` value is, appended to its legend entry ("run (dropout 0.2)"); empty: the value
    /// only shades the series and is not named.
    QString shadeName;
};

/// The alpha-vs-depth figure's axes (Fig. 3c, 6b).
RunPlotAxes alphaDepthAxes();

/// True when the point carries a usable confidence interval (both ends finite) and is drawn (has a value).
bool hasInterval(const RunPlotPoint& point);

/// True when the point has both coordinates and is drawn on its run's line (no `missing` reason).
bool hasValue(const RunPlotPoint& point);

/// The run's line as unbroken pieces, in the points' order: the points with a value, split at every point without
/// one that has an x position (a layer between its neighbours without alpha leaves a gap rather than a line across
/// it). A point without an x position (e.g. no alpha in action against alpha) has no place in the line: no gap.
/// Always at least one piece (empty for a run without a value).
std::vector<QList<QPointF>> lineSegments(const RunPlotSeries& run);

/// The error bar of `point` as one polyline: the lower cap, the vertical bar from lo to hi, the upper cap; caps are
/// 2 * capHalfWidth wide (x units). Empty without an interval.
QList<QPointF> errorBarPolyline(const RunPlotPoint& point, double capHalfWidth);

} // namespace codescope::widgets
