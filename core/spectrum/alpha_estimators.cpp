#include "core/spectrum/alpha_estimators.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/common/input_error.h"
#include "core/spectrum/power_law_fit.h"

namespace codescope::spectrum {

namespace {

constexpr int kMinimumPoints = 3;

// Rounding noise between the KS distances of equally good cut-offs (an exact power law fits every one of them).
constexpr double kKsTolerance = 1e-12;

void requireFinite(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues) {
    for (Eigen::Index i = 0; i < eigenvalues.size(); ++i)
        if (!std::isfinite(eigenvalues[i]))
            throw InputError("eigenvalue " + std::to_string(i + 1) + " is not a finite number");
}

// scikit-learn's r2_score (force_finite): a constant target gives 1 for an exact line and 0 otherwise.
double rSquared(const Eigen::VectorXd& x, const Eigen::VectorXd& y, double slope, double intercept) {
    const double residual = (y.array() - intercept - slope * x.array()).square().sum();
    const double total = (y.array() - y.mean()).square().sum();
    if (total == 0.0) return residual == 0.0 ? 1.0 : 0.0;
    return 1.0 - residual / total;
}

// Stringer et al. 2019's weighted least squares, centred on the weighted means for accuracy.
void fitWeightedLine(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& weights, double& slope,
                     double& intercept) {
    const double total = weights.sum();
    const double xMean = weights.dot(x) / total;
    const double yMean = weights.dot(y) / total;
    const Eigen::ArrayXd dx = x.array() - xMean;
    slope = (weights.array() * dx * (y.array() - yMean)).sum() / (weights.array() * dx.square()).sum();
    intercept = yMean - slope * xMean;
}

// The truncated discrete power law p_k = k^alpha / Z on the ranks whose logarithms are `logK`, in a form that
// neither overflows nor underflows: terms are scaled by the largest one.
struct ZipfMoments {
    double logZ = 0;     // ln sum_k k^alpha
    double meanLogK = 0; // E[ln k]
    double varLogK = 0;  // Var[ln k]
};

ZipfMoments zipfMoments(const Eigen::VectorXd& logK, double alpha) {
    const double shift = alpha > 0 ? logK.maxCoeff() : logK.minCoeff();
    const Eigen::ArrayXd terms = (alpha * (logK.array() - shift)).exp();
    const double sum = terms.sum();
    ZipfMoments moments;
    moments.logZ = alpha * shift + std::log(sum);
    moments.meanLogK = (terms * logK.array()).sum() / sum;
    moments.varLogK = std::max(0.0, (terms * (logK.array() - moments.meanLogK).square()).sum() / sum);
    return moments;
}

// The alpha with E_alpha[ln k] = target: Newton steps kept inside a bracket that bisection shrinks. E_alpha[ln k]
// rises monotonically from ln kmin (alpha -> -inf) to ln kmax (alpha -> +inf), and target lies strictly between.
double solveZipfExponent(const Eigen::VectorXd& logK, double target) {
    double lo = -1.0;
    double hi = 1.0;
    while (zipfMoments(logK, lo).meanLogK > target && lo > -1e6)
        lo *= 2.0;
    while (zipfMoments(logK, hi).meanLogK < target && hi < 1e6)
        hi *= 2.0;
    double alpha = -1.0;
    if (alpha <= lo || alpha >= hi) alpha = 0.5 * (lo + hi);
    for (int iteration = 0; iteration < 200; ++iteration) {
        const ZipfMoments m = zipfMoments(logK, alpha);
        const double gap = m.meanLogK - target;
        if (gap > 0)
            hi = alpha;
        else
            lo = alpha;
        double next = m.varLogK > 0 ? alpha - gap / m.varLogK : 0.5 * (lo + hi);
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (std::abs(next - alpha) <= 1e-13 * std::max(1.0, std::abs(alpha))) return next;
        alpha = next;
    }
    return alpha;
}

struct ZipfFit {
    double alpha = 0;
    double intercept = 0;
    double ksDistance = 0;
};

// The variance-weighted discrete power-law MLE on the points [first, end) and its KS distance.
ZipfFit fitZipf(const Eigen::VectorXd& logK, const Eigen::VectorXd& logLambda, Eigen::Index first) {
    const Eigen::Index count = logK.size() - first;
    const Eigen::VectorXd ranks = logK.tail(count);
    // Eigenvalues relative to the largest in the range: the likelihood is scale-free and this keeps exp() finite.
    const Eigen::VectorXd weights = (logLambda.tail(count).array() - logLambda.tail(count).maxCoeff()).exp();
    const double total = weights.sum();
    ZipfFit fit;
    fit.alpha = solveZipfExponent(ranks, weights.dot(ranks) / total);
    const ZipfMoments moments = zipfMoments(ranks, fit.alpha);
    fit.intercept = std::log(total) + logLambda.tail(count).maxCoeff() - moments.logZ;
    double data = 0;
    double model = 0;
    for (Eigen::Index i = 0; i < count; ++i) {
        data += weights[i] / total;
        model += std::exp(fit.alpha * ranks[i] - moments.logZ);
        fit.ksDistance = std::max(fit.ksDistance, std::abs(data - model));
    }
    return fit;
}

AlphaFit fitMle(const PowerLawFitPoints& points, const AlphaFitOptions& options) {
    if (!(options.mleMinRangeFraction > 0.0 && options.mleMinRangeFraction <= 1.0))
        throw InputError("the MLE's minimum range fraction must be in (0, 1], got " +
                         std::to_string(options.mleMinRangeFraction));
    const auto count = static_cast<int>(points.logK.size());
    const int keep = std::max(kMinimumPoints, static_cast<int>(std::ceil(options.mleMinRangeFraction * count)));
    const int lastStart = options.mleChooseCutoff ? count - keep : 0;
    ZipfFit best;
    int bestStart = 0;
    for (int start = 0; start <= lastStart; ++start) {
        const ZipfFit candidate = fitZipf(points.logK, points.logLambda, start);
        if (start == 0 || candidate.ksDistance < best.ksDistance - kKsTolerance) {
            best = candidate;
            bestStart = start;
        }
    }
    AlphaFit fit;
    fit.alpha = best.alpha;
    fit.intercept = best.intercept;
    fit.ksDistance = best.ksDistance;
    fit.fitLo = points.fitLo + bestStart;
    const Eigen::Index fitted = count - bestStart;
    fit.rSquared = rSquared(points.logK.tail(fitted), points.logLambda.tail(fitted), fit.alpha, fit.intercept);
    return fit;
}

} // namespace

std::string alphaEstimatorName(AlphaEstimator estimator) {
    switch (estimator) {
    case AlphaEstimator::Huber:
        return "huber";
    case AlphaEstimator::Wls:
        return "wls";
    case AlphaEstimator::Mle:
        return "mle";
    }
    return "unknown";
}

AlphaEstimator parseAlphaEstimator(const std::string& name) {
    for (AlphaEstimator estimator : allAlphaEstimators())
        if (alphaEstimatorName(estimator) == name) return estimator;
    throw InputError("unknown alpha estimator '" + name + "' (huber, wls or mle)");
}

std::vector<AlphaEstimator> allAlphaEstimators() {
    return {AlphaEstimator::Huber, AlphaEstimator::Wls, AlphaEstimator::Mle};
}

AlphaFit fitAlpha(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues, int fitLo, int fitHi, AlphaEstimator estimator,
                  const AlphaFitOptions& options) {
    requireFinite(eigenvalues);
    const PowerLawFitPoints points = powerLawFitPoints(eigenvalues, fitLo, fitHi);
    AlphaFit fit;
    switch (estimator) {
    case AlphaEstimator::Huber: {
        const HuberFit line = fitHuberLine(points.logK, points.logLambda, options.huber);
        fit.alpha = line.slope;
        fit.intercept = line.intercept;
        break;
    }
    case AlphaEstimator::Wls: {
        const Eigen::VectorXd weights = (-points.logK.array()).exp(); // 1/k
        fitWeightedLine(points.logK, points.logLambda, weights, fit.alpha, fit.intercept);
        break;
    }
    case AlphaEstimator::Mle:
        fit = fitMle(points, options);
        break;
    }
    fit.estimator = estimator;
    if (estimator != AlphaEstimator::Mle) {
        fit.fitLo = points.fitLo;
        fit.ksDistance = std::numeric_limits<double>::quiet_NaN();
        fit.rSquared = rSquared(points.logK, points.logLambda, fit.alpha, fit.intercept);
    }
    fit.fitHi = points.fitHi;
    fit.warning = points.warning;
    return fit;
}

AlphaRangeTable alphaRangeSensitivity(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues, const std::vector<int>& los,
                                      const std::vector<int>& his, AlphaEstimator estimator,
                                      const AlphaFitOptions& options) {
    if (los.empty() || his.empty()) throw InputError("the fit-range grid needs at least one lo and one hi");
    for (const std::vector<int>* grid : {&los, &his})
        for (int value : *grid)
            if (value < 1)
                throw InputError("fit-range grid values are 1-based components, got " + std::to_string(value));
    requireFinite(eigenvalues);
    AlphaRangeTable table;
    table.estimator = estimator;
    table.los = los;
    table.his = his;
    for (int lo : los) {
        for (int hi : his) {
            AlphaRangeCell cell;
            cell.lo = lo;
            cell.hi = hi;
            if (hi - lo + 1 < kMinimumPoints) {
                cell.reason = "range " + std::to_string(lo) + ":" + std::to_string(hi) + " has fewer than " +
                              std::to_string(kMinimumPoints) + " components";
            } else {
                try {
                    cell.fit = fitAlpha(eigenvalues, lo, hi, estimator, options);
                    cell.fitted = cell.fit.warning.empty();
                    if (!cell.fitted) cell.reason = cell.fit.warning;
                } catch (const InputError& error) {
                    cell.reason = error.what();
                }
            }
            table.cells.push_back(cell);
        }
    }
    return table;
}

} // namespace codescope::spectrum
