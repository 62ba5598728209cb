// pooledReadoutR2() / explainedVariance(): the stimulus variance a linear read-out of a random projection explains
// (paper, Fig. 6d-e). The fast projection-based computation is checked against per-column least squares, the
// textbook definition, and against cases whose answer is known without fitting.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <string>

#include "core/common/input_error.h"
#include "core/data/synthetic_activations.h"
#include "tests/unit/support/test_matrices.h"
#include "core/projection/explained_variance.h"
#include "core/projection/random_projection.h"

namespace {

using codescope::InputError;
using namespace codescope::projection;

constexpr double kPi = 3.14159265358979323846;

using codescope::test::gaussianMatrix;

// The definition, column by column: least squares on [1 z] for each target column, SSE and SST summed over the
// non-constant columns.
double referenceR2(const Eigen::MatrixXd& curve, const Eigen::MatrixXd& target) {
    const Eigen::Index n = curve.rows();
    Eigen::MatrixXd design(n, curve.cols() + 1);
    design << Eigen::VectorXd::Ones(n), curve;
    const Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(design);
    double sse = 0, sst = 0;
    for (Eigen::Index j = 0; j < target.cols(); ++j) {
        const Eigen::VectorXd y = target.col(j);
        if (y.maxCoeff() == y.minCoeff()) continue;
        const Eigen::VectorXd beta = cod.solve(y); // minimum-norm least squares
        sse += (y - design * beta).squaredNorm();
        sst += (y.array() - y.mean()).square().sum();
    }
    return 1.0 - sse / sst;
}

TEST(ExplainedVariance, MatchesPerColumnLeastSquares) {
    const Eigen::Index n = 30, k = 6;
    const Eigen::MatrixXd curves = gaussianMatrix(n, 3 * k, 1);
    // Target: partly a linear function of the first curve, partly noise, with two constant columns; more columns
    // than frames, so the QR-reduced path is exercised.
    Eigen::MatrixXd target = gaussianMatrix(n, 50, 2) + curves.leftCols(3) * gaussianMatrix(3, 50, 3);
    target.col(4).setConstant(0.25);
    target.col(17).setZero();
    Eigen::Index constants = -1;
    const Eigen::VectorXd r2 = pooledReadoutR2(curves, 3, target, {}, &constants);
    EXPECT_EQ(constants, 2);
    ASSERT_EQ(r2.size(), k);
    for (Eigen::Index p = 0; p < k; ++p)
        EXPECT_NEAR(r2[p], referenceR2(curves.middleCols(3 * p, 3), target), 1e-12) << "projection " << p;
    // Fewer columns than frames (the latent's case) takes the other path.
    const Eigen::MatrixXd narrow = target.leftCols(2);
    const Eigen::VectorXd narrowR2 = pooledReadoutR2(curves, 3, narrow);
    for (Eigen::Index p = 0; p < k; ++p)
        EXPECT_NEAR(narrowR2[p], referenceR2(curves.middleCols(3 * p, 3), narrow), 1e-12);
}

TEST(ExplainedVariance, ExactLinearTargetIsFullyExplained) {
    const Eigen::MatrixXd curve = gaussianMatrix(20, 3, 4);
    const Eigen::MatrixXd target =
        (curve * gaussianMatrix(3, 40, 5)).rowwise() + gaussianMatrix(1, 40, 6).row(0); // with offsets
    EXPECT_NEAR(pooledReadoutR2(curve, 3, target)[0], 1.0, 1e-12);
}

TEST(ExplainedVariance, ConstantColumnsAreExcluded) {
    const Eigen::MatrixXd curves = gaussianMatrix(25, 12, 7);
    const Eigen::MatrixXd target = gaussianMatrix(25, 10, 8);
    Eigen::MatrixXd padded(25, 14);
    padded << target, Eigen::MatrixXd::Constant(25, 3, 0.1), Eigen::MatrixXd::Zero(25, 1);
    Eigen::Index constants = 0;
    const Eigen::VectorXd withConstants = pooledReadoutR2(curves, 3, padded, {}, &constants);
    EXPECT_EQ(constants, 4);
    EXPECT_LT((withConstants - pooledReadoutR2(curves, 3, target)).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(ExplainedVariance, NoiseIsExplainedAtChanceLevel) {
    // An independent Gaussian target: the in-sample R^2 of d regressors is Beta(d/2, (n-d-1)/2), mean d/(n-1).
    const Eigen::Index n = 41, k = 300;
    const Eigen::VectorXd r2 = pooledReadoutR2(gaussianMatrix(n, 3 * k, 9), 3, gaussianMatrix(n, 20, 10));
    EXPECT_NEAR(r2.mean(), 3.0 / 40.0, 0.1 * 3.0 / 40.0);
    EXPECT_GE(r2.minCoeff(), 0.0);
    EXPECT_LE(r2.maxCoeff(), 1.0);
}

TEST(ExplainedVariance, RankDeficientDesignUsesTheIndependentColumns) {
    const Eigen::Index n = 25;
    const Eigen::VectorXd x = gaussianMatrix(n, 1, 11).col(0);
    const Eigen::MatrixXd target = gaussianMatrix(n, 8, 12) + x * gaussianMatrix(1, 8, 13);
    // z = (x, 2x, 0): the design [1 z] has rank 2, and the read-out is that of x alone.
    Eigen::MatrixXd degenerate(n, 3);
    degenerate << x, 2.0 * x, Eigen::VectorXd::Zero(n);
    const double r2 = pooledReadoutR2(degenerate, 3, target)[0];
    EXPECT_NEAR(r2, pooledReadoutR2(x, 1, target)[0], 1e-12);
    EXPECT_NEAR(r2, referenceR2(degenerate, target), 1e-10);
    // A constant curve explains nothing.
    EXPECT_EQ(pooledReadoutR2(Eigen::MatrixXd::Constant(n, 3, 2.0), 3, target)[0], 0.0);
    // Float-precision collinearity (relative 1e-7) is rank deficiency too, not a third read-out direction.
    Eigen::MatrixXd nearly = degenerate;
    nearly.col(2) = x + 1e-7 * gaussianMatrix(n, 1, 14).col(0);
    EXPECT_NEAR(pooledReadoutR2(nearly, 3, target)[0], r2, 1e-9);
}

TEST(ExplainedVariance, LatentCircleIsRecoveredFromACurveThatTracesIt) {
    // Curves that are an affine image of (cos t, sin t) plus a third, unrelated coordinate explain the latent fully.
    const Eigen::Index n = 60;
    Eigen::MatrixXd latent(n, 2);
    for (Eigen::Index t = 0; t < n; ++t) {
        latent(t, 0) = std::cos(2.0 * kPi * t / n);
        latent(t, 1) = std::sin(2.0 * kPi * t / n);
    }
    RandomProjectionResult projections;
    projections.options.dimensions = 3;
    projections.options.projections = 2;
    projections.curves.resize(n, 6);
    projections.curves.leftCols(2) = (latent * gaussianMatrix(2, 2, 15)).array() + 3.0;
    projections.curves.col(2) = gaussianMatrix(n, 1, 16);
    projections.curves.rightCols(3) = gaussianMatrix(n, 3, 17); // unrelated to the latent
    // The stimulus: 40 "pixels", each a different linear function of the latent.
    const Eigen::MatrixXd stimulus = latent * gaussianMatrix(2, 40, 18);
    const ExplainedVarianceResult result = explainedVariance(projections, stimulus, latent);
    ASSERT_EQ(result.latentR2.size(), 2);
    EXPECT_NEAR(result.latentR2[0], 1.0, 1e-12);
    EXPECT_NEAR(result.stimulusR2[0], 1.0, 1e-12);
    EXPECT_LT(result.latentR2[1], 0.5);
    EXPECT_NEAR(result.meanLatentR2, result.latentR2.mean(), 1e-15);
    EXPECT_NEAR(result.sdLatentR2, std::sqrt(0.5) * std::fabs(result.latentR2[0] - result.latentR2[1]), 1e-12);
    const ExplainedVarianceResult noLatent = explainedVariance(projections, stimulus, Eigen::MatrixXd());
    EXPECT_EQ(noLatent.latentR2.size(), 0);
    EXPECT_TRUE(std::isnan(noLatent.meanLatentR2));
}

TEST(ExplainedVariance, ThrowsInputErrorOnBadInput) {
    try {
        pooledReadoutR2(gaussianMatrix(4, 3, 19), 3, gaussianMatrix(4, 5, 20));
        FAIL() << "four frames accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("at least 5 frames"), std::string::npos) << error.what();
    }
    EXPECT_NO_THROW(pooledReadoutR2(gaussianMatrix(5, 3, 19), 3, gaussianMatrix(5, 5, 20)));
    EXPECT_THROW(pooledReadoutR2(gaussianMatrix(10, 3, 21), 3, Eigen::MatrixXd::Ones(10, 4)), InputError);
    EXPECT_THROW(pooledReadoutR2(gaussianMatrix(10, 4, 21), 3, gaussianMatrix(10, 4, 22)), InputError);
    EXPECT_THROW(pooledReadoutR2(gaussianMatrix(10, 3, 21), 3, gaussianMatrix(11, 4, 22)), InputError);
    RandomProjectionResult empty;
    EXPECT_THROW(explainedVariance(empty, gaussianMatrix(10, 4, 22), Eigen::MatrixXd()), InputError);
}

} // namespace
