#include "core/spectrum/power_law_fit.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/common/input_error.h"

namespace codescope::spectrum {

namespace {
// Eigenvalues below this fraction of the largest are rounding noise of a rank-deficient covariance (fewer samples
// than features, constant features): their logarithm says nothing about the code.
constexpr double kNumericalZero = 1e-13;
constexpr int kMinimumPoints = 3;
} // namespace

PowerLawFit powerLawExponent(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues, int fitLo, int fitHi,
                             const HuberOptions& huber) {
    if (fitLo < 1 || fitHi <= fitLo)
        throw InputError("invalid fit range " + std::to_string(fitLo) + ":" + std::to_string(fitHi) +
                         " (need 1 <= lo < hi, 1-based component indices)");
    const double largest = eigenvalues.size() > 0 ? eigenvalues.maxCoeff() : 0.0;
    int usable = 0; // leading eigenvalues that are meaningfully positive
    while (usable < eigenvalues.size() && eigenvalues[usable] > kNumericalZero * largest && largest > 0) ++usable;

    PowerLawFit fit;
    fit.fitLo = fitLo;
    fit.fitHi = std::min(fitHi, usable);
    if (fit.fitHi - fit.fitLo + 1 < kMinimumPoints)
        throw InputError("too few components for the power-law fit: range " + std::to_string(fitLo) + ":" +
                         std::to_string(fitHi) + " needs at least " + std::to_string(fitLo + kMinimumPoints - 1) +
                         " positive eigenvalues, the spectrum has " + std::to_string(usable));
    if (fit.fitHi < fitHi)
        fit.warning = "only " + std::to_string(usable) + " positive eigenvalues: fitted components " +
                      std::to_string(fit.fitLo) + ".." + std::to_string(fit.fitHi) + " instead of " +
                      std::to_string(fitLo) + ".." + std::to_string(fitHi);

    const int points = fit.fitHi - fit.fitLo + 1;
    Eigen::VectorXd logK(points);
    Eigen::VectorXd logLambda(points);
    for (int i = 0; i < points; ++i) {
        const int k = fit.fitLo + i;
        logK[i] = std::log(static_cast<double>(k));
        logLambda[i] = std::log(eigenvalues[k - 1]);
    }
    const HuberFit line = fitHuberLine(logK, logLambda, huber);
    fit.alpha = line.slope;
    fit.intercept = line.intercept;
    return fit;
}

} // namespace codescope::spectrum
