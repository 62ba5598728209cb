#include "core/spectrum/bootstrap.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/spectrum/alpha_estimators.h"

namespace codescope::spectrum {

namespace {

constexpr Eigen::Index kBlockRows = 4096;

// Eigenvalues (descending) of the covariance of the rows of `scores` taken with multiplicities `counts`.
Eigen::VectorXd resampledEigenvalues(const Eigen::Ref<const Eigen::MatrixXf>& scores, const Eigen::VectorXd& counts) {
    const Eigen::Index n = scores.rows();
    const Eigen::Index dims = scores.cols();
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(dims, dims);
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(dims);
    Eigen::MatrixXd block;
    for (Eigen::Index first = 0; first < n; first += kBlockRows) {
        const Eigen::Index rows = std::min(kBlockRows, n - first);
        const Eigen::VectorXd weights = counts.segment(first, rows);
        block = scores.middleRows(first, rows).cast<double>();
        sum.noalias() += block.transpose() * weights;
        // Rows scaled by sqrt(count) make the weighted scatter a plain symmetric rank-k update.
        block.array().colwise() *= weights.array().sqrt();
        gram.selfadjointView<Eigen::Lower>().rankUpdate(block.transpose());
    }
    // Equal to n when every draw has the same number of rows (always, for single rows).
    const double total = counts.sum();
    const Eigen::VectorXd mean = sum / total;
    gram.selfadjointView<Eigen::Lower>().rankUpdate(mean, -total);
    Eigen::MatrixXd covariance = gram.selfadjointView<Eigen::Lower>();
    covariance /= total - 1.0;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance, Eigen::EigenvaluesOnly);
    return solver.eigenvalues().reverse();
}

} // namespace

BootstrapInterval bootstrapPowerLawInterval(const Eigen::Ref<const Eigen::MatrixXf>& scores, double alpha,
                                            int resamples, std::uint64_t seed, int fitLo, int fitHi,
                                            AlphaEstimator estimator, std::int64_t rowsPerUnit,
                                            const ProgressCallback& progress, const CancelToken* cancel) {
    BootstrapInterval interval;
    interval.resamples = resamples;
    if (resamples <= 0) return interval;
    const Eigen::Index n = scores.rows();
    const Eigen::Index unitRows = std::max<Eigen::Index>(1, rowsPerUnit);
    const Eigen::Index units = (n + unitRows - 1) / unitRows;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<Eigen::Index> pick(0, units - 1);
    std::vector<double> alphas;
    alphas.reserve(static_cast<std::size_t>(resamples));
    Eigen::VectorXd counts(n);
    for (int b = 0; b < resamples; ++b) {
        if (cancel) cancel->throwIfCancelled();
        counts.setZero();
        if (unitRows == 1) {
            for (Eigen::Index i = 0; i < n; ++i)
                counts[pick(rng)] += 1.0;
        } else {
            for (Eigen::Index u = 0; u < units; ++u) {
                const Eigen::Index first = pick(rng) * unitRows;
                counts.segment(first, std::min(unitRows, n - first)).array() += 1.0;
            }
        }
        alphas.push_back(fitAlpha(resampledEigenvalues(scores, counts), fitLo, fitHi, estimator).alpha);
        if (progress) progress(static_cast<double>(b + 1) / resamples);
    }
    double mean = 0;
    for (double a : alphas)
        mean += a;
    mean /= static_cast<double>(alphas.size());
    double squares = 0;
    for (double a : alphas)
        squares += (a - mean) * (a - mean);
    interval.bias = mean - alpha;
    interval.standardError = alphas.size() > 1 ? std::sqrt(squares / static_cast<double>(alphas.size() - 1)) : 0.0;
    constexpr double kZ975 = 1.959963984540054; // standard normal 97.5th percentile
    interval.lo = alpha - interval.bias - kZ975 * interval.standardError;
    interval.hi = alpha - interval.bias + kZ975 * interval.standardError;
    return interval;
}

} // namespace codescope::spectrum
