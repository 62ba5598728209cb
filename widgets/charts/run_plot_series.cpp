#include "widgets/charts/run_plot_series.h"

#include <QObject>

#include <cmath>

namespace codescope::widgets {

bool hasInterval(const RunPlotPoint& point) {
    return hasValue(point) && std::isfinite(point.lo) && std::isfinite(point.hi);
}

bool hasValue(const RunPlotPoint& point) {
    return point.missing.isEmpty() && std::isfinite(point.x) && std::isfinite(point.y);
}

std::vector<QList<QPointF>> lineSegments(const RunPlotSeries& run) {
    std::vector<QList<QPointF>> segments(1);
    for (const RunPlotPoint& p : run.points) {
        if (hasValue(p)) {
            segments.back().append(QPointF(p.x, p.y));
        } else if (std::isfinite(p.x) && !segments.back().isEmpty()) {
            segments.emplace_back();
        }
    }
    if (segments.size() > 1 && segments.back().isEmpty()) segments.pop_back();
    return segments;
}

QList<QPointF> errorBarPolyline(const RunPlotPoint& point, double capHalfWidth) {
    if (!hasInterval(point)) return {};
    const double x = point.x;
    // Drawn as one stroke (cap, bar, cap) so that each bar is a single series: the bar retraces half of each cap,
    // which draws nothing new.
    return {QPointF(x - capHalfWidth, point.lo),
            QPointF(x + capHalfWidth, point.lo),
            QPointF(x, point.lo),
            QPointF(x, point.hi),
            QPointF(x - capHalfWidth, point.hi),
            QPointF(x + capHalfWidth, point.hi)};
}

RunPlotAxes alphaDepthAxes() {
    RunPlotAxes axes;
    axes.xTitle = QObject::tr("layer depth (position in the forward pass)");
    axes.yTitle = QObject::tr("power-law exponent α (slope of log λ on log k)");
    axes.xName = QObject::tr("depth");
    axes.yName = QObject::tr("α");
    axes.intervalName = QObject::tr("95% CI");
    axes.reference = -1.0; // the paper's critical exponent: spectra decaying as 1/k
    axes.referenceName = QObject::tr("α = −1");
    axes.shadeName = QObject::tr("dropout");
    return axes;
}

} // namespace codescope::widgets
