#include "core/projection/random_projection.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/common/input_error.h"

namespace codescope::projection {

namespace {

void validateOptions(const RandomProjectionOptions& options) {
    if (options.projections < 1)
        throw InputError("random projections: the number of projections must be >= 1, got " +
                         std::to_string(options.projections));
    if (options.dimensions < 1)
        throw InputError("random projections: the dimensions of a projection must be >= 1, got " +
                         std::to_string(options.dimensions));
    if (options.keptCurves < -1)
        throw InputError("random projections: keptCurves must be -1 (all) or >= 0, got " +
                         std::to_string(options.keptCurves));
}

template <typename Matrix>
void validateActivations(const Matrix& activations) {
    if (activations.rows() < 2)
        throw InputError("random projections need at least 2 frames, got " + std::to_string(activations.rows()));
    if (activations.cols() < 1) throw InputError("random projections need at least one unit (the layer is empty)");
    if (!activations.allFinite()) throw InputError("random projections: the activations contain NaN or Inf");
}

// A point on the unit circle at angle 2h for h in [-pi/2, pi/2): cos 2h = c^2 - s^2, sin 2h = 2sc with c, s the Taylor
// series of cos h and sin h to h^12 and h^11 (remainders below (pi/2)^13/13! = 6e-8, float32 rounding). Hand-written
// because Eigen's vectorised sin/cos trips GCC 12's false -Wuninitialized in its own AVX-512 intrinsics (GCC bug
// 105593; -Werror), and scalar sincosf would cost more than the product A R it feeds.
void unitCircle(const Eigen::ArrayXf& half, Eigen::ArrayXf& cosine, Eigen::ArrayXf& sine) {
    const Eigen::ArrayXf h2 = half.square();
    const Eigen::ArrayXf s =
        half * (1.0f + h2 * (-1.0f / 6 + h2 * (1.0f / 120 + h2 * (-1.0f / 5040 + h2 * (1.0f / 362880 +
                                                                                    h2 * (-1.0f / 39916800))))));
    const Eigen::ArrayXf c =
        1.0f + h2 * (-1.0f / 2 + h2 * (1.0f / 24 + h2 * (-1.0f / 720 + h2 * (1.0f / 40320 +
                                                                          h2 * (-1.0f / 3628800 +
                                                                                h2 * (1.0f / 479001600))))));
    cosine = c.square() - s.square();
    sine = 2.0f * s * c;
}

// Fills out[0, count) with i.i.d. N(0, scale^2) float32 values for projection `index`: Box-Muller on 24-bit
// uniforms, vectorised through Eigen arrays. std::normal_distribution costs ~20 ns a value, which for the paper's
// m = 8000, K = 1000 (24 million values) would be several times the product A R itself. The tails are cut at
// sqrt(2 ln 2^25) = 5.9 sigma, a probability of 4e-9 per value, immaterial for a random projection.
void drawGaussians(std::uint64_t seed, Eigen::Index index, Eigen::Index count, float scale, float* out) {
    // Seeding by (seed, index) makes projection k the same whatever K is and whichever thread draws it.
    std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                           static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(std::uint64_t(index) >> 32)};
    std::mt19937_64 engine(sequence);
    const Eigen::Index pairs = (count + 1) / 2;
    std::vector<std::uint64_t> bits(static_cast<std::size_t>(pairs));
    for (std::uint64_t& word : bits) word = engine(); // one 64-bit draw per pair: 24 bits radius, 24 bits angle
    Eigen::ArrayXf u1(pairs), half(pairs);
    constexpr float kTwoPowMinus25 = 1.0f / 33554432.0f;
    constexpr float kPiOver2Pow24 = static_cast<float>(3.14159265358979323846 / 16777216.0);
    constexpr float kHalfPi = static_cast<float>(3.14159265358979323846 / 2.0);
    for (Eigen::Index i = 0; i < pairs; ++i) {
        const std::uint64_t word = bits[static_cast<std::size_t>(i)];
        // Through int32: the conversion to float vectorises, a uint64 one does not.
        u1[i] = static_cast<float>(2 * static_cast<std::int32_t>(word >> 40) + 1) * kTwoPowMinus25; // (0, 1]
        half[i] = static_cast<float>(static_cast<std::int32_t>(word & 0xFFFFFFu)) * kPiOver2Pow24 - kHalfPi;
    }
    Eigen::ArrayXf cosine, sine;
    unitCircle(half, cosine, sine);
    const Eigen::ArrayXf radius = (-2.0f * u1.log()).sqrt() * scale;
    Eigen::Map<Eigen::ArrayXf>(out, pairs) = radius * cosine;
    Eigen::Map<Eigen::ArrayXf>(out + pairs, count - pairs) = (radius * sine).head(count - pairs);
}

// R = [r_1 ... r_K], m x dK, entries N(0, 1/m) (paper: r_i ~ N(0, 1/m I)). Projections are independent streams,
// drawn on a few threads; BLAS has the machine to itself again for the product that follows.
Eigen::MatrixXf drawProjectionMatrix(Eigen::Index units, const RandomProjectionOptions& options) {
    const Eigen::Index block = units * options.dimensions;
    Eigen::MatrixXf matrix(units, static_cast<Eigen::Index>(options.dimensions) * options.projections);
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(units)));
    const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
    const auto drawRange = [&](Eigen::Index first, Eigen::Index stride) {
        for (Eigen::Index k = first; k < options.projections; k += stride)
            drawGaussians(options.seed, k, block, scale, matrix.data() + k * block);
    };
    if (threads == 1 || static_cast<double>(block) * options.projections < 1e6) {
        drawRange(0, 1);
        return matrix;
    }
    std::vector<std::thread> workers;
    for (unsigned t = 1; t < threads; ++t) workers.emplace_back(drawRange, t, threads);
    drawRange(0, threads);
    for (std::thread& worker : workers) worker.join();
    return matrix;
}

template <typename Scalar>
double expectedAction(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& activations,
                      int dimensions) {
    if (activations.rows() < 2)
        throw InputError("the expected action needs at least 2 frames, got " + std::to_string(activations.rows()));
    if (activations.cols() < 1) throw InputError("the expected action needs at least one unit (the layer is empty)");
    if (dimensions < 1) throw InputError("the dimensions of a projection must be >= 1, got " + std::to_string(dimensions));
    const Eigen::Index n = activations.rows();
    double increments = 0; // sum_t ||a_{t+1} - a_t||^2, in double whatever A's precision
    for (Eigen::Index j = 0; j < activations.cols(); ++j)
        increments += (activations.col(j).tail(n - 1) - activations.col(j).head(n - 1)).template cast<double>()
                          .squaredNorm();
    // Supplementary 2.5's trace trick on the increments: E[r r^T] = (1/m) I per column of r, d columns.
    return static_cast<double>(dimensions) / (2.0 * static_cast<double>(activations.cols())) * increments;
}

template <typename Scalar>
RandomProjectionResult projectAndMeasure(
    const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& activations,
    const RandomProjectionOptions& options) {
    using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
    validateOptions(options);
    validateActivations(activations);
    const Eigen::Index n = activations.rows();
    const Eigen::Index m = activations.cols();
    const Eigen::Index d = options.dimensions;
    const Eigen::Index k = options.projections;

    Matrix projected(n, d * k);
    {
        const Eigen::MatrixXf random = drawProjectionMatrix(m, options);
        // The one product: every projection's curve at once (Fig. 4b, "z = A r").
        if constexpr (std::is_same_v<Scalar, float>)
            projected.noalias() = activations * random;
        else
            projected.noalias() = activations * random.template cast<Scalar>();
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
    result.sdAction = k > 1 ? std::sqrt((result.actions.array() - result.meanAction).square().sum() /
                                        static_cast<double>(k - 1))
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
    return drawProjectionMatrix(units, options);
}

} // namespace codescope::projection
