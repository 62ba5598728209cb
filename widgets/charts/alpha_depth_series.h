#pragma once
// What the alpha-vs-depth view (Fig. 3c, 6b) is given: per run, the power-law exponent of each analysed layer with
// its bootstrap 95% confidence interval, as plain values. A layer without a value (e.g. a dead layer has no alpha) is
// a point too: it carries the reason, breaks its run's line and is marked on the edge of the axis it has no value on.
#include <QList>
#include <QPointF>
#include <QString>
#include <limits>
#include <vector>

namespace codescope::widgets {

struct AlphaDepthPoint {
    double depth = 0; ///< position of the layer in the forward pass (the x axis)
    QString layerName;
    double alpha = 0;                                     ///< power-law exponent of the layer's eigenspectrum
    double lo = std::numeric_limits<double>::quiet_NaN(); ///< 2.5th bootstrap percentile of alpha; NaN = none
    double hi = std::numeric_limits<double>::quiet_NaN(); ///< 97.5th bootstrap percentile of alpha; NaN = none
    /// Why this layer has no value here, e.g. "dead: every kept unit is 0 for every sample"; empty for a point
    /// with both coordinates. Such a point has NaN for the coordinate it lacks (alpha, or depth when x is a
    /// quantity it lacks, as in action against alpha) and no interval.
    QString missing{};
};

struct AlphaDepthSeries {
    QString runLabel;
    double dropout = std::numeric_limits<double>::quiet_NaN(); ///< the run's dropout rate; NaN = unknown
    std::vector<AlphaDepthPoint> points;
    /// Drawn as markers only (a scatter, e.g. measured points over a closed-form curve, Fig. 1c), with no line.
    bool pointsOnly = false;
    /// Drawn as a line without markers (a closed-form curve sampled densely, Fig. 1c); the read-out still works.
    bool lineOnly = false;
};

/// How a run plot names its axes, its points and their intervals. The defaults are the alpha-vs-depth figure's; the
/// same view draws the other per-layer quantities of a run against depth or against each other (Fig. 4c-d, 6c-e).
struct RunPlotAxes {
    QString xTitle, yTitle;         ///< axis titles
    QString xName, yName;           ///< short names in the read-out, e.g. "depth", "α"
    QString intervalName;           ///< what the error bars are, e.g. "95% CI", "± 1 sd"
    bool integerX = true;           ///< x is a layer depth: ticks on integers
    bool connectInXOrder = true;    ///< a full line through the points in x order; else a faint one (a scatter)
    double reference = -1.0;        ///< a dashed horizontal reference line; NaN = none
    QString referenceName;          ///< its legend entry, e.g. "α = −1"
    /// What a series' `dropout` value is, appended to its legend entry ("run (dropout 0.2)"); empty: the value
    /// only shades the series and is not named.
    QString shadeName;
};

/// The alpha-vs-depth figure's axes (Fig. 3c, 6b).
RunPlotAxes alphaDepthAxes();

/// True when the point carries a usable confidence interval (both ends finite) and is drawn (has a value).
bool hasInterval(const AlphaDepthPoint& point);

/// True when the point has both coordinates and is drawn on its run's line (no `missing` reason).
bool hasValue(const AlphaDepthPoint& point);

/// The run's line as unbroken pieces, in the points' order: the points with a value, split at every point without
/// one that has an x position (a layer between its neighbours without alpha leaves a gap rather than a line across
/// it). A point without an x position (e.g. no alpha in action against alpha) has no place in the line: no gap.
/// Always at least one piece (empty for a run without a value).
std::vector<QList<QPointF>> lineSegments(const AlphaDepthSeries& run);

/// The error bar of `point` as one polyline: the lower cap, the vertical bar from lo to hi, the upper cap; caps are
/// 2 * capHalfWidth wide (x units). Empty without an interval.
QList<QPointF> errorBarPolyline(const AlphaDepthPoint& point, double capHalfWidth);

} // namespace codescope::widgets
