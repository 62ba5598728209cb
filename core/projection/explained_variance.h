#pragma once
// How much of the stimulus a random projection carries linearly (paper, Fig. 6d-e: "the variance of the input
// explained by random projections"; Methods). The paper gives no formula; the definition below is ours.
#include <Eigen/Core>

#include "core/projection/random_projection.h"

namespace codescope::projection {

/// Definition. For one curve z (n frames x d) and a target Y (n x p, frame t in row t), each target column y_j is
/// read out by least squares with an intercept, yhat_j = [1 z] beta_j (the minimum-norm beta_j where [1 z] is rank
/// deficient; the fitted values are the same for every least-squares beta). With SSE_j = ||y_j - yhat_j||^2 and
/// SST_j = ||y_j - mean(y_j)||^2, the pooled R^2 is
///     R^2 = 1 - sum_{j in J} SSE_j / sum_{j in J} SST_j,   J = { j : y_j is not constant },
/// i.e. the fraction of the target's total variance (summed over its columns) that the read-out reproduces.
/// Constant columns (every frame equal, SST_j = 0: the moving dot's corners) are excluded; they would be fitted
/// exactly by the intercept anyway. R^2 is in [0, 1]. It is in-sample: d regressors fitted to pure noise explain
/// about d / (n - 1) of it by chance (0.03 for the paper's d = 3, n = 100).
///
/// A direction of z whose pivot in a column-pivoted QR of the centred z is below rankTolerance x the largest pivot
/// is treated as absent: float32 products carry relative rounding errors near 1e-6, which must not count as extra
/// read-out directions of a rank-deficient layer.
struct ExplainedVarianceOptions {
    double rankTolerance = 1e-5; ///< relative pivot below which a direction of z is dropped from the design
};

/// Pooled R^2 per projection, with its mean and spread, for the stimulus pixels and for its latent variables.
struct ExplainedVarianceResult {
    Eigen::VectorXd stimulusR2;               ///< K pooled R^2 over the stimulus' pixel columns
    double meanStimulusR2 = 0;                ///< mean of stimulusR2 (Fig. 6d-e, as a fraction, not a percentage)
    double sdStimulusR2 = 0;                  ///< sample standard deviation (K - 1 denominator; 0 for K = 1)
    Eigen::VectorXd latentR2;                 ///< K pooled R^2 over the latent (cos t, sin t); empty without a latent
    double meanLatentR2 = 0;                  ///< mean of latentR2 (NaN without a latent)
    double sdLatentR2 = 0;                    ///< sample standard deviation of latentR2 (NaN without a latent)
    Eigen::Index constantStimulusColumns = 0; ///< pixel columns excluded because they are constant over the frames
};

/// A read-out target (n frames x p columns) made ready once for the curves of many layers: the centring, the
/// exclusion of constant columns and the QR of the centred transpose depend on the target alone (for the moving dot
/// at 224 x 224, p = 150528: redoing them for every layer cost seconds each).
struct ReadoutTarget {
    Eigen::MatrixXd factor;           ///< min(n, p) x n: any T with T^T T = Yc Yc^T (Yc the centred target)
    double totalSquares = 0;          ///< sum_j SST_j over the non-constant columns
    Eigen::Index constantColumns = 0; ///< columns excluded because they are constant over the frames
    Eigen::Index frames() const { return factor.cols(); }
};

/// `target` (n x p) made ready for pooledReadoutR2. Throws InputError if it has no column, holds NaN/Inf, or every
/// column is constant (no variance to explain).
ReadoutTarget readoutTarget(const Eigen::Ref<const Eigen::MatrixXd>& target);

/// Pooled R^2 (see the definition above) of a prepared target read out from each curve in `curves` (n x dK, curve k
/// in columns [d k, d k + d)). Returns K values. Cost: K column-pivoted QRs of n x d and one product of
/// min(n, p) x n by n x dK. Throws InputError as the overload below for the curves' problems.
Eigen::VectorXd pooledReadoutR2(const Eigen::Ref<const Eigen::MatrixXd>& curves, int dimensions,
                                const ReadoutTarget& target, const ExplainedVarianceOptions& options = {});

/// Pooled R^2 (see the definition above) of `target` (n x p) read out from each curve in `curves` (n x dK, curve k in
/// columns [d k, d k + d), as RandomProjectionResult::curves). Returns K values. If `constantColumns` is given it
/// receives the number of excluded constant columns.
/// Cost: one QR of the target's centred transpose (when p > n), K column-pivoted QRs of n x d, and one product of
/// min(n, p) x n by n x dK; no per-pixel solve.
/// Throws InputError if n < d + 2 ("needs at least 5 frames" for d = 3: fewer leave no residual degree of freedom),
/// if the row counts differ, if curves.cols() is not a multiple of d, if d < 1, if any value is NaN/Inf, or if every
/// target column is constant (no variance to explain).
Eigen::VectorXd pooledReadoutR2(const Eigen::Ref<const Eigen::MatrixXd>& curves, int dimensions,
                                const Eigen::Ref<const Eigen::MatrixXd>& target,
                                const ExplainedVarianceOptions& options = {}, Eigen::Index* constantColumns = nullptr);

/// The explained variance of the stimulus (n x pixels, frame t in row t, e.g. the moving dot flattened) and of its
/// latent variables (n x 2, the (cos t, sin t) of each frame; pass an empty matrix to skip) by every curve held in
/// `projections` (all K when it was made with keptCurves = -1, the default). Throws as pooledReadoutR2, and
/// InputError if `projections` holds no curve or its frame count differs from the stimulus'.
ExplainedVarianceResult explainedVariance(const RandomProjectionResult& projections,
                                          const Eigen::Ref<const Eigen::MatrixXd>& stimulus,
                                          const Eigen::Ref<const Eigen::MatrixXd>& latent,
                                          const ExplainedVarianceOptions& options = {});

/// As above, with the stimulus and its latent prepared once (readoutTarget) for many layers; `latent` null skips it.
ExplainedVarianceResult explainedVariance(const RandomProjectionResult& projections, const ReadoutTarget& stimulus,
                                          const ReadoutTarget* latent, const ExplainedVarianceOptions& options = {});

} // namespace codescope::projection
