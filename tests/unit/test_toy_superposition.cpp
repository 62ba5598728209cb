// Toy models of superposition (Fig. 1c; Elhage et al. 2022): the analytic gradient against finite differences,
// the dense regime (m features stored orthogonally, ||W||_F^2 = m), the sparse regime (superposition), the loss
// going down, determinism, cancellation and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/common/input_error.h"
#include "core/common/job_control.h"
#include "core/theory/coding_theory.h"
#include "core/theory/toy_superposition.h"

namespace {

using codescope::Cancelled;
using codescope::CancelToken;
using codescope::InputError;
using namespace codescope::theory;

// A short run that is enough for n = 20, m = 5 to settle (Elhage et al. train 10,000 steps of 1024).
ToySuperpositionOptions quickOptions() {
    ToySuperpositionOptions options;
    options.steps = 3000;
    options.batch = 256;
    options.learningRate = 3e-3;
    options.evaluationSamples = 4096;
    return options;
}

TEST(ToySuperposition, GradientMatchesFiniteDifferences) {
    std::mt19937_64 rng(1);
    std::normal_distribution<double> normal(0.0, 0.5);
    const int m = 3, n = 7;
    ToyModel model{Eigen::MatrixXd(m, n), Eigen::VectorXd(n)};
    for (Eigen::Index i = 0; i < model.weights.size(); ++i)
        model.weights.data()[i] = normal(rng);
    for (Eigen::Index i = 0; i < n; ++i)
        model.bias[i] = normal(rng); // b != 0 keeps all-zero inputs off the kink
    const Eigen::MatrixXd inputs = sampleSparseFeatures(n, 64, 0.4, rng);
    const Eigen::VectorXd importance = toyImportance(n, 0.8);
    const ToyLossGradient analytic = toyLossAndGradient(model, inputs, importance);
    ASSERT_EQ(analytic.weights.rows(), m);
    ASSERT_EQ(analytic.weights.cols(), n);
    ASSERT_EQ(analytic.bias.size(), n);

    // Central differences: error O(h^2) away from ReLU kinks, none of which lies within h of a pre-activation here.
    const double h = 1e-6;
    const auto central = [&](double& parameter) {
        const double saved = parameter;
        parameter = saved + h;
        const double up = toyLossAndGradient(model, inputs, importance).loss;
        parameter = saved - h;
        const double down = toyLossAndGradient(model, inputs, importance).loss;
        parameter = saved;
        return (up - down) / (2 * h);
    };
    const double scale = std::max(analytic.weights.cwiseAbs().maxCoeff(), analytic.bias.cwiseAbs().maxCoeff());
    ASSERT_GT(scale, 1e-3);
    for (Eigen::Index j = 0; j < n; ++j) {
        for (Eigen::Index i = 0; i < m; ++i)
            EXPECT_NEAR(central(model.weights(i, j)), analytic.weights(i, j), 1e-7 * scale) << "W " << i << "," << j;
        EXPECT_NEAR(central(model.bias[j]), analytic.bias[j], 1e-7 * scale) << "b " << j;
    }
}

TEST(ToySuperposition, LossIsTheImportanceWeightedMeanSquaredError) {
    // W = 0, b = 0: x' = 0, so the loss is mean_{s,i} I_i x_i^2.
    ToyModel model{Eigen::MatrixXd::Zero(2, 3), Eigen::VectorXd::Zero(3)};
    Eigen::MatrixXd inputs(3, 2);
    inputs << 1, 0, 0.5, 0.5, 0, 1;
    const Eigen::VectorXd importance = toyImportance(3, 0.5); // 1, 0.5, 0.25
    const double expected = (1.0 + 0.5 * (0.25 + 0.25) + 0.25 * 1.0) / 6.0;
    EXPECT_DOUBLE_EQ(toyLossAndGradient(model, inputs, importance).loss, expected);
}

TEST(ToySuperposition, SparseFeaturesHaveTheRequestedDistribution) {
    std::mt19937_64 rng(2);
    const Eigen::MatrixXd x = sampleSparseFeatures(50, 4000, 0.7, rng);
    const double zeros = static_cast<double>((x.array() == 0.0).count()) / x.size();
    EXPECT_NEAR(zeros, 0.7, 0.01);
    const double nonZeroMean = x.sum() / ((x.array() > 0.0).count());
    EXPECT_NEAR(nonZeroMean, 0.5, 0.01); // U[0, 1)
    EXPECT_LE(x.maxCoeff(), 1.0);
    EXPECT_GE(x.minCoeff(), 0.0);
    const Eigen::MatrixXd dense = sampleSparseFeatures(10, 100, 0.0, rng);
    EXPECT_EQ((dense.array() == 0.0).count(), 0);
}

TEST(ToySuperposition, DenseFeaturesAreStoredOneDimensionEach) {
    // S = 0: superposition does not pay, the model keeps m features in orthogonal directions: ||W||_F^2 = m.
    ToySuperpositionOptions options = quickOptions();
    options.sparsities = {0.0};
    const ToySuperpositionResult uniform = runToySuperposition(options);
    ASSERT_EQ(uniform.rows.size(), 1u);
    EXPECT_NEAR(uniform.rows[0].dimensionsPerFeature, 1.0, 0.05);
    EXPECT_NEAR(uniform.rows[0].frobeniusSquared, 5.0, 0.25);

    // With Elhage et al.'s decaying importance the stored features are exactly the m most important ones.
    options.importanceDecay = 0.7;
    const ToySparsityResult decaying = trainToyModel(options, 0.0);
    EXPECT_NEAR(decaying.dimensionsPerFeature, 1.0, 0.05);
    EXPECT_EQ(decaying.representedFeatures, 5);
    const Eigen::VectorXd norms = decaying.model.weights.colwise().norm();
    EXPECT_GT(norms.head(5).minCoeff(), 0.9);
    EXPECT_LT(norms.tail(15).maxCoeff(), 0.2);
}

TEST(ToySuperposition, SparseFeaturesAreStoredInSuperposition) {
    // 1 - S = 0.1 and 0.01: more features than dimensions (dimensions per feature well below 1), and the model
    // stores more than m of them. The loss falls in every regime.
    ToySuperpositionOptions options = quickOptions();
    options.sparsities = {0.0, 0.9, 0.99};
    const ToySuperpositionResult result = runToySuperposition(options);
    ASSERT_EQ(result.rows.size(), 3u);
    for (const ToySparsityResult& row : result.rows) {
        SCOPED_TRACE(row.sparsity);
        EXPECT_LT(row.finalLoss, 0.8 * row.initialLoss);
        EXPECT_DOUBLE_EQ(row.rateLimit, compressionRateLimit(row.sparsity));
        EXPECT_DOUBLE_EQ(row.rate, compressionRate(row.sparsity, 32.0));
        EXPECT_DOUBLE_EQ(row.dimensionsPerFeature, 5.0 / row.model.weights.squaredNorm());
    }
    EXPECT_LT(result.rows[1].dimensionsPerFeature, 0.5);
    EXPECT_GT(result.rows[1].representedFeatures, 5);
    EXPECT_LT(result.rows[2].dimensionsPerFeature, 0.35);
    EXPECT_GT(result.rows[2].representedFeatures, 10);
    EXPECT_LT(result.rows[2].dimensionsPerFeature, result.rows[0].dimensionsPerFeature);
}

TEST(ToySuperposition, SameSeedSameModel) {
    ToySuperpositionOptions options = quickOptions();
    options.steps = 200;
    const ToySparsityResult a = trainToyModel(options, 0.8);
    const ToySparsityResult b = trainToyModel(options, 0.8);
    EXPECT_EQ(a.model.weights, b.model.weights);
    EXPECT_EQ(a.finalLoss, b.finalLoss);
    options.seed = 1;
    EXPECT_NE(trainToyModel(options, 0.8).model.weights, a.model.weights);
}

TEST(ToySuperposition, ProgressAndCancel) {
    ToySuperpositionOptions options = quickOptions();
    options.steps = 300;
    options.sparsities = {0.0, 0.5};
    std::vector<double> fractions;
    runToySuperposition(options, [&](double f) { fractions.push_back(f); });
    ASSERT_FALSE(fractions.empty());
    for (std::size_t i = 1; i < fractions.size(); ++i)
        EXPECT_GE(fractions[i], fractions[i - 1]);
    EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
    EXPECT_LE(fractions.front(), 0.5);

    CancelToken token;
    token.cancel();
    EXPECT_THROW(runToySuperposition(options, {}, &token), Cancelled);
}

TEST(ToySuperposition, DefaultSweepIsLogSpacedInFeatureProbability) {
    const std::vector<double> s = defaultToySparsities();
    ASSERT_EQ(s.size(), 9u);
    EXPECT_EQ(s.front(), 0.0);
    EXPECT_NEAR(s.back(), 0.99, 1e-12);
    for (std::size_t i = 1; i < s.size(); ++i)
        EXPECT_NEAR((1 - s[i]) / (1 - s[i - 1]), std::pow(10.0, -0.25), 1e-12);
}

TEST(ToySuperposition, BadInputThrowsInputError) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto throwsFor = [](void (*change)(ToySuperpositionOptions&)) {
        ToySuperpositionOptions options;
        options.steps = 1;
        change(options);
        EXPECT_THROW(runToySuperposition(options), InputError);
    };
    throwsFor([](ToySuperpositionOptions& o) { o.features = 0; });
    throwsFor([](ToySuperpositionOptions& o) { o.hidden = 0; });
    throwsFor([](ToySuperpositionOptions& o) { o.steps = 0; });
    throwsFor([](ToySuperpositionOptions& o) { o.batch = 0; });
    throwsFor([](ToySuperpositionOptions& o) { o.evaluationSamples = 0; });
    throwsFor([](ToySuperpositionOptions& o) { o.sparsities = {}; });
    throwsFor([](ToySuperpositionOptions& o) { o.sparsities = {0.5, 1.0}; });
    throwsFor([](ToySuperpositionOptions& o) { o.sparsities = {-0.1}; });
    throwsFor([](ToySuperpositionOptions& o) { o.sparsities = {std::numeric_limits<double>::quiet_NaN()}; });
    throwsFor([](ToySuperpositionOptions& o) { o.importanceDecay = 0.0; });
    throwsFor([](ToySuperpositionOptions& o) { o.learningRate = -1e-3; });
    throwsFor([](ToySuperpositionOptions& o) { o.learningRate = std::numeric_limits<double>::infinity(); });
    throwsFor([](ToySuperpositionOptions& o) { o.entropyBits = 0.0; });
    throwsFor([](ToySuperpositionOptions& o) { o.features = 1 << 20; });
    EXPECT_THROW(trainToyModel(ToySuperpositionOptions{}, nan), InputError);
    EXPECT_THROW(toyImportance(0, 0.9), InputError);
    std::mt19937_64 rng(0);
    EXPECT_THROW(sampleSparseFeatures(3, 0, 0.5, rng), InputError);
    ToyModel model{Eigen::MatrixXd::Zero(2, 3), Eigen::VectorXd::Zero(3)};
    EXPECT_THROW(toyLossAndGradient(model, Eigen::MatrixXd::Zero(4, 5), Eigen::VectorXd::Ones(3)), InputError);
    EXPECT_THROW(toyLossAndGradient(model, Eigen::MatrixXd::Zero(3, 5), Eigen::VectorXd::Ones(2)), InputError);
}

} // namespace

TEST(ToySuperposition, FloorIsHiddenOverFeatures) {
    EXPECT_DOUBLE_EQ(toyDimensionsPerFeatureFloor(20, 5), 0.25);
    EXPECT_DOUBLE_EQ(toyDimensionsPerFeatureFloor(8, 6), 0.75);
    EXPECT_TRUE(isAtToyFloor(0.25, 20, 5));
    EXPECT_TRUE(isAtToyFloor(0.262, 20, 5)); // within 5%
    EXPECT_TRUE(isAtToyFloor(0.2, 20, 5));   // columns with norms above 1 dip under it
    EXPECT_FALSE(isAtToyFloor(0.27, 20, 5));
    EXPECT_THROW(toyDimensionsPerFeatureFloor(0, 5), InputError);
    EXPECT_THROW(toyDimensionsPerFeatureFloor(20, 0), InputError);
}
