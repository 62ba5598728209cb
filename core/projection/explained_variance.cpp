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

Eigen::VectorXd pooledReadoutR2(const Eigen::Ref<const Eigen::MatrixXd>& curves, int dimensions,
                                const Eigen::Ref<const Eigen::MatrixXd>& target,
                                const ExplainedVarianceOptions& options, Eigen::Index* constantColumns) {
    if (dimensions < 1)
        throw InputError("explained variance: the dimensions of a projection must be >= 1, got " +
                         std::to_string(dimensions));
    const Eigen::Index n = target.rows();
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
    if (target.cols() == 0) throw InputError("explained variance: the target has no columns");
    if (!curves.allFinite() || !target.allFinite())
        throw InputError("explained variance: the curves or the target contain NaN or Inf");
    const Eigen::Index k = curves.cols() / d;

    // Centre the target; exactly constant columns (SST_j = 0) are zeroed so they drop out of both sums.
    Eigen::MatrixXd centred = target.rowwise() - target.colwise().mean();
    Eigen::Index constants = 0;
    for (Eigen::Index j = 0; j < target.cols(); ++j) {
        if (target.col(j).maxCoeff() == target.col(j).minCoeff()) {
            centred.col(j).setZero();
            ++constants;
        }
    }
    if (constantColumns) *constantColumns = constants;
    const double totalSquares = centred.squaredNorm(); // sum_j SST_j
    if (!(totalSquares > 0.0))
        throw InputError("explained variance: every column of the target is constant, there is no variance to explain");

    // With the intercept, span[1 z] = span{1} (+) span{z - mean z}, and the centred target is orthogonal to 1, so
    //   sum_j SST_j - sum_j SSE_j = ||P_z Yc||_F^2 = ||Yc^T Q_z||_F^2,
    // Q_z an orthonormal basis of the centred curve. Any T with T^T T = Yc Yc^T gives the same norm: Yc^T itself when
    // p <= n, else the n x n triangle R of Yc^T = Q R, so the per-projection cost never grows with the pixel count.
    Eigen::MatrixXd factor;
    if (centred.cols() > n) {
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(centred.transpose());
        factor = qr.matrixQR().topRows(n).triangularView<Eigen::Upper>();
    } else {
        factor = centred.transpose();
    }

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
    const Eigen::RowVectorXd explained = (factor * bases).colwise().squaredNorm();
    Eigen::VectorXd r2(k);
    for (Eigen::Index p = 0; p < k; ++p)
        r2[p] = std::min(1.0, explained.segment(p * d, d).sum() / totalSquares); // 1 - SSE/SST, rounding-capped
    return r2;
}

ExplainedVarianceResult explainedVariance(const RandomProjectionResult& projections,
                                          const Eigen::Ref<const Eigen::MatrixXd>& stimulus,
                                          const Eigen::Ref<const Eigen::MatrixXd>& latent,
                                          const ExplainedVarianceOptions& options) {
    if (projections.curveCount() == 0)
        throw InputError("explained variance: the random projections hold no curves (keptCurves was 0)");
    if (projections.curves.rows() != stimulus.rows())
        throw InputError("explained variance: the projections have " + std::to_string(projections.curves.rows()) +
                         " frames but the stimulus has " + std::to_string(stimulus.rows()));
    const int d = projections.options.dimensions;
    ExplainedVarianceResult result;
    result.stimulusR2 = pooledReadoutR2(projections.curves, d, stimulus, options, &result.constantStimulusColumns);
    std::tie(result.meanStimulusR2, result.sdStimulusR2) = meanAndSpread(result.stimulusR2);
    if (latent.size() == 0) {
        result.meanLatentR2 = result.sdLatentR2 = std::numeric_limits<double>::quiet_NaN();
    } else {
        result.latentR2 = pooledReadoutR2(projections.curves, d, latent, options);
        std::tie(result.meanLatentR2, result.sdLatentR2) = meanAndSpread(result.latentR2);
    }
    return result;
}

} // namespace codescope::projection
