#include "core/claims/spectrum_step.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace codescope::claims {

SpectrumStep largestSpectrumStep(const spectrum::SpectrumResult& r) {
    SpectrumStep step;
    step.decades = std::numeric_limits<double>::quiet_NaN();
    const Eigen::Index count = r.eigenvalues.size();
    if (!r.fitted() || count < 2 || !(r.eigenvalues[0] > 0)) return step;
    const Eigen::Index last = std::min<Eigen::Index>(kStepMaxComponent, count / 2); // 1-based, inclusive
    const double floor = 1e-12 * r.eigenvalues[0];
    for (Eigen::Index k = 1; k + kStepWindow <= last; ++k) {
        const double from = r.eigenvalues[k - 1], to = r.eigenvalues[k + kStepWindow - 1];
        if (!(to > floor) || !std::isfinite(from)) break; // numerical rank reached: beyond it the "fall" is rounding
        const double fall =
            std::log10(from / to) + r.alpha * std::log10(static_cast<double>(k + kStepWindow) / static_cast<double>(k));
        if (std::isnan(step.decades) || fall > step.decades) {
            step.decades = fall;
            step.component = static_cast<int>(k);
        }
    }
    return step;
}

} // namespace codescope::claims
