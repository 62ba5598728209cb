#include "widgets/charts/alpha_depth_series.h"

#include <cmath>

namespace codescope::widgets {

bool hasInterval(const AlphaDepthPoint& point) {
    return std::isfinite(point.lo) && std::isfinite(point.hi);
}

QList<QPointF> errorBarPolyline(const AlphaDepthPoint& point, double capHalfWidth) {
    if (!hasInterval(point)) return {};
    const double x = point.depth;
    // Drawn as one stroke (cap, bar, cap) so that each bar is a single series: the bar retraces half of each cap,
    // which draws nothing new.
    return {QPointF(x - capHalfWidth, point.lo),
            QPointF(x + capHalfWidth, point.lo),
            QPointF(x, point.lo),
            QPointF(x, point.hi),
            QPointF(x - capHalfWidth, point.hi),
            QPointF(x + capHalfWidth, point.hi)};
}

} // namespace codescope::widgets
