#include "widgets/charts/chart_palette.h"

#include <algorithm>
#include <cmath>

namespace codescope::widgets {

namespace {
// Lightness bounds: the lightest grey must still read on a white plot background, the darkest must not be pure
// black so that the black axis lines stay distinct.
constexpr int kLightestGrey = 200;
constexpr int kDarkestGrey = 25;
constexpr double kLightestGreen = 0.72;
constexpr double kDarkestGreen = 0.22;
constexpr double kGreenHue = 130.0 / 360.0;
} // namespace

QColor depthGrey(int rank, int count) {
    if (count <= 1) return QColor(70, 70, 70);
    const double t = std::clamp(static_cast<double>(rank) / (count - 1), 0.0, 1.0);
    const int level = static_cast<int>(std::lround(kLightestGrey + t * (kDarkestGrey - kLightestGrey)));
    return QColor(level, level, level);
}

QColor dropoutGreen(double dropout, double minDropout, double maxDropout) {
    double t = 0.5;
    if (std::isfinite(dropout) && std::isfinite(minDropout) && std::isfinite(maxDropout) && maxDropout > minDropout)
        t = std::clamp((dropout - minDropout) / (maxDropout - minDropout), 0.0, 1.0);
    return QColor::fromHslF(kGreenHue, 0.55, kLightestGreen + t * (kDarkestGreen - kLightestGreen));
}

QColor fitAccent() {
    return QColor(200, 40, 40);
}

} // namespace codescope::widgets
