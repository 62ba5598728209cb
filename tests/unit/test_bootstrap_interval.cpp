// The bootstrap interval of alpha: the subspace shortcut against a brute-force bootstrap that recomputes every
// resample's full covariance, and the interval's coverage of a known exponent where the percentile interval fails.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <random>
#include <vector>

#include "core/data/synthetic_activations.h"
#include "core/io/matrix_source.h"
#include "core/spectrum/bootstrap.h"
#include "core/spectrum/power_law_fit.h"
#include "core/spectrum/spectrum_analysis.h"

namespace {

using codescope::spectrum::bootstrapPowerLawInterval;
using codescope::spectrum::powerLawExponent;

Eigen::VectorXd descendingCovarianceEigenvalues(const Eigen::MatrixXd& rows) {
    const Eigen::MatrixXd centred = rows.rowwise() - rows.colwise().mean();
    const Eigen::MatrixXd covariance = centred.transpose() * centred / static_cast<double>(rows.rows() - 1);
    return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(covariance, Eigen::EigenvaluesOnly).eigenvalues().reverse();
}

TEST(BootstrapInterval, ScoresOnTheFullRankBasisGiveTheBruteForceBootstrap) {
    // 80 samples of 60 features: the centred data have rank 60, so scores on all 60 eigenvectors lose nothing and
    // every resample's spectrum must equal the one of its resampled rows.
    const Eigen::MatrixXd data = codescope::data::powerLawActivations(80, 60, -1.3, 5).cast<double>();
    const Eigen::MatrixXd centred = data.rowwise() - data.colwise().mean();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> full(centred.transpose() * centred / 79.0);
    const Eigen::MatrixXf scores = (centred * full.eigenvectors().rowwise().reverse()).cast<float>();
    const int lo = 5, hi = 30, resamples = 25;
    const std::uint64_t seed = 11;
    const double alpha = powerLawExponent(full.eigenvalues().reverse(), lo, hi).alpha;

    // The same draws as the implementation documents: mt19937_64(seed), uniform row indices, n per resample.
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<Eigen::Index> pick(0, data.rows() - 1);
    std::vector<double> alphas;
    for (int b = 0; b < resamples; ++b) {
        Eigen::MatrixXd resample(data.rows(), data.cols());
        for (Eigen::Index i = 0; i < data.rows(); ++i)
            resample.row(i) = data.row(pick(rng));
        alphas.push_back(powerLawExponent(descendingCovarianceEigenvalues(resample), lo, hi).alpha);
    }
    double mean = 0, squares = 0;
    for (double a : alphas)
        mean += a / resamples;
    for (double a : alphas)
        squares += (a - mean) * (a - mean);
    const double standardError = std::sqrt(squares / (resamples - 1));

    const auto interval = bootstrapPowerLawInterval(scores, alpha, resamples, seed, lo, hi);
    EXPECT_NEAR(interval.bias, mean - alpha, 1e-4);
    EXPECT_NEAR(interval.standardError, standardError, 1e-4);
    EXPECT_NEAR(interval.lo, alpha - (mean - alpha) - 1.959964 * standardError, 2e-4);
    EXPECT_NEAR(interval.hi, alpha - (mean - alpha) + 1.959964 * standardError, 2e-4);
    EXPECT_EQ(interval.resamples, resamples);
}

TEST(BootstrapInterval, ResamplesOnManyThreadsGiveTheSameIntervalEveryTime) {
    // The resamples run on as many threads as there are cores, each taking the next draw in order: whatever the
    // threads' timing, resample b is the b-th draw, so two runs with one seed agree to the last bit, and another
    // seed gives another interval.
    const Eigen::MatrixXd data = codescope::data::powerLawActivations(300, 90, -1.2, 8).cast<double>();
    const Eigen::MatrixXd centred = data.rowwise() - data.colwise().mean();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> full(centred.transpose() * centred / 299.0);
    const Eigen::MatrixXf scores = (centred * full.eigenvectors().rowwise().reverse()).cast<float>();
    const double alpha = powerLawExponent(full.eigenvalues().reverse(), 5, 40).alpha;
    const auto first = bootstrapPowerLawInterval(scores, alpha, 64, 3, 5, 40);
    for (int run = 0; run < 3; ++run) {
        const auto again = bootstrapPowerLawInterval(scores, alpha, 64, 3, 5, 40);
        EXPECT_EQ(again.bias, first.bias);
        EXPECT_EQ(again.standardError, first.standardError);
    }
    const auto other = bootstrapPowerLawInterval(scores, alpha, 64, 4, 5, 40);
    EXPECT_NE(other.standardError, first.standardError);
}

namespace {

/// Scores (on the full-rank basis) and alpha of `data`.
struct Scored {
    Eigen::MatrixXf scores;
    double alpha = 0;
};
Scored scored(const Eigen::MatrixXd& data, int lo, int hi) {
    const Eigen::MatrixXd centred = data.rowwise() - data.colwise().mean();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> full(centred.transpose() * centred / (data.rows() - 1.0));
    return {(centred * full.eigenvectors().rowwise().reverse()).cast<float>(),
            powerLawExponent(full.eigenvalues().reverse(), lo, hi).alpha};
}

} // namespace

TEST(BootstrapInterval, SequenceResamplesEqualTheBruteForceSequenceBootstrap) {
    // 90 rows in sequences of 8 (11 whole ones and a last of 2): every resample draws 12 sequences with replacement
    // and must give the spectrum of the rows of the drawn sequences put together (full-rank basis, as above).
    const Eigen::MatrixXd data = codescope::data::powerLawActivations(90, 40, -1.3, 6).cast<double>();
    const int lo = 3, hi = 25, resamples = 20;
    const std::uint64_t seed = 4;
    const Eigen::Index length = 8, sequences = 12;
    const auto [scores, alpha] = scored(data, lo, hi);

    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<Eigen::Index> pick(0, sequences - 1);
    std::vector<double> alphas;
    for (int b = 0; b < resamples; ++b) {
        std::vector<Eigen::Index> rows;
        for (Eigen::Index s = 0; s < sequences; ++s) {
            const Eigen::Index first = pick(rng) * length;
            for (Eigen::Index r = first; r < std::min<Eigen::Index>(first + length, data.rows()); ++r)
                rows.push_back(r);
        }
        Eigen::MatrixXd resample(static_cast<Eigen::Index>(rows.size()), data.cols());
        for (std::size_t i = 0; i < rows.size(); ++i)
            resample.row(static_cast<Eigen::Index>(i)) = data.row(rows[i]);
        alphas.push_back(powerLawExponent(descendingCovarianceEigenvalues(resample), lo, hi).alpha);
    }
    double mean = 0, squares = 0;
    for (double a : alphas)
        mean += a / resamples;
    for (double a : alphas)
        squares += (a - mean) * (a - mean);
    const double standardError = std::sqrt(squares / (resamples - 1));

    const auto interval = bootstrapPowerLawInterval(scores, alpha, resamples, seed, lo, hi,
                                                    codescope::spectrum::AlphaEstimator::Huber, length);
    EXPECT_NEAR(interval.bias, mean - alpha, 1e-4);
    EXPECT_NEAR(interval.standardError, standardError, 1e-4);
    // One row per unit is the sample bootstrap of the test above: a different interval from the same seed.
    const auto rows = bootstrapPowerLawInterval(scores, alpha, resamples, seed, lo, hi);
    EXPECT_GT(std::abs(rows.standardError - interval.standardError), 1e-3);
}

TEST(BootstrapInterval, SequenceIntervalWidensOnCorrelatedTokens) {
    // 60 sequences of 10 tokens, 40 features. Correlated: every token of a sequence is the sequence's own random
    // vector (power-law covariance) plus 1% noise, so the data hold about 60 independent samples, not 600; resampling
    // tokens one by one pretends 600 and gives a far narrower interval (about sqrt(10) times) than resampling whole
    // sequences. Independent: every token its own draw; then both bootstraps see the same spread.
    constexpr Eigen::Index kSequences = 60, kLength = 10, kFeatures = 40;
    constexpr int kLo = 3, kHi = 20, kResamples = 150;
    const Eigen::MatrixXd shared = codescope::data::powerLawActivations(kSequences, kFeatures, -1.2, 21).cast<double>();
    const Eigen::MatrixXd noise =
        codescope::data::powerLawActivations(kSequences * kLength, kFeatures, -1.2, 22).cast<double>();
    Eigen::MatrixXd correlated(kSequences * kLength, kFeatures);
    for (Eigen::Index r = 0; r < correlated.rows(); ++r)
        correlated.row(r) = shared.row(r / kLength) + 0.01 * noise.row(r);
    const Scored c = scored(correlated, kLo, kHi);
    const auto tokens = bootstrapPowerLawInterval(c.scores, c.alpha, kResamples, 1, kLo, kHi);
    const auto sequences = bootstrapPowerLawInterval(c.scores, c.alpha, kResamples, 1, kLo, kHi,
                                                     codescope::spectrum::AlphaEstimator::Huber, kLength);
    EXPECT_GT(sequences.hi - sequences.lo, 2.0 * (tokens.hi - tokens.lo))
        << "sequence CI [" << sequences.lo << ", " << sequences.hi << "], token CI [" << tokens.lo << ", " << tokens.hi
        << "]";

    const Scored i = scored(noise, kLo, kHi);
    const auto independentTokens = bootstrapPowerLawInterval(i.scores, i.alpha, kResamples, 1, kLo, kHi);
    const auto independentSequences = bootstrapPowerLawInterval(i.scores, i.alpha, kResamples, 1, kLo, kHi,
                                                                codescope::spectrum::AlphaEstimator::Huber, kLength);
    const double ratio = independentSequences.standardError / independentTokens.standardError;
    EXPECT_GT(ratio, 0.6);
    EXPECT_LT(ratio, 1.6);
}

TEST(BootstrapInterval, CoversAKnownExponentAtFewSamples) {
    // 300 samples of 128 features with covariance eigenvalues k^-1.5. A numpy simulation (README, "95% CI of alpha")
    // put the old percentile interval's coverage at 0%: every resample steepens the tail. The bias-corrected interval
    // covers the exponent in about 75% of data sets; 20 data sets with fewer than 10 hits would mean it is broken.
    constexpr double kExponent = -1.5;
    codescope::spectrum::SpectrumOptions options;
    options.bootstrapResamples = 60;
    int covered = 0, warned = 0;
    constexpr int kDataSets = 20;
    for (int d = 0; d < kDataSets; ++d) {
        const Eigen::MatrixXf data = codescope::data::powerLawActivations(300, 128, kExponent, 100 + d);
        codescope::io::InMemoryMatrixSource<Eigen::MatrixXf> source(data, "simulated");
        options.seed = static_cast<std::uint64_t>(d);
        const auto result = codescope::spectrum::analyzeSpectrum(source, options);
        ASSERT_TRUE(std::isfinite(result.alphaBootstrapBias));
        EXPECT_LT(result.alphaCiLo, result.alphaCiHi);
        EXPECT_NEAR(result.alphaCiHi - result.alphaCiLo, 2 * 1.959964 * result.alphaStandardError, 1e-9);
        if (result.alphaCiLo <= kExponent && kExponent <= result.alphaCiHi) ++covered;
        if (!result.warnings.empty()) ++warned;
    }
    EXPECT_GE(covered, 10) << "of " << kDataSets;
    // At this size the bootstrap bias exceeds the standard error, and the user is told so.
    EXPECT_GE(warned, kDataSets / 2);
}

} // namespace
