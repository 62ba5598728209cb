#pragma once
// What the alpha-vs-depth view (Fig. 3c, 6b) is given: per run, the power-law exponent of each analysed layer with
// its bootstrap 95% confidence interval, as plain values.
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
};

struct AlphaDepthSeries {
    QString runLabel;
    double dropout = std::numeric_limits<double>::quiet_NaN(); ///< the run's dropout rate; NaN = unknown
    std::vector<AlphaDepthPoint> points;
};

/// True when the point carries a usable confidence interval (both ends finite).
bool hasInterval(const AlphaDepthPoint& point);

/// The error bar of `point` as one polyline: the lower cap, the vertical bar from lo to hi, the upper cap; caps are
/// 2 * capHalfWidth wide (x units). Empty without an interval.
QList<QPointF> errorBarPolyline(const AlphaDepthPoint& point, double capHalfWidth);

} // namespace codescope::widgets
