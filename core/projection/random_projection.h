#pragma once
// Random projections of a layer's activations on the moving-dot stimulus and their action (paper, Fig. 4b-c and
// eq. 4; Supplementary 2.5): a smooth (differentiable) code gives curves of low action, a non-differentiable one
// curves whose action grows with the layer's width.
#include <Eigen/Core>
#include <cstdint>

#include "core/common/paper_defaults.h"

namespace codescope::projection {

/// How the random projections are drawn. Defaults are the paper's (Fig. 4c: "average computed over 1000 random
/// projections"; r in R^{m x 3}).
/// How the curves z_k = A r_k are produced.
enum class ProjectionMethod {
    Auto,     ///< RowSpace when m > n (the moving dot: 100 frames, thousands of units), else Explicit
    Explicit, ///< draw every r_k (m x d) and multiply; curve k is A r_k for the r_k randomProjectionMatrix returns
    /// z_k = L g_k with L L^T = A A^T (n x n) and g_k i.i.d. N(0, 1/m) (n x d): the same distribution as A r_k,
    /// because A r_k = (A Q)(Q^T r_k) for an orthonormal basis Q (m x n) of A's row space and Q^T r_k is again i.i.d.
    /// N(0, 1/m). It draws n d values per projection instead of m d, and the product is n x n instead of n x m.
    RowSpace,
};

struct RandomProjectionOptions {
    int projections = paper::kProjections; ///< K, the number of random matrices r
    int dimensions = 3;                    ///< d, the columns of each r (3: the curves are drawn in 3-D)
    std::uint64_t seed = 0; ///< projection k is drawn from std::mt19937_64 seeded with (seed, k): reproducible alone
    int keptCurves = -1;    ///< curves returned in RandomProjectionResult::curves: -1 all K, else the first N
    /// Projections drawn and multiplied per BLAS product (0: all K in one product A R). The results do not depend on
    /// it; 64 keeps the drawn block (m x 3 x 64 floats, 6 MiB at m = 8000) in cache for its product.
    int projectionsPerProduct = 64;
    ProjectionMethod method = ProjectionMethod::Auto;
};

/// The projections of one layer.
struct RandomProjectionResult {
    Eigen::VectorXd actions;      ///< K actions E[z] = 1/2 sum_{t=0}^{n-2} ||z_{t+1} - z_t||^2, in activation^2 units
    double meanAction = 0;        ///< mean of `actions` (Fig. 4c-d, 6c)
    double sdAction = 0;          ///< sample standard deviation of `actions` (K - 1 denominator; 0 for K = 1)
    double expectedAction = 0;    ///< the mean over all r, expectedRandomProjectionAction(A, d)
    double averageActivation = 0; ///< mean of every entry of A (the inset of Fig. 4b)
    Eigen::Index frames = 0;      ///< n
    Eigen::Index units = 0;       ///< m
    /// n x (d * kept): projection k's curve z_k = A r_k (n x d) is columns [d k, d k + d), frame t in row t.
    Eigen::MatrixXd curves;
    RandomProjectionOptions options; ///< the options that made this result

    /// Curves held in `curves`.
    Eigen::Index curveCount() const { return options.dimensions > 0 ? curves.cols() / options.dimensions : 0; }
    /// Curve k (n x d), 0 <= k < curveCount().
    Eigen::MatrixXd::ConstColsBlockXpr curve(Eigen::Index k) const {
        return curves.middleCols(k * options.dimensions, options.dimensions);
    }
};

/// Projects the activations A (n frames x m units, frame t in row t) onto K random matrices r_k (m x d) with i.i.d.
/// N(0, 1/m) entries (paper: "r_i ~ N(0, 1/m I)") and returns the action of every curve z_k = A r_k.
///
/// The action is the discrete form of 1/2 int ||dz/dt||^2 dt with one frame per unit of time, over the OPEN path
/// t = 0..n-2 as the paper writes it (the moving dot covers one period, but the reference code sums the squared
/// differences of successive points only; closing the loop would add ||z_0 - z_{n-1}||^2). A is used as given, not
/// centred: a constant offset adds nothing to the differences.
///
/// With the RowSpace method (the default when m > n) the curves are drawn in A's row space, equal in distribution to
/// A r_k (see ProjectionMethod) at a fraction of the cost; the r_k themselves are then never formed. Explicitly:
/// the curves are the product A R with R = [r_1 ... r_K] (m x dK), computed as BLAS products of A with column blocks
/// of projectionsPerProduct projections (one product when it is 0), in the precision of A (float32 A: sgemm); actions
/// are summed in double. Memory: n x dK for the curves plus one block of R (all of R, m d K floats, 96 MiB for
/// m = 8000 and K = 1000, with projectionsPerProduct = 0).
/// Throws InputError for fewer than 2 frames, no units, NaN/Inf in A, projections < 1, dimensions < 1,
/// projectionsPerProduct < 0 or keptCurves < -1.
RandomProjectionResult randomProjectionAction(const Eigen::Ref<const Eigen::MatrixXf>& activations,
                                              const RandomProjectionOptions& options = {});
/// As above for double-precision activations (the product is a dgemm).
RandomProjectionResult randomProjectionAction(const Eigen::Ref<const Eigen::MatrixXd>& activations,
                                              const RandomProjectionOptions& options = {});

/// The action's expected value over r for activations A (n x m): with r_ij ~ N(0, 1/m),
/// E ||(a_{t+1} - a_t) r||^2 = (d/m) ||a_{t+1} - a_t||^2, so <E[z]> = (d / (2m)) sum_{t=0}^{n-2} ||a_{t+1} - a_t||^2.
/// This is Supplementary 2.5's trace argument applied to the differences: it is proportional to the trace of the
/// covariance of the increments, hence to sum_i lambda_i ~ 1/2 zeta(-alpha) (eq. 4) for a power-law spectrum.
/// Activation^2 units. Throws InputError for fewer than 2 frames, no units or dimensions < 1.
double expectedRandomProjectionAction(const Eigen::Ref<const Eigen::MatrixXf>& activations, int dimensions = 3);
/// As above for double-precision activations.
double expectedRandomProjectionAction(const Eigen::Ref<const Eigen::MatrixXd>& activations, int dimensions = 3);

/// The action 1/2 sum_{t=0}^{n-2} ||z_{t+1} - z_t||^2 of one curve z (n x d, frame t in row t; open path). Zero for
/// fewer than 2 frames.
double trajectoryAction(const Eigen::Ref<const Eigen::MatrixXd>& curve);

/// The random matrices themselves, R = [r_1 ... r_K] (m x dK), exactly as randomProjectionAction draws them for
/// `units` = m with the Explicit method: for showing or re-using a projection. The entries are float32 for either
/// precision of A (widened for double A), so a seed names the same projections whatever the activations' type. Throws
/// InputError for units < 1, projections < 1 or dimensions < 1.
Eigen::MatrixXf randomProjectionMatrix(Eigen::Index units, const RandomProjectionOptions& options = {});

} // namespace codescope::projection
