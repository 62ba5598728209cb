// randomProjectionAction(): the action of random projections (paper, Fig. 4c, Supplementary 2.5). The Monte-Carlo
// mean is checked against the closed-form expectation over r, and the action against the smoothness it measures.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <random>

#include "core/common/input_error.h"
#include "core/data/synthetic_activations.h"
#include "tests/unit/support/test_matrices.h"
#include "core/projection/random_projection.h"

namespace {

using codescope::InputError;
using namespace codescope::projection;

constexpr double kPi = 3.14159265358979323846;

using codescope::test::gaussianMatrix;

// n frames of m units tracing one period of a smooth closed curve: unit j responds as cos(t + phase_j) (amplitude 1,
// so every unit has variance 1/2 over the period).
Eigen::MatrixXd smoothTrajectory(Eigen::Index n, Eigen::Index m, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> phase(0.0, 2.0 * kPi);
    Eigen::MatrixXd a(n, m);
    for (Eigen::Index j = 0; j < m; ++j) {
        const double p = phase(rng);
        for (Eigen::Index t = 0; t < n; ++t)
            a(t, j) = std::cos(2.0 * kPi * static_cast<double>(t) / n + p);
    }
    return a;
}

TEST(RandomProjection, ExpectedActionClosedFormOnAHandExample) {
    // Increments (1, 0) and (0, 2): sum ||a_{t+1} - a_t||^2 = 5, m = 2, d = 3 -> (3 / 4) * 5.
    Eigen::MatrixXd a(3, 2);
    a << 0, 0, 1, 0, 1, 2;
    EXPECT_DOUBLE_EQ(expectedRandomProjectionAction(a), 3.75);
    EXPECT_DOUBLE_EQ(expectedRandomProjectionAction(a, 1), 1.25);
    EXPECT_DOUBLE_EQ(expectedRandomProjectionAction(Eigen::MatrixXf(a.cast<float>())), 3.75);
}

TEST(RandomProjection, MonteCarloMeanAgreesWithTheExpectationWithinFivePercent) {
    // A smooth part plus noise, so the increments are neither tiny nor dominated by one direction.
    const Eigen::MatrixXd a = smoothTrajectory(40, 150, 3) + 0.3 * gaussianMatrix(40, 150, 4);
    RandomProjectionOptions options;
    options.projections = 4000;
    options.seed = 11;
    options.keptCurves = 0;
    const RandomProjectionResult result = randomProjectionAction(a, options);
    ASSERT_EQ(result.actions.size(), 4000);
    EXPECT_NEAR(result.meanAction / result.expectedAction, 1.0, 0.05);
    EXPECT_DOUBLE_EQ(result.expectedAction, expectedRandomProjectionAction(a));
    // The standard error of the mean is sd / sqrt(K); the mean must sit within a few of them.
    EXPECT_LT(std::fabs(result.meanAction - result.expectedAction), 4.0 * result.sdAction / std::sqrt(4000.0));
}

TEST(RandomProjection, SmoothTrajectoryHasLowerActionThanWhiteNoiseOfEqualVariance) {
    const Eigen::Index n = 100, m = 200;
    const Eigen::MatrixXd smooth = smoothTrajectory(n, m, 5);
    // White noise with each unit's variance equal to the smooth one's (1/2).
    const Eigen::MatrixXd noise = std::sqrt(0.5) * gaussianMatrix(n, m, 6);
    RandomProjectionOptions options;
    options.projections = 200;
    const double smoothAction = randomProjectionAction(smooth, options).meanAction;
    const double noiseAction = randomProjectionAction(noise, options).meanAction;
    // Analytically: smooth increments ~ (2 pi / n)^2 * 1/2 per unit and frame, noise ones 2 * 1/2: ratio ~ 0.004.
    EXPECT_LT(smoothAction, 0.02 * noiseAction);
}

TEST(RandomProjection, CurvesAreTheProductWithTheDrawnMatricesAndActionsTheirActions) {
    const Eigen::MatrixXd a = gaussianMatrix(12, 30, 7);
    RandomProjectionOptions options;
    options.projections = 5;
    options.seed = 42;
    options.method = ProjectionMethod::Explicit;
    const RandomProjectionResult result = randomProjectionAction(a, options);
    const Eigen::MatrixXd r = randomProjectionMatrix(30, options).cast<double>();
    ASSERT_EQ(r.rows(), 30);
    ASSERT_EQ(r.cols(), 15);
    ASSERT_EQ(result.curveCount(), 5);
    EXPECT_LT((result.curves - a * r).norm(), 1e-12 * (a * r).norm());
    for (Eigen::Index k = 0; k < 5; ++k) {
        EXPECT_EQ(result.curve(k).rows(), 12);
        EXPECT_EQ(result.curve(k).cols(), 3);
        EXPECT_NEAR(result.actions[k], trajectoryAction(result.curve(k)), 1e-12 * result.actions[k]);
    }
    EXPECT_NEAR(result.averageActivation, a.mean(), 1e-15);
    EXPECT_EQ(result.frames, 12);
    EXPECT_EQ(result.units, 30);
}

// Over r, the curves' covariance is E[(A r)(A r)^T] = A A^T / m per column of r (d columns, independent); both
// methods must reproduce it, and the row-space one must not need a full-rank layer.
void expectCurveCovarianceIsGramOverM(const Eigen::MatrixXd& a, ProjectionMethod method) {
    RandomProjectionOptions options;
    options.projections = 20000;
    options.dimensions = 1;
    options.seed = 5;
    options.method = method;
    const RandomProjectionResult result = randomProjectionAction(a, options);
    const Eigen::MatrixXd& z = result.curves; // n x K
    const Eigen::MatrixXd empirical = z * z.transpose() / static_cast<double>(z.cols());
    const Eigen::MatrixXd expected = a * a.transpose() / static_cast<double>(a.cols());
    for (Eigen::Index i = 0; i < a.rows(); ++i)
        for (Eigen::Index j = 0; j < a.rows(); ++j) {
            // Standard error of a mean of K products of two Gaussians: sqrt((S_ii S_jj + S_ij^2) / K).
            const double se = std::sqrt((expected(i, i) * expected(j, j) + expected(i, j) * expected(i, j)) / 20000.0);
            EXPECT_NEAR(empirical(i, j), expected(i, j), 5 * se) << "entry " << i << "," << j;
        }
}

TEST(RandomProjection, CurvesHaveTheCovarianceOfARWithEitherMethod) {
    const Eigen::MatrixXd a = gaussianMatrix(4, 60, 13) + Eigen::MatrixXd::Constant(4, 60, 0.5);
    expectCurveCovarianceIsGramOverM(a, ProjectionMethod::Explicit);
    expectCurveCovarianceIsGramOverM(a, ProjectionMethod::RowSpace);
    // Rank 2: frames 3 and 4 repeat frames 1 and 2.
    Eigen::MatrixXd lowRank(4, 60);
    lowRank << a.topRows(2), a.topRows(2);
    expectCurveCovarianceIsGramOverM(lowRank, ProjectionMethod::RowSpace);
}

TEST(RandomProjection, RowSpaceAndExplicitActionsAgreeInDistribution) {
    const Eigen::MatrixXd a = smoothTrajectory(30, 400, 14) + 0.2 * gaussianMatrix(30, 400, 15);
    RandomProjectionOptions options;
    options.projections = 3000;
    options.keptCurves = 0;
    options.method = ProjectionMethod::Explicit;
    const RandomProjectionResult explicitR = randomProjectionAction(a, options);
    options.method = ProjectionMethod::RowSpace;
    const RandomProjectionResult rowSpace = randomProjectionAction(a, options);
    const double se = explicitR.sdAction / std::sqrt(3000.0);
    EXPECT_NEAR(rowSpace.meanAction, explicitR.meanAction, 6 * se);
    EXPECT_NEAR(rowSpace.sdAction / explicitR.sdAction, 1.0, 0.1);
    EXPECT_NEAR(rowSpace.meanAction / rowSpace.expectedAction, 1.0, 0.05);
}

TEST(RandomProjection, ProjectionEntriesHaveVarianceOneOverM) {
    RandomProjectionOptions options;
    options.projections = 200;
    const Eigen::Index m = 500;
    const Eigen::MatrixXf r = randomProjectionMatrix(m, options); // 300,000 entries
    const double mean = r.cast<double>().mean();
    const double variance = r.cast<double>().array().square().mean() - mean * mean;
    EXPECT_NEAR(mean * std::sqrt(static_cast<double>(m)), 0.0, 0.01); // 5.5 standard errors of the mean
    EXPECT_NEAR(variance * m, 1.0, 0.01);                             // ~4 standard errors of the variance
    // Fourth moment of a Gaussian is 3 sigma^4: the Box-Muller values are Gaussian, not merely unit variance.
    const double kurtosis = r.cast<double>().array().pow(4).mean() * m * m;
    EXPECT_NEAR(kurtosis, 3.0, 0.08); // ~4.4 standard errors (Var x^4 = 96)
}

TEST(RandomProjection, SeededAndIndependentOfTheNumberOfProjections) {
    const Eigen::MatrixXf a = gaussianMatrix(20, 40, 8).cast<float>();
    RandomProjectionOptions options;
    options.projections = 6;
    options.seed = 3;
    const RandomProjectionResult six = randomProjectionAction(a, options);
    const RandomProjectionResult sixAgain = randomProjectionAction(a, options);
    EXPECT_EQ(six.actions, sixAgain.actions);
    options.projections = 3;
    const RandomProjectionResult three = randomProjectionAction(a, options);
    EXPECT_EQ(three.actions, six.actions.head(3)); // projection k is seeded by (seed, k)
    options.seed = 4;
    EXPECT_NE(randomProjectionAction(a, options).actions, three.actions);
}

TEST(RandomProjection, BlockingOfTheProductDoesNotChangeTheResult) {
    const Eigen::MatrixXf a = gaussianMatrix(25, 70, 12).cast<float>();
    RandomProjectionOptions options;
    options.projections = 20;
    options.method = ProjectionMethod::Explicit;
    options.projectionsPerProduct = 0; // one product A R
    const RandomProjectionResult one = randomProjectionAction(a, options);
    for (int perProduct : {1, 7, 64}) {
        options.projectionsPerProduct = perProduct;
        const RandomProjectionResult blocked = randomProjectionAction(a, options);
        EXPECT_LT((blocked.curves - one.curves).cwiseAbs().maxCoeff(), 1e-5 * one.curves.cwiseAbs().maxCoeff())
            << perProduct << " projections per product";
    }
}

TEST(RandomProjection, FloatAndDoubleActivationsUseTheSameProjections) {
    const Eigen::MatrixXd a = gaussianMatrix(30, 64, 9);
    RandomProjectionOptions options;
    options.projections = 10;
    const RandomProjectionResult fromDouble = randomProjectionAction(a, options);
    const RandomProjectionResult fromFloat = randomProjectionAction(Eigen::MatrixXf(a.cast<float>()), options);
    for (Eigen::Index k = 0; k < 10; ++k)
        EXPECT_NEAR(fromFloat.actions[k] / fromDouble.actions[k], 1.0, 1e-5);
}

TEST(RandomProjection, KeptCurvesAndStatistics) {
    const Eigen::MatrixXd a = gaussianMatrix(10, 8, 10);
    RandomProjectionOptions options;
    options.projections = 7;
    options.keptCurves = 2;
    const RandomProjectionResult result = randomProjectionAction(a, options);
    EXPECT_EQ(result.curves.cols(), 6);
    EXPECT_EQ(result.curveCount(), 2);
    EXPECT_NEAR(result.meanAction, result.actions.mean(), 1e-12);
    const double variance = (result.actions.array() - result.actions.mean()).square().sum() / 6.0;
    EXPECT_NEAR(result.sdAction, std::sqrt(variance), 1e-12);
    options.projections = 1;
    EXPECT_EQ(randomProjectionAction(a, options).sdAction, 0.0);
}

TEST(RandomProjection, ThrowsInputErrorOnBadInput) {
    EXPECT_THROW(randomProjectionAction(Eigen::MatrixXd::Ones(1, 5)), InputError);
    EXPECT_THROW(randomProjectionAction(Eigen::MatrixXd(5, 0)), InputError);
    Eigen::MatrixXd withNaN = Eigen::MatrixXd::Ones(4, 3);
    withNaN(2, 1) = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(randomProjectionAction(withNaN), InputError);
    RandomProjectionOptions options;
    options.projections = 0;
    EXPECT_THROW(randomProjectionAction(Eigen::MatrixXd::Ones(4, 3), options), InputError);
    options.projections = 2;
    options.dimensions = 0;
    EXPECT_THROW(randomProjectionAction(Eigen::MatrixXd::Ones(4, 3), options), InputError);
    options.dimensions = 3;
    options.projectionsPerProduct = -1;
    EXPECT_THROW(randomProjectionAction(Eigen::MatrixXd::Ones(4, 3), options), InputError);
    EXPECT_THROW(expectedRandomProjectionAction(Eigen::MatrixXd::Ones(1, 3)), InputError);
    EXPECT_THROW(randomProjectionMatrix(0), InputError);
}

} // namespace
