#include "core/projection/explained_variance.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <utility>

#include "core/common/input_error.h"

namespace codescope::projection {

namespace {

// Mean and sample standard deviation of a vector of per-projection values.
std::pair<double, double> meanAndSpread(const Eigen::VectorXd& values) {
    const double mean = values.mean();
    const Eigen::Index k = values.size();
    const double sd = k > 1 ? std::sqrt((values.array() - mean).square().sum() / static_cast<double>(k - 1)) : 0.0;
    return {mean, sd};
}

} // namespace

ReadoutTarget readoutTarget(const Eigen::Ref<const Eigen::MatrixXd>& target) {
    if (target.cols() == 0) throw InputError("explained variance: the target has no columns");
    if (!target.allFinite()) throw InputError("explained variance: the target contains NaN or Inf");
    const Eigen::Index n = target.rows();
    ReadoutTarget prepared;
    // Centre the target; exactly constant columns (SST_j = 0) are zeroed so they drop out of both sums.
    Eigen::MatrixXd centred = target.rowwise() - target.colwise().mean();
    for (Eigen::Index j = 0; j < target.cols(); ++j) {
        if (target.col(j).maxCoeff() == target.col(j).minCoeff()) {
            centred.col(j).setZero();
            ++prepared.constantColumns;
        }
    }
    prepared.totalSquares = centred.squaredNorm(); // sum_j SST_j
    if (!(prepared.totalSquares > 0.0))
        throw InputError("explained variance: every column of the target is constant, there is no variance to explain");

    // With the intercept, span[1 z] = span{1} (+) span{z - mean z}, and the centred target is orthogonal to 1, so
    //   sum_j SST_j - sum_j SSE_j = ||P_z Yc||_F^2 = ||Yc^T Q_z||_F^2,
    // Q_z an orthonormal basis of the centred curve. Any T with T^T T = Yc Yc^T gives the same norm: Yc^T itself when
    // p <= n, else the n x n triangle R of Yc^T = Q R, so the per-projection cost never grows with the pixel count.
    if (centred.cols() > n) {
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(centred.transpose());
        prepared.factor = qr.matrixQR().topRows(n).triangularView<Eigen::Upper>();
    } else {
        prepared.factor = centred.transpose();
    }
    return prepared;
}

Eigen::VectorXd pooledReadoutR2(const Eigen::Ref<const Eigen::MatrixXd>& curves, int dimensions,
                                const ReadoutTarget& target, const ExplainedVarianceOptions& options) {
    if (dimensions < 1)
        throw InputError("explained variance: the dimensions of a projection must be >= 1, got " +
                         std::to_string(dimensions));
    const Eigen::Index n = target.frames();
    const Eigen::Index d = dimensions;
    if (n < d + 2)
        throw InputError("explained variance needs at least " + std::to_string(d + 2) + " frames (d + 2 for " +
                         std::to_string(d) + "-dimensional projections), got " + std::to_string(n));
    if (curves.rows() != n)
        throw InputError("explained variance: the curves have " + std::to_string(curves.rows()) +
                         " frames but the target has " + std::to_string(n));
    if (curves.cols() == 0 || curves.cols() % d != 0)
        throw InputError("explained variance: the curves have " + std::to_string(curves.cols()) +
                         " columns, not a positive multiple of " + std::to_string(d));
    if (!curves.allFinite()) throw InputError("explained variance: the curves contain NaN or Inf");
    const Eigen::Index k = curves.cols() / d;

    // Orthonormal bases of every centred curve, side by side (n x dK); dropped directions stay zero columns.
    // A column-pivoted QR decides the rank, so a rank-deficient [1 z] projects onto the span of its independent
    // columns: the fitted values of the minimum-norm least-squares solution.
    Eigen::MatrixXd bases = Eigen::MatrixXd::Zero(n, d * k);
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(n, d);
    qr.setThreshold(options.rankTolerance);
    for (Eigen::Index p = 0; p < k; ++p) {
        const Eigen::MatrixXd curve = curves.middleCols(p * d, d);
        qr.compute(curve.rowwise() - curve.colwise().mean());
        const Eigen::Index rank = qr.rank();
        if (rank > 0) bases.middleCols(p * d, rank) = qr.householderQ() * Eigen::MatrixXd::Identity(n, rank);
    }

    // One product for all projections: min(n, p) x n times n x dK.
    const Eigen::RowVectorXd explained = (target.factor * bases).colwise().squaredNorm();
    Eigen::VectorXd r2(k);
    for (Eigen::Index p = 0; p < k; ++p)
        r2[p] = std::min(1.0, explained.segment(p * d, d).sum() / target.totalSquares); // 1 - SSE/SST, rounding-capped
    return r2;
}

Eigen::VectorXd pooledReadoutR2(const Eigen::Ref<const Eigen::MatrixXd>& curves, int dimensions,
                                const Eigen::Ref<const Eigen::MatrixXd>& target,
                                const ExplainedVarianceOptions& options, Eigen::Index* constantColumns) {
    const ReadoutTarget prepared = readoutTarget(target);
    if (constantColumns) *constantColumns = prepared.constantColumns;
    return pooledReadoutR2(curves, dimensions, prepared, options);
}

ExplainedVarianceResult explainedVariance(const RandomProjectionResult& projections, const ReadoutTarget& stimulus,
                                          const ReadoutTarget* latent, const ExplainedVarianceOptions& options) {
    if (projections.curveCount() == 0)
        throw InputError("explained variance: the random projections hold no curves (keptCurves was 0)");
    if (projections.curves.rows() != stimulus.frames())
        throw InputError("explained variance: the projections have " + std::to_string(projections.curves.rows()) +
                         " frames but the stimulus has " + std::to_string(stimulus.frames()));
    const int d = projections.options.dimensions;
    ExplainedVarianceResult result;
    result.stimulusR2 = pooledReadoutR2(projections.curves, d, stimulus, options);
    result.constantStimulusColumns = stimulus.constantColumns;
    std::tie(result.meanStimulusR2, result.sdStimulusR2) = meanAndSpread(result.stimulusR2);
    if (latent == nullptr) {
        result.meanLatentR2 = result.sdLatentR2 = std::numeric_limits<double>::quiet_NaN();
    } else {
        result.latentR2 = pooledReadoutR2(projections.curves, d, *latent, options);
        std::tie(result.meanLatentR2, result.sdLatentR2) = meanAndSpread(result.latentR2);
    }
    return result;
}

ExplainedVarianceResult explainedVariance(const RandomProjectionResult& projections,
                                          const Eigen::Ref<const Eigen::MatrixXd>& stimulus,
                                          const Eigen::Ref<const Eigen::MatrixXd>& latent,
                                          const ExplainedVarianceOptions& options) {
    const ReadoutTarget stimulusTarget = readoutTarget(stimulus);
    if (latent.size() == 0) return explainedVariance(projections, stimulusTarget, nullptr, options);
    const ReadoutTarget latentTarget = readoutTarget(latent);
    return explainedVariance(projections, stimulusTarget, &latentTarget, options);
}

} // namespace codescope::projection
