// Streaming covariance against a direct two-pass computation, including data far from the origin, where a naive
// sum of squares loses every significant digit.
#include <gtest/gtest.h>

#include <random>

#include "core/spectrum/covariance_accumulator.h"

using codescope::spectrum::CovarianceAccumulator;

namespace {

Eigen::MatrixXd sample(Eigen::Index rows, Eigen::Index cols, double offset, double spread, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd out(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i)
            out(i, j) = offset + spread * normal(rng) * (1.0 + j);
    return out;
}

Eigen::MatrixXd twoPassCovariance(const Eigen::MatrixXd& data) {
    const Eigen::MatrixXd centred = data.rowwise() - data.colwise().mean();
    return centred.transpose() * centred / static_cast<double>(data.rows() - 1);
}

TEST(CovarianceAccumulator, MatchesTwoPassOverRaggedBlocks) {
    const Eigen::MatrixXd data = sample(1000, 17, 0.0, 1.0, 1);
    CovarianceAccumulator accumulator(17);
    for (Eigen::Index first = 0, size = 1; first < data.rows(); first += size, size = size * 2 + 1)
        accumulator.add(data.middleRows(first, std::min(size, data.rows() - first)));
    EXPECT_EQ(accumulator.samples(), 1000);
    const Eigen::MatrixXd expected = twoPassCovariance(data);
    EXPECT_LT((accumulator.covariance() - expected).cwiseAbs().maxCoeff(), 1e-12 * expected.cwiseAbs().maxCoeff());
    EXPECT_LT((accumulator.mean() - data.colwise().mean().transpose()).cwiseAbs().maxCoeff(), 1e-12);
}

// 150 features: the lower triangle is mirrored in tiles of 64, so this crosses diagonal, off-diagonal and ragged tiles.
TEST(CovarianceAccumulator, IsSymmetricAcrossTiles) {
    const Eigen::MatrixXd data = sample(300, 150, 0.5, 1.0, 5);
    CovarianceAccumulator accumulator(150);
    accumulator.add(data.topRows(120));
    accumulator.add(data.bottomRows(180));
    const Eigen::MatrixXd got = accumulator.covariance();
    const Eigen::MatrixXd expected = twoPassCovariance(data);
    EXPECT_LT((got - expected).cwiseAbs().maxCoeff(), 1e-12 * expected.cwiseAbs().maxCoeff());
    EXPECT_EQ((got - got.transpose()).cwiseAbs().maxCoeff(), 0.0);
}

TEST(CovarianceAccumulator, StaysAccurateFarFromTheOrigin) {
    // Mean 1e8, spread 1e-2: sum(x^2)/n - mean^2 would cancel 20 digits.
    const Eigen::MatrixXd data = sample(4000, 5, 1e8, 1e-2, 2);
    CovarianceAccumulator accumulator(5);
    for (Eigen::Index first = 0; first < data.rows(); first += 333)
        accumulator.add(data.middleRows(first, std::min<Eigen::Index>(333, data.rows() - first)));
    const Eigen::MatrixXd expected = twoPassCovariance(data);
    const Eigen::MatrixXd got = accumulator.covariance();
    for (int j = 0; j < 5; ++j)
        EXPECT_NEAR(got(j, j), expected(j, j), 1e-6 * expected(j, j)) << j;
}

TEST(CovarianceAccumulator, SinglePrecisionProductsStayWithinFloatRounding) {
    // Far from the origin too: each block is centred (in double) before it is rounded to float32, so the mean
    // cancels nowhere and the result is within float rounding of the two-pass covariance; the double products are
    // 1e4 times closer, so the single path is really taken.
    const Eigen::MatrixXd data = sample(3000, 12, 1e4, 1.0, 4);
    CovarianceAccumulator single(12, CovarianceAccumulator::Products::Single);
    for (Eigen::Index first = 0; first < data.rows(); first += 700)
        single.add(data.middleRows(first, std::min<Eigen::Index>(700, data.rows() - first)));
    const Eigen::MatrixXd expected = twoPassCovariance(data);
    const double error = (single.covariance() - expected).cwiseAbs().maxCoeff() / expected.cwiseAbs().maxCoeff();
    EXPECT_LT(error, 1e-6);
    EXPECT_GT(error, 1e-11);
}

TEST(CovarianceAccumulator, MergeEqualsOneStream) {
    const Eigen::MatrixXd data = sample(500, 8, 3.0, 2.0, 3);
    CovarianceAccumulator left(8), right(8), whole(8);
    left.add(data.topRows(123));
    right.add(data.bottomRows(377));
    whole.add(data);
    left.merge(right);
    EXPECT_LT((left.covariance() - whole.covariance()).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(CovarianceAccumulator, RejectsWrongWidthAndTooFewSamples) {
    CovarianceAccumulator accumulator(4);
    EXPECT_THROW(accumulator.add(Eigen::MatrixXd::Zero(3, 5)), std::invalid_argument);
    accumulator.add(Eigen::MatrixXd::Ones(1, 4));
    EXPECT_THROW(accumulator.covariance(), std::logic_error);
}

} // namespace
