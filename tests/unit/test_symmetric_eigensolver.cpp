// Eigensolvers checked on invariants (A V = V D, orthonormal V, descending order) and against each other.
#include <gtest/gtest.h>

#include <Eigen/QR>
#include <cmath>
#include <random>

#include "core/spectrum/lapack_kernels.h"
#include "core/spectrum/symmetric_eigensolver.h"

using namespace codescope::spectrum;

namespace {

// A random symmetric PSD matrix with eigenvalues k^exponent (a covariance-like spectrum).
Eigen::MatrixXd powerLawMatrix(Eigen::Index n, double exponent, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd g(n, n);
    for (Eigen::Index j = 0; j < n; ++j)
        for (Eigen::Index i = 0; i < n; ++i)
            g(i, j) = normal(rng);
    Eigen::MatrixXd q(n, n);
    q = Eigen::HouseholderQR<Eigen::MatrixXd>(g).householderQ();
    Eigen::VectorXd d(n);
    for (Eigen::Index k = 0; k < n; ++k)
        d[k] = std::pow(k + 1.0, exponent);
    return q * d.asDiagonal() * q.transpose();
}

void expectEigenpairs(const Eigen::MatrixXd& a, const EigenPairs& pairs, double tolerance) {
    const Eigen::Index k = pairs.values.size();
    for (Eigen::Index j = 1; j < k; ++j)
        EXPECT_GE(pairs.values[j - 1], pairs.values[j]);
    const Eigen::MatrixXd residual = a * pairs.vectors - pairs.vectors * pairs.values.asDiagonal();
    EXPECT_LT(residual.cwiseAbs().maxCoeff(), tolerance);
    const Eigen::MatrixXd gram = pairs.vectors.transpose() * pairs.vectors;
    EXPECT_LT((gram - Eigen::MatrixXd::Identity(k, k)).cwiseAbs().maxCoeff(), 1e-10);
}

TEST(SymmetricEigensolver, DenseGivesExactLeadingPairs) {
    for (Eigen::Index n : {1, 7, 60, 300}) {
        const Eigen::MatrixXd a = powerLawMatrix(n, -1.0, static_cast<std::uint64_t>(n));
        const Eigen::Index k = std::max<Eigen::Index>(1, n / 3);
        EigenOptions options;
        options.method = EigenMethod::Dense;
        const EigenPairs pairs = leadingEigenpairs(a, k, true, options);
        ASSERT_EQ(pairs.values.size(), k);
        for (Eigen::Index j = 0; j < k; ++j)
            EXPECT_NEAR(pairs.values[j], std::pow(j + 1.0, -1.0), 1e-12);
        expectEigenpairs(a, pairs, 1e-12);
    }
}

TEST(SymmetricEigensolver, SubspaceIterationAgreesWithDenseOnTheLeadingPart) {
    const Eigen::MatrixXd a = powerLawMatrix(600, -1.2, 42);
    EigenOptions subspace;
    subspace.method = EigenMethod::Subspace;
    // Ritz values converge like (lambda_width / lambda_j)^(2 q + 1): the leading quarter of the block is exact to
    // rounding, the last components of the block are underestimates (as with scikit-learn's randomized solver).
    const EigenPairs fast = leadingEigenpairs(a, 200, true, subspace);
    EXPECT_EQ(fast.method, EigenMethod::Subspace);
    for (Eigen::Index j = 0; j < 50; ++j)
        EXPECT_NEAR(fast.values[j], std::pow(j + 1.0, -1.2), 1e-8 * std::pow(j + 1.0, -1.2)) << j;
    for (Eigen::Index j = 0; j < 200; ++j)
        EXPECT_LE(fast.values[j], std::pow(j + 1.0, -1.2) * (1 + 1e-12)) << j;
    expectEigenpairs(a, {fast.values.head(50), fast.vectors.leftCols(50), fast.method}, 1e-6);
}

TEST(SymmetricEigensolver, ValuesOnlyAndBadArguments) {
    const Eigen::MatrixXd a = powerLawMatrix(20, -0.5, 1);
    const EigenPairs pairs = leadingEigenpairs(a, 5, false);
    EXPECT_EQ(pairs.vectors.size(), 0);
    EXPECT_NEAR(pairs.values[0], 1.0, 1e-12);
    EXPECT_THROW(leadingEigenpairs(a, 0, false), std::invalid_argument);
    EXPECT_THROW(leadingEigenpairs(a, 21, false), std::invalid_argument);
    EXPECT_THROW(leadingEigenpairs(Eigen::MatrixXd::Zero(3, 4), 1, false), std::invalid_argument);
}

TEST(SymmetricEigensolver, AutomaticChoiceUsesDenseForSmallProblems) {
    EXPECT_EQ(chooseEigenMethod(400, 400), EigenMethod::Dense);
    EXPECT_EQ(chooseEigenMethod(4000, 1000), EigenMethod::Dense);
    EXPECT_EQ(chooseEigenMethod(8000, 100), EigenMethod::Subspace);
}

TEST(SymmetricEigensolver, TwoStageReductionGivesTheOneStageEigenvalues) {
    EXPECT_TRUE(lapack::twoStageAvailable()) << "Debian 12's LAPACK 3.11 has dsyevd_2stage";
    const Eigen::MatrixXd a = powerLawMatrix(300, -1.0, 17);
    Eigen::MatrixXd one = a, two = a;
    Eigen::VectorXd oneStage, twoStage;
    lapack::allEigenvaluesAscending(one, oneStage, lapack::Reduction::OneStage);
    lapack::allEigenvaluesAscending(two, twoStage, lapack::Reduction::TwoStage);
    ASSERT_EQ(twoStage.size(), 300);
    for (Eigen::Index j = 0; j < 300; ++j) {
        EXPECT_NEAR(twoStage[j], oneStage[j], 1e-13) << j;
        EXPECT_NEAR(twoStage[j], 1.0 / (300.0 - j), 1e-12) << j; // ascending: 1/300, ..., 1/1
    }
    EXPECT_EQ(lapack::chooseReduction(lapack::kTwoStageFrom - 1), lapack::Reduction::OneStage);
}

} // namespace
