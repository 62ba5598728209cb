// The alternative alpha estimators (Huber, Stringer et al.'s 1/k-weighted least squares, the discrete power-law
// MLE with a KS-chosen cut-off) and the fit-range table: exact power laws, numpy/scipy answers
// (tests/data/alpha_estimator_cases.json, written by tests/data/make_alpha_estimator_cases.py), samples drawn from
// known power laws, and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/common/input_error.h"
#include "core/spectrum/alpha_estimators.h"
#include "core/spectrum/power_law_fit.h"

namespace {

using codescope::InputError;
using namespace codescope::spectrum;

Eigen::VectorXd powerLaw(int size, double exponent, double scale = 1.0) {
    Eigen::VectorXd lambda(size);
    for (int k = 1; k <= size; ++k)
        lambda[k - 1] = scale * std::pow(k, exponent);
    return lambda;
}

Eigen::VectorXd vectorOf(const nlohmann::json& values) {
    const auto list = values.get<std::vector<double>>();
    return Eigen::Map<const Eigen::VectorXd>(list.data(), static_cast<Eigen::Index>(list.size()));
}

nlohmann::json referenceCases() {
    std::ifstream in(std::string(CODESCOPE_TEST_DATA_DIR) + "/alpha_estimator_cases.json");
    if (!in) throw std::runtime_error("cannot open alpha_estimator_cases.json");
    return nlohmann::json::parse(in)["cases"];
}

TEST(AlphaEstimators, NamesRoundTripAndUnknownNamesThrow) {
    for (AlphaEstimator estimator : allAlphaEstimators())
        EXPECT_EQ(parseAlphaEstimator(alphaEstimatorName(estimator)), estimator);
    EXPECT_EQ(alphaEstimatorName(AlphaEstimator::Wls), "wls");
    EXPECT_EQ(allAlphaEstimators().size(), 3u);
    EXPECT_THROW(parseAlphaEstimator("ols"), InputError);
    EXPECT_THROW(parseAlphaEstimator("Huber"), InputError);
}

TEST(AlphaEstimators, EveryEstimatorRecoversAnExactPowerLaw) {
    for (double exponent : {-0.6, -1.0, -1.5, -2.5}) {
        const Eigen::VectorXd lambda = powerLaw(200, exponent, 2.0);
        for (AlphaEstimator estimator : allAlphaEstimators()) {
            SCOPED_TRACE(alphaEstimatorName(estimator) + " " + std::to_string(exponent));
            const AlphaFit fit = fitAlpha(lambda, 10, 50, estimator);
            // Huber's scale sits on its lower bound for a perfect line, which limits the slope to ~1e-7.
            const double tolerance = estimator == AlphaEstimator::Huber ? 1e-6 : 1e-10;
            EXPECT_NEAR(fit.alpha, exponent, tolerance);
            EXPECT_NEAR(fit.intercept, std::log(2.0), 10 * tolerance);
            EXPECT_NEAR(fit.rSquared, 1.0, 1e-10);
            EXPECT_EQ(fit.fitLo, 10); // the MLE's KS distances all tie at 0: the lowest cut-off wins
            EXPECT_EQ(fit.fitHi, 50);
            EXPECT_TRUE(fit.warning.empty());
            EXPECT_EQ(fit.estimator, estimator);
            EXPECT_EQ(std::isnan(fit.ksDistance), estimator != AlphaEstimator::Mle);
        }
    }
}

TEST(AlphaEstimators, HuberIsThePapersFit) {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> noise(0.0, 0.1);
    Eigen::VectorXd lambda = powerLaw(120, -1.1);
    for (Eigen::Index i = 0; i < lambda.size(); ++i)
        lambda[i] *= std::exp(noise(rng));
    const PowerLawFit paper = powerLawExponent(lambda, 10, 50);
    const AlphaFit fit = fitAlpha(lambda, 10, 50, AlphaEstimator::Huber);
    EXPECT_EQ(fit.alpha, paper.alpha);
    EXPECT_EQ(fit.intercept, paper.intercept);
}

TEST(AlphaEstimators, WlsAndMleMatchNumpyAndScipy) {
    const nlohmann::json cases = referenceCases();
    ASSERT_GE(cases.size(), 4u);
    for (const auto& c : cases) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const Eigen::VectorXd spectrum = vectorOf(c["spectrum"]);
        const int lo = c["fit_range"][0];
        const int hi = c["fit_range"][1];

        const AlphaFit wls = fitAlpha(spectrum, lo, hi, AlphaEstimator::Wls);
        EXPECT_NEAR(wls.alpha, c["wls"]["alpha"].get<double>(), 1e-10);
        EXPECT_NEAR(wls.intercept, c["wls"]["intercept"].get<double>(), 1e-10);
        EXPECT_NEAR(wls.rSquared, c["wls"]["r2"].get<double>(), 1e-10);

        AlphaFitOptions fixed;
        fixed.mleChooseCutoff = false;
        const AlphaFit mle = fitAlpha(spectrum, lo, hi, AlphaEstimator::Mle, fixed);
        EXPECT_NEAR(mle.alpha, c["mle_fixed"]["alpha"].get<double>(), 1e-10);
        EXPECT_NEAR(mle.intercept, c["mle_fixed"]["intercept"].get<double>(), 1e-10);
        EXPECT_NEAR(mle.ksDistance, c["mle_fixed"]["ks"].get<double>(), 1e-12);
        EXPECT_NEAR(mle.rSquared, c["mle_fixed"]["r2"].get<double>(), 1e-10);
        EXPECT_EQ(mle.fitLo, lo);

        const AlphaFit chosen = fitAlpha(spectrum, lo, hi, AlphaEstimator::Mle);
        EXPECT_EQ(chosen.fitLo, c["mle_ks"]["kmin"].get<int>());
        EXPECT_NEAR(chosen.alpha, c["mle_ks"]["alpha"].get<double>(), 1e-10);
        EXPECT_NEAR(chosen.ksDistance, c["mle_ks"]["ks"].get<double>(), 1e-12);
        EXPECT_NEAR(chosen.rSquared, c["mle_ks"]["r2"].get<double>(), 1e-10);
        EXPECT_LE(chosen.ksDistance, mle.ksDistance);
    }
}

TEST(AlphaEstimators, RSquaredIsTheUnweightedFitOfLogEigenvalues) {
    // ln lambda_k = -k-dependent line + alternating +-0.1: R^2 = 1 - SS_res / SS_tot worked out for the line itself.
    Eigen::VectorXd lambda = powerLaw(60, -1.0);
    for (int k = 10; k <= 50; ++k)
        lambda[k - 1] *= std::exp(k % 2 == 0 ? 0.1 : -0.1);
    const AlphaFit fit = fitAlpha(lambda, 10, 50, AlphaEstimator::Wls);
    double residual = 0;
    double mean = 0;
    for (int k = 10; k <= 50; ++k)
        mean += std::log(lambda[k - 1]) / 41.0;
    double total = 0;
    for (int k = 10; k <= 50; ++k) {
        const double y = std::log(lambda[k - 1]);
        residual += std::pow(y - fit.intercept - fit.alpha * std::log(k), 2);
        total += std::pow(y - mean, 2);
    }
    EXPECT_NEAR(fit.rSquared, 1.0 - residual / total, 1e-12);
    EXPECT_LT(fit.rSquared, 1.0);
    EXPECT_GT(fit.rSquared, 0.9);
}

// Ranks drawn i.i.d. from a truncated Zipf law p_k ~ k^alpha on 1..200: the histogram of counts is exactly the
// model the MLE assumes, so its estimate must lie within a few standard errors 1 / sqrt(N Var[ln k]).
TEST(AlphaEstimators, MleRecoversZipfSamples) {
    for (double exponent : {-0.8, -1.2}) {
        SCOPED_TRACE(exponent);
        const Eigen::VectorXd p = powerLaw(200, exponent);
        std::discrete_distribution<int> zipf(p.data(), p.data() + p.size());
        std::mt19937_64 rng(17);
        Eigen::VectorXd counts = Eigen::VectorXd::Zero(200);
        for (int draw = 0; draw < 400000; ++draw)
            counts[zipf(rng)] += 1.0;

        double inRange = 0, mean = 0, second = 0, mass = 0;
        for (int k = 10; k <= 100; ++k) {
            inRange += counts[k - 1];
            mass += p[k - 1];
            mean += p[k - 1] * std::log(k);
            second += p[k - 1] * std::log(k) * std::log(k);
        }
        const double variance = second / mass - (mean / mass) * (mean / mass);
        const double standardError = 1.0 / std::sqrt(inRange * variance);

        AlphaFitOptions fixed;
        fixed.mleChooseCutoff = false;
        EXPECT_NEAR(fitAlpha(counts, 10, 100, AlphaEstimator::Mle, fixed).alpha, exponent, 4 * standardError);
        // The KS search fits a shorter range, so its spread is larger; stated tolerance 0.03.
        EXPECT_NEAR(fitAlpha(counts, 10, 100, AlphaEstimator::Mle).alpha, exponent, 0.03);
        EXPECT_NEAR(fitAlpha(counts, 10, 100, AlphaEstimator::Wls).alpha, exponent, 0.03);
        EXPECT_NEAR(fitAlpha(counts, 10, 100, AlphaEstimator::Huber).alpha, exponent, 0.03);
    }
}

// Eigenvalues as a sample: values drawn i.i.d. from a Pareto density x^-gamma, sorted, make a spectrum whose rank
// exponent is alpha = -1/(gamma - 1) (Clauset et al.'s value picture). Order statistics are noisy and
// correlated, so alpha is averaged over 8 seeds; stated tolerance 0.04 on ranks 100..1000 of 100,000 values.
TEST(AlphaEstimators, EveryEstimatorRecoversSortedParetoSamples) {
    for (double gamma : {2.0, 3.0}) {
        const double exponent = -1.0 / (gamma - 1.0);
        for (AlphaEstimator estimator : allAlphaEstimators()) {
            SCOPED_TRACE(alphaEstimatorName(estimator) + " gamma " + std::to_string(gamma));
            double sum = 0;
            for (std::uint64_t seed = 0; seed < 8; ++seed) {
                std::mt19937_64 rng(100 + seed);
                std::uniform_real_distribution<double> uniform(0.0, 1.0);
                std::vector<double> values(100000);
                for (double& v : values)
                    v = std::pow(1.0 - uniform(rng), -1.0 / (gamma - 1.0));
                std::partial_sort(values.begin(), values.begin() + 1000, values.end(), std::greater<>());
                const Eigen::VectorXd lambda = Eigen::Map<const Eigen::VectorXd>(values.data(), 1000);
                sum += fitAlpha(lambda, 100, 1000, estimator).alpha;
            }
            EXPECT_NEAR(sum / 8.0, exponent, 0.04);
        }
    }
}

TEST(AlphaEstimators, MleCutoffFindsTheBreakOfABrokenPowerLaw) {
    // -0.4 up to k = 25, -2 after it: the KS distance is smallest once the cut-off passes the break.
    Eigen::VectorXd lambda(100);
    for (int k = 1; k <= 100; ++k)
        lambda[k - 1] = k <= 25 ? std::pow(k, -0.4) : std::pow(25.0, -0.4) * std::pow(k / 25.0, -2.0);
    const AlphaFit fit = fitAlpha(lambda, 10, 60, AlphaEstimator::Mle);
    EXPECT_GE(fit.fitLo, 25);
    EXPECT_NEAR(fit.alpha, -2.0, 1e-8);
    EXPECT_LT(fitAlpha(lambda, 10, 60, AlphaEstimator::Wls).alpha, -0.4);
}

TEST(AlphaEstimators, RangeIsShortenedToThePositiveEigenvalues) {
    Eigen::VectorXd lambda = powerLaw(80, -1.0);
    lambda.tail(50).setZero(); // 30 positive eigenvalues, as from 31 samples
    for (AlphaEstimator estimator : allAlphaEstimators()) {
        SCOPED_TRACE(alphaEstimatorName(estimator));
        const AlphaFit fit = fitAlpha(lambda, 10, 50, estimator);
        EXPECT_EQ(fit.fitHi, 30);
        EXPECT_FALSE(fit.warning.empty());
        EXPECT_NEAR(fit.alpha, -1.0, 1e-6);
    }
}

TEST(AlphaEstimators, BadInputThrowsInputError) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Eigen::VectorXd withNan = powerLaw(100, -1.0);
    withNan[20] = nan;
    Eigen::VectorXd zerosInRange = powerLaw(100, -1.0);
    zerosInRange.tail(89).setZero(); // only k = 10, 11 remain of 10..50
    Eigen::VectorXd negativeInRange = powerLaw(100, -1.0);
    negativeInRange.tail(89).setConstant(-1e-3);
    const Eigen::VectorXd tooShort = powerLaw(11, -1.0);
    const Eigen::VectorXd good = powerLaw(100, -1.0);
    for (AlphaEstimator estimator : allAlphaEstimators()) {
        SCOPED_TRACE(alphaEstimatorName(estimator));
        EXPECT_THROW(fitAlpha(withNan, 10, 50, estimator), InputError);
        EXPECT_THROW(fitAlpha(zerosInRange, 10, 50, estimator), InputError);
        EXPECT_THROW(fitAlpha(negativeInRange, 10, 50, estimator), InputError);
        EXPECT_THROW(fitAlpha(tooShort, 10, 50, estimator), InputError);
        EXPECT_THROW(fitAlpha(Eigen::VectorXd(), 10, 50, estimator), InputError);
        EXPECT_THROW(fitAlpha(good, 0, 50, estimator), InputError);
        EXPECT_THROW(fitAlpha(good, 50, 50, estimator), InputError);
    }
    AlphaFitOptions badFraction;
    badFraction.mleMinRangeFraction = 0.0;
    EXPECT_THROW(fitAlpha(good, 10, 50, AlphaEstimator::Mle, badFraction), InputError);
    badFraction.mleMinRangeFraction = nan;
    EXPECT_THROW(fitAlpha(good, 10, 50, AlphaEstimator::Mle, badFraction), InputError);
}

TEST(AlphaEstimators, RangeSensitivityTable) {
    // Broken power law: -0.5 up to k = 40, -1.5 after. Ranges inside one piece give its exponent.
    Eigen::VectorXd lambda(80);
    for (int k = 1; k <= 80; ++k)
        lambda[k - 1] = k <= 40 ? std::pow(k, -0.5) : std::pow(40.0, -0.5) * std::pow(k / 40.0, -1.5);
    const AlphaRangeTable table = alphaRangeSensitivity(lambda, {5, 10, 20}, {30, 50, 100}, AlphaEstimator::Wls);
    ASSERT_EQ(table.cells.size(), 9u);
    EXPECT_EQ(table.estimator, AlphaEstimator::Wls);
    EXPECT_EQ(table.los, (std::vector<int>{5, 10, 20}));
    EXPECT_EQ(table.his, (std::vector<int>{30, 50, 100}));
    for (std::size_t i = 0; i < 3; ++i) {
        const AlphaRangeCell& inside = table.cells[i * 3 + 0]; // lo..30: all on the -0.5 piece
        ASSERT_TRUE(inside.fitted) << inside.reason;
        EXPECT_NEAR(inside.fit.alpha, -0.5, 1e-10);
        const AlphaRangeCell& across = table.cells[i * 3 + 1]; // lo..50 spans the break
        ASSERT_TRUE(across.fitted);
        EXPECT_LT(across.fit.alpha, -0.5);
        EXPECT_GT(across.fit.alpha, -1.5);
        EXPECT_LT(across.fit.rSquared, 1.0);
        const AlphaRangeCell& beyond = table.cells[i * 3 + 2]; // hi = 100 > 80 eigenvalues
        EXPECT_FALSE(beyond.fitted);
        EXPECT_NE(beyond.reason.find("80"), std::string::npos) << beyond.reason;
        EXPECT_EQ(beyond.lo, table.los[i]);
        EXPECT_EQ(beyond.hi, 100);
    }
    // Ranges steeper for a later start: alpha(20..50) < alpha(5..50).
    EXPECT_LT(table.cells[2 * 3 + 1].fit.alpha, table.cells[0 * 3 + 1].fit.alpha);

    const AlphaRangeTable empty = alphaRangeSensitivity(lambda, {30}, {20, 31}, AlphaEstimator::Mle);
    EXPECT_FALSE(empty.cells[0].fitted);
    EXPECT_FALSE(empty.cells[1].fitted); // 30..31 is two points
    EXPECT_FALSE(empty.cells[1].reason.empty());

    EXPECT_THROW(alphaRangeSensitivity(lambda, {}, {50}), InputError);
    EXPECT_THROW(alphaRangeSensitivity(lambda, {0}, {50}), InputError);
    Eigen::VectorXd withNan = lambda;
    withNan[3] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(alphaRangeSensitivity(withNan), InputError);
}

} // namespace
