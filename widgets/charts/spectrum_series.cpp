#include "widgets/charts/spectrum_series.h"

#include <cmath>

namespace codescope::widgets {

double fittedEigenvalue(const SpectrumSeries& series, double k) {
    return std::exp(series.intercept) * std::pow(k, series.alpha);
}

bool hasDrawableSpectrum(const SpectrumSeries& series) {
    for (double value : series.eigenvalues)
        if (value > 0 && std::isfinite(value)) return true;
    return false;
}

QPointF LogLogFrame::toPixel(double x, double y) const {
    const double u = (std::log(x) - std::log(xMin)) / (std::log(xMax) - std::log(xMin));
    const double v = (std::log(y) - std::log(yMin)) / (std::log(yMax) - std::log(yMin));
    return {plotArea.left() + u * plotArea.width(), plotArea.bottom() - v * plotArea.height()};
}

std::optional<SpectrumPoint> nearestSpectrumPoint(const std::vector<SpectrumSeries>& series, const LogLogFrame& frame,
                                                  QPointF pixel, double maxDistance) {
    std::optional<SpectrumPoint> best;
    double bestDistance = maxDistance * maxDistance;
    for (std::size_t s = 0; s < series.size(); ++s) {
        const std::vector<double>& values = series[s].eigenvalues;
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (!(values[i] > 0)) continue;
            const QPointF p = frame.toPixel(static_cast<double>(i + 1), values[i]);
            const double dx = p.x() - pixel.x(), dy = p.y() - pixel.y();
            const double distance = dx * dx + dy * dy;
            if (distance <= bestDistance) {
                bestDistance = distance;
                best = SpectrumPoint{static_cast<int>(s), static_cast<int>(i + 1), values[i]};
            }
        }
    }
    return best;
}

} // namespace codescope::widgets
