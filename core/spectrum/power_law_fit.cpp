#include "core/spectrum/power_law_fit.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/input_error.h"

namespace codescope::spectrum {

namespace {
constexpr int kMinimumPoints = 3;
} // namespace

// Below the threshold lie rounding noise of a rank-deficient covariance (fewer samples than features, constant
// features): their logarithm says nothing about the code.
int meaningfulEigenvalues(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues) {
    const double largest = eigenvalues.size() > 0 ? eigenvalues.maxCoeff() : 0.0;
    int usable = 0;
    while (usable < eigenvalues.size() && largest > 0 && eigenvalues[usable] > kNumericalZeroEigenvalue * largest)
        ++usable;
    return usable;
}

int eigenvaluesNeededForFit(int fitLo) {
    return fitLo + kMinimumPoints - 1;
}

PowerLawFitPoints powerLawFitPoints(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues, int fitLo, int fitHi) {
    if (fitLo < 1 || fitHi <= fitLo)
        throw InputError("invalid fit range " + std::to_string(fitLo) + ":" + std::to_string(fitHi) +
                         " (need 1 <= lo < hi, 1-based component indices)");
    const int usable = meaningfulEigenvalues(eigenvalues);

    PowerLawFitPoints points;
    points.fitLo = fitLo;
    points.fitHi = std::min(fitHi, usable);
    if (points.fitHi - points.fitLo + 1 < kMinimumPoints)
        throw InputError("too few components for the power-law fit: range " + std::to_string(fitLo) + ":" +
                         std::to_string(fitHi) + " needs at least " + std::to_string(eigenvaluesNeededForFit(fitLo)) +
                         " positive eigenvalues, the spectrum has " + std::to_string(usable));
    if (points.fitHi < fitHi)
        points.warning = "only " + std::to_string(usable) + " positive eigenvalues: fitted components " +
                         std::to_string(points.fitLo) + ".." + std::to_string(points.fitHi) + " instead of " +
                         std::to_string(fitLo) + ".." + std::to_string(fitHi);

    const int count = points.fitHi - points.fitLo + 1;
    points.logK.resize(count);
    points.logLambda.resize(count);
    for (int i = 0; i < count; ++i) {
        const int k = points.fitLo + i;
        points.logK[i] = std::log(static_cast<double>(k));
        points.logLambda[i] = std::log(eigenvalues[k - 1]);
    }
    return points;
}

PowerLawFit powerLawExponent(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues, int fitLo, int fitHi,
                             const HuberOptions& huber) {
    const PowerLawFitPoints points = powerLawFitPoints(eigenvalues, fitLo, fitHi);
    const HuberFit line = fitHuberLine(points.logK, points.logLambda, huber);
    PowerLawFit fit;
    fit.alpha = line.slope;
    fit.intercept = line.intercept;
    fit.fitLo = points.fitLo;
    fit.fitHi = points.fitHi;
    fit.warning = points.warning;
    return fit;
}

} // namespace codescope::spectrum
