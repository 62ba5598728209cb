#include "core/projection/random_projection.h"

#include <Eigen/Dense>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <string>
#include <thread>
#include <type_traits>

#include "core/common/input_error.h"
#include "core/common/worker_threads.h"

namespace codescope::projection {

namespace {

void validateOptions(const RandomProjectionOptions& options) {
    if (options.projections < 1)
        throw InputError("random projections: the number of projections must be >= 1, got " +
                         std::to_string(options.projections));
    if (options.dimensions < 1)
        throw InputError("random projections: the dimensions of a projection must be >= 1, got " +
                         std::to_string(options.dimensions));
    if (options.projectionsPerProduct < 0)
        throw InputError("random projections: projectionsPerProduct must be >= 0 (0: all in one product), got " +
                         std::to_string(options.projectionsPerProduct));
    if (options.keptCurves < -1)
        throw InputError("random projections: keptCurves must be -1 (all) or >= 0, got " +
                         std::to_string(options.keptCurves));
}

template <typename Matrix> void validateActivations(const Matrix& activations) {
    if (activations.rows() < 2)
        throw InputError("random projections need at least 2 frames, got " + std::to_string(activations.rows()));
    if (activations.cols() < 1) throw InputError("random projections need at least one unit (the layer is empty)");
    if (!activations.allFinite()) throw InputError("random projections: the activations contain NaN or Inf");
}

// Fills out[0, count) with i.i.d. N(0, scale^2) float32 values for projection `index`: Box-Muller on 24-bit
// uniforms, vectorised through Eigen arrays. std::normal_distribution costs ~20 ns a value, which for the paper's
// m = 8000, K = 1000 (24 million values) would be several times the product A R itself. The tails are cut at
// sqrt(2 ln 2^25) = 5.9 sigma, a probability of 4e-9 per value, immaterial for a random projection.
// The angle's sine and cosine are Taylor series of the half angle h in [-pi/2, pi/2) (to h^11 and h^12: remainders
// below (pi/2)^13/13! = 6e-8, float32 rounding), doubled by cos 2h = 1 - 2 sin^2 h, sin 2h = 2 sin h cos h: Eigen's
// vectorised sin/cos trips GCC 12's false -Wuninitialized in its own AVX-512 intrinsics (GCC bug 105593; -Werror),
// and scalar sincosf would cost more than the product A R it feeds.
void drawGaussians(std::uint64_t seed, Eigen::Index index, Eigen::Index count, float scale, float* out) {
    // Seeding by (seed, index) makes projection k the same whatever K is and whichever thread draws it.
    std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                           static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(std::uint64_t(index) >> 32)};
    std::mt19937_64 engine(sequence);
    const Eigen::Index pairs = (count + 1) / 2;
    constexpr float kTwoPowMinus25 = 1.0f / 33554432.0f;
    constexpr float kPiOver2Pow24 = static_cast<float>(3.14159265358979323846 / 16777216.0);
    constexpr float kHalfPi = static_cast<float>(3.14159265358979323846 / 2.0);
    // One 64-bit draw per pair: 24 bits for the radius' uniform (kept in out's first half, which becomes the
    // radius in place), 24 for the half angle. Converting through int32 keeps the conversions cheap.
    Eigen::Map<Eigen::ArrayXf> first(out, pairs);
    Eigen::ArrayXf half(pairs);
    for (Eigen::Index i = 0; i < pairs; ++i) {
        const std::uint64_t word = engine();
        first[i] = static_cast<float>(2 * static_cast<std::int32_t>(word >> 40) + 1) * kTwoPowMinus25; // (0, 1]
        half[i] = static_cast<float>(static_cast<std::int32_t>(word & 0xFFFFFFu)) * kPiOver2Pow24 - kHalfPi;
    }
    first = (-2.0f * first.log()).sqrt() * scale; // the radius
    const Eigen::ArrayXf h2 = half.square();
    const Eigen::ArrayXf sine =
        half * (1.0f + h2 * (-1.0f / 6 +
                             h2 * (1.0f / 120 + h2 * (-1.0f / 5040 + h2 * (1.0f / 362880 + h2 * (-1.0f / 39916800))))));
    const auto cosine =
        1.0f + h2 * (-1.0f / 2 +
                     h2 * (1.0f / 24 + h2 * (-1.0f / 720 +
                                             h2 * (1.0f / 40320 + h2 * (-1.0f / 3628800 + h2 * (1.0f / 479001600))))));
    Eigen::Map<Eigen::ArrayXf>(out + pairs, count - pairs) = (2.0f * first * sine * cosine).head(count - pairs);
    first *= 1.0f - 2.0f * sine.square();
}

// Columns [d first, d (first + count)) of R = [r_1 ... r_K] into out (m x d count, column-major), entries N(0, 1/m)
// (paper: r_i ~ N(0, 1/m I)). Projections are independent streams, drawn on a few threads; BLAS has the machine to
// itself again for the product that follows.
void drawProjections(Eigen::Index units, Eigen::Index first, Eigen::Index count, const RandomProjectionOptions& options,
                     float* out) {
    const Eigen::Index block = units * options.dimensions;
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(units)));
    const unsigned cores = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
    const bool small = static_cast<double>(block) * static_cast<double>(count) < 1e6; // not worth starting threads
    std::atomic<Eigen::Index> next{0};
    runOnThreads(small ? 1 : static_cast<int>(cores), [&](const std::atomic<bool>& failed) {
        for (Eigen::Index k = next++; k < count && !failed; k = next++)
            drawGaussians(options.seed, first + k, block, scale, out + k * block);
    });
}

template <typename Scalar>
double expectedAction(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& activations,
                      int dimensions) {
    if (activations.rows() < 2)
        throw InputError("the expected action needs at least 2 frames, got " + std::to_string(activations.rows()));
    if (activations.cols() < 1) throw InputError("the expected action needs at least one unit (the layer is empty)");
    if (dimensions < 1)
        throw InputError("the dimensions of a projection must be >= 1, got " + std::to_string(dimensions));
    const Eigen::Index n = activations.rows();
    double increments = 0; // sum_t ||a_{t+1} - a_t||^2, in double whatever A's precision
    for (Eigen::Index j = 0; j < activations.cols(); ++j)
        increments +=
            (activations.col(j).tail(n - 1) - activations.col(j).head(n - 1)).template cast<double>().squaredNorm();
    // Supplementary 2.5's trace trick on the increments: E[r r^T] = (1/m) I per column of r, d columns.
    return static_cast<double>(dimensions) / (2.0 * static_cast<double>(activations.cols())) * increments;
}

// Curves z_k = L g_k for all K projections (see ProjectionMethod::RowSpace): L = U Lambda^1/2 from the eigenvectors of
// the n x n Gram matrix A A^T (in double; clamped at 0, so a rank-deficient layer is fine), g_k drawn per projection
// exactly like an r_k with n rows in place of m, scaled 1/sqrt(m).
template <typename Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>
rowSpaceCurves(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& activations,
               const RandomProjectionOptions& options) {
    const Eigen::Index n = activations.rows();
    const Eigen::Index d = options.dimensions;
    const Eigen::Index k = options.projections;
    // A A^T in double, a block of units at a time: a double copy of the whole layer (100 frames of 800 000 units
    // are 640 MB) cost more in page faults than the product itself.
    constexpr Eigen::Index kUnitsPerBlock = 4096;
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(n, n);
    Eigen::MatrixXd block;
    for (Eigen::Index first = 0; first < activations.cols(); first += kUnitsPerBlock) {
        block =
            activations.middleCols(first, std::min(kUnitsPerBlock, activations.cols() - first)).template cast<double>();
        gram.selfadjointView<Eigen::Lower>().rankUpdate(block);
    }
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(gram.selfadjointView<Eigen::Lower>());
    const Eigen::MatrixXd root = solver.eigenvectors() * solver.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
    Eigen::MatrixXf drawn(n, d * k);
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(activations.cols())));
    for (Eigen::Index p = 0; p < k; ++p)
        drawGaussians(options.seed, p, n * d, scale, drawn.data() + p * n * d);
    return (root * drawn.cast<double>()).template cast<Scalar>();
}

template <typename Scalar>
RandomProjectionResult
projectAndMeasure(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& activations,
                  const RandomProjectionOptions& options) {
    using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
    validateOptions(options);
    validateActivations(activations);
    const Eigen::Index n = activations.rows();
    const Eigen::Index m = activations.cols();
    const Eigen::Index d = options.dimensions;
    const Eigen::Index k = options.projections;

    // z = A r for every projection (Fig. 4b), as BLAS products of A with column blocks of R = [r_1 ... r_K]: the
    // flops of the one product A R without holding R (96 MiB at m = 8000, K = 1000), whose first touch alone costs
    // half a product, and each block is multiplied while it is still in cache.
    const Eigen::Index perProduct =
        options.projectionsPerProduct > 0 ? std::min<Eigen::Index>(options.projectionsPerProduct, k) : k;
    const bool rowSpace =
        options.method == ProjectionMethod::RowSpace || (options.method == ProjectionMethod::Auto && m > n);
    Matrix projected;
    if (rowSpace)
        projected = rowSpaceCurves<Scalar>(activations, options);
    else
        projected.resize(n, d * k);
    Eigen::MatrixXf random(rowSpace ? 0 : m, rowSpace ? 0 : d * perProduct);
    for (Eigen::Index first = 0; !rowSpace && first < k; first += perProduct) {
        const Eigen::Index count = std::min(perProduct, k - first);
        drawProjections(m, first, count, options, random.data());
        if constexpr (std::is_same_v<Scalar, float>)
            projected.middleCols(d * first, d * count).noalias() = activations * random.leftCols(d * count);
        else
            projected.middleCols(d * first, d * count).noalias() =
                activations * random.leftCols(d * count).template cast<Scalar>();
    }

    RandomProjectionResult result;
    result.options = options;
    result.frames = n;
    result.units = m;
    // Open-path action per curve: 1/2 sum_t ||z_{t+1} - z_t||^2 (Fig. 4c), summed in double.
    const Eigen::RowVectorXd squaredSteps =
        (projected.bottomRows(n - 1) - projected.topRows(n - 1)).template cast<double>().colwise().squaredNorm();
    result.actions = 0.5 * Eigen::Map<const Eigen::MatrixXd>(squaredSteps.data(), d, k).colwise().sum().transpose();
    result.meanAction = result.actions.mean();
    result.sdAction =
        k > 1 ? std::sqrt((result.actions.array() - result.meanAction).square().sum() / static_cast<double>(k - 1))
              : 0.0;
    result.expectedAction = expectedAction<Scalar>(activations, options.dimensions);
    result.averageActivation = activations.template cast<double>().sum() / static_cast<double>(n * m);
    const Eigen::Index kept = options.keptCurves < 0 ? k : std::min<Eigen::Index>(options.keptCurves, k);
    result.curves = projected.leftCols(d * kept).template cast<double>();
    return result;
}

} // namespace

RandomProjectionResult randomProjectionAction(const Eigen::Ref<const Eigen::MatrixXf>& activations,
                                              const RandomProjectionOptions& options) {
    return projectAndMeasure<float>(activations, options);
}

RandomProjectionResult randomProjectionAction(const Eigen::Ref<const Eigen::MatrixXd>& activations,
                                              const RandomProjectionOptions& options) {
    return projectAndMeasure<double>(activations, options);
}

double expectedRandomProjectionAction(const Eigen::Ref<const Eigen::MatrixXf>& activations, int dimensions) {
    return expectedAction<float>(activations, dimensions);
}

double expectedRandomProjectionAction(const Eigen::Ref<const Eigen::MatrixXd>& activations, int dimensions) {
    return expectedAction<double>(activations, dimensions);
}

double trajectoryAction(const Eigen::Ref<const Eigen::MatrixXd>& curve) {
    const Eigen::Index n = curve.rows();
    if (n < 2) return 0.0;
    return 0.5 * (curve.bottomRows(n - 1) - curve.topRows(n - 1)).squaredNorm();
}

Eigen::MatrixXf randomProjectionMatrix(Eigen::Index units, const RandomProjectionOptions& options) {
    validateOptions(options);
    if (units < 1) throw InputError("random projections need at least one unit, got " + std::to_string(units));
    Eigen::MatrixXf matrix(units, static_cast<Eigen::Index>(options.dimensions) * options.projections);
    drawProjections(units, 0, options.projections, options, matrix.data());
    return matrix;
}

} // namespace codescope::projection
