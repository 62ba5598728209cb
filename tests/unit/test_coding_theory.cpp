// The paper's closed forms (eqs. 1-4, Lemma 2, Theorems 3-4) and the Riemann zeta function. Expectations are
// analytic values and limits worked out by hand; zeta values are from mpmath at 30 digits.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/common/input_error.h"
#include "core/theory/coding_theory.h"
#include "core/theory/zeta.h"

namespace {

using codescope::InputError;
using namespace codescope::theory;

constexpr double kPi = 3.14159265358979323846;

TEST(Zeta, KnownValuesToTwelveDigits) {
    const struct {
        double s, value;
    } cases[] = {
        {2.0, kPi * kPi / 6.0},        {3.0, 1.2020569031595942854},  {4.0, kPi * kPi * kPi * kPi / 90.0},
        {1.5, 2.6123753486854883433},  {1.1, 10.584448464950800951},  {1.01, 100.57794333849678367},
        {10.0, 1.0009945751278180853}, {50.0, 1.0000000000000008882},
    };
    for (const auto& c : cases)
        EXPECT_NEAR(riemannZeta(c.s) / c.value, 1.0, 1e-12) << "s = " << c.s;
}

TEST(Zeta, LimitsAndMonotonicity) {
    // s -> inf: zeta(s) = 1 + 2^-s + 3^-s + ...; s -> 1+: zeta(s) = 1/(s-1) + gamma + O(s-1).
    EXPECT_NEAR(riemannZeta(40.0) - 1.0, std::pow(2.0, -40.0) + std::pow(3.0, -40.0), 4e-16); // one ulp of 1
    EXPECT_EQ(riemannZeta(2000.0), 1.0);
    constexpr double kEulerGamma = 0.57721566490153286;
    const double nearOne = 1.0 + 1e-6;
    EXPECT_NEAR(riemannZeta(nearOne) - 1.0 / (nearOne - 1.0), kEulerGamma, 1e-5);
    double previous = std::numeric_limits<double>::infinity();
    for (double s = 1.05; s < 30.0; s += 0.37) {
        const double value = riemannZeta(s);
        EXPECT_LT(value, previous) << "s = " << s;
        previous = value;
    }
}

TEST(Zeta, DivergentArgumentsThrowDomainError) {
    EXPECT_THROW(riemannZeta(1.0), std::domain_error);
    EXPECT_THROW(riemannZeta(0.5), std::domain_error);
    EXPECT_THROW(riemannZeta(-2.0), std::domain_error);
    EXPECT_THROW(riemannZeta(std::numeric_limits<double>::quiet_NaN()), std::domain_error);
}

TEST(CodingTheory, BinaryEntropy) {
    EXPECT_DOUBLE_EQ(binaryEntropyBits(0.5), 1.0);
    EXPECT_EQ(binaryEntropyBits(0.0), 0.0);
    EXPECT_EQ(binaryEntropyBits(1.0), 0.0);
    EXPECT_NEAR(binaryEntropyBits(0.25), 0.8112781244591328, 1e-15);
    EXPECT_DOUBLE_EQ(binaryEntropyBits(0.1), binaryEntropyBits(0.9));
    EXPECT_THROW(binaryEntropyBits(1.5), InputError);
}

TEST(CodingTheory, CompressionRateEquationOne) {
    // Dense inputs need every unit, fully sparse ones none.
    EXPECT_DOUBLE_EQ(compressionRate(0.0, 32.0), 1.0);
    EXPECT_DOUBLE_EQ(compressionRate(1.0, 32.0), 0.0);
    // S = 1/2: R = 1/2 + 1/H.
    EXPECT_DOUBLE_EQ(compressionRate(0.5, 8.0), 0.5 + 1.0 / 8.0);
    // Large-H limit: |R - (1 - S)| = h(S)/H <= 1/H, and it vanishes as H grows.
    for (double s = 0.0; s <= 1.0; s += 0.05) {
        EXPECT_DOUBLE_EQ(compressionRateLimit(s), 1.0 - s);
        for (double h : {8.0, 16.0, 32.0}) {
            EXPECT_GE(compressionRate(s, h), 1.0 - s);
            EXPECT_LE(compressionRate(s, h) - (1.0 - s), 1.0 / h + 1e-15);
        }
        EXPECT_NEAR(compressionRate(s, 1e9), 1.0 - s, 1e-9);
    }
    EXPECT_THROW(compressionRate(-0.1, 32.0), InputError);
    EXPECT_THROW(compressionRate(0.5, 0.0), InputError);
    EXPECT_THROW(compressionRate(0.5, std::numeric_limits<double>::infinity()), InputError);
    EXPECT_THROW(compressionRateLimit(1.01), InputError);
}

TEST(CodingTheory, LemmaTwoIsEquationOneTimesTheInputEntropy) {
    // Lemma 2: H(X^S) = n [h(S) + (1 - S) H_elem]; eq. 1 is H(X^S) / (n H_elem) (Supplementary 2.1).
    EXPECT_DOUBLE_EQ(sparsifiedEntropyBits(10, 0.0, 32.0), 320.0);
    EXPECT_DOUBLE_EQ(sparsifiedEntropyBits(10, 1.0, 32.0), 0.0);
    EXPECT_DOUBLE_EQ(sparsifiedEntropyBits(4, 0.5, 6.0), 4.0 * (1.0 + 3.0));
    for (double s : {0.1, 0.3, 0.7, 0.95})
        for (double h : {8.0, 16.0, 32.0})
            EXPECT_NEAR(sparsifiedEntropyBits(100, s, h) / (100.0 * h), compressionRate(s, h), 1e-15);
    EXPECT_THROW(sparsifiedEntropyBits(-1, 0.5, 8.0), InputError);
    EXPECT_THROW(sparsifiedEntropyBits(10, 0.5, -1.0), InputError);
}

TEST(CodingTheory, DropoutCapacities) {
    EXPECT_DOUBLE_EQ(denseCapacityBits(1024), 32768.0);
    EXPECT_DOUBLE_EQ(denseCapacityBits(10, 8.0), 80.0);
    // Without error correction the loss compounds: C (1 - D)^N.
    EXPECT_DOUBLE_EQ(dropoutCapacityWithoutCorrection(1000.0, 0.2, 0), 1000.0);
    EXPECT_NEAR(dropoutCapacityWithoutCorrection(1000.0, 0.2, 3), 512.0, 1e-10);
    EXPECT_DOUBLE_EQ(dropoutCapacityWithoutCorrection(1000.0, 1.0, 2), 0.0);
    // Eq. 2: with error correction one layer's loss, whatever N; never below the uncorrected code for N >= 1.
    EXPECT_DOUBLE_EQ(dropoutCapacityWithCorrection(1000.0, 0.2), 800.0);
    for (int n = 1; n <= 8; ++n)
        EXPECT_LE(dropoutCapacityWithoutCorrection(1000.0, 0.3, n), dropoutCapacityWithCorrection(1000.0, 0.3));
    EXPECT_THROW(dropoutCapacityWithoutCorrection(1000.0, 0.2, -1), InputError);
    EXPECT_THROW(dropoutCapacityWithCorrection(1000.0, 1.2), InputError);
    EXPECT_THROW(dropoutCapacityWithCorrection(-1.0, 0.2), InputError);
}

TEST(CodingTheory, TheoremThreeBounds) {
    // C_base = 1 bit: epsilon = -log2(1 - 1/2) = 1, the construction transmits nothing (only one non-zero symbol).
    const DropoutCapacityBounds oneBit = dropoutCapacityBounds(10, 1.0, 0.2);
    EXPECT_DOUBLE_EQ(oneBit.epsilon, 1.0);
    EXPECT_DOUBLE_EQ(oneBit.lower, 0.0);
    EXPECT_DOUBLE_EQ(oneBit.statedLower, 0.0);
    EXPECT_DOUBLE_EQ(oneBit.upper, 8.0);
    // C_base = 2 bits: epsilon = log2(4/3); the proof's bound (1-D)(2 - eps) beats the stated (1-D)(1 - eps) 2.
    const DropoutCapacityBounds twoBits = dropoutCapacityBounds(1, 2.0, 0.5);
    EXPECT_NEAR(twoBits.epsilon, std::log2(4.0 / 3.0), 1e-15);
    EXPECT_NEAR(twoBits.lower, 0.5 * std::log2(3.0), 1e-15); // log2(2^2 - 1) symbols, half of them dropped
    EXPECT_NEAR(twoBits.statedLower, 0.5 * 2.0 * (1.0 - std::log2(4.0 / 3.0)), 1e-15);
    EXPECT_LT(twoBits.statedLower, twoBits.lower);
    // Float32 units: epsilon = (x + x^2/2 + ...) / ln 2 with x = 2^-32, the bounds pinch onto eq. 2.
    const DropoutCapacityBounds wide = dropoutCapacityBounds(1024, 32.0, 0.2);
    const double x = std::pow(2.0, -32.0);
    EXPECT_NEAR(wide.epsilon, (x + x * x / 2.0) / std::log(2.0), 1e-24);
    EXPECT_DOUBLE_EQ(wide.upper, dropoutCapacityWithCorrection(denseCapacityBits(1024, 32.0), 0.2));
    EXPECT_LE(wide.lower, wide.upper);
    EXPECT_NEAR(wide.lower / wide.upper, 1.0, 1e-9);
    EXPECT_THROW(dropoutCapacityBounds(0, 32.0, 0.2), InputError);
    EXPECT_THROW(dropoutCapacityBounds(10, 0.0, 0.2), InputError);
}

TEST(CodingTheory, EffectiveCapacityEquationThreeAndTheoremFour) {
    // alpha = 0 (a flat spectrum) costs nothing.
    EXPECT_DOUBLE_EQ(effectiveCapacityBits(0.0, 1024), 32768.0);
    // m = 1024, alpha = -1: C - m log2(m/e) = 32768 - 1024 (10 - log2 e).
    const double expected = 32768.0 - 1024.0 * (10.0 - 1.0 / std::log(2.0));
    EXPECT_NEAR(effectiveCapacityBits(-1.0, 1024), expected, 1e-9);
    // |alpha|: the sign convention does not matter; the loss grows linearly in |alpha|.
    EXPECT_DOUBLE_EQ(effectiveCapacityBits(1.0, 1024), effectiveCapacityBits(-1.0, 1024));
    EXPECT_NEAR(32768.0 - effectiveCapacityBits(-2.0, 1024), 2.0 * (32768.0 - expected), 1e-9);
    // A capacity is never negative: m = 10^6 loses |alpha| log2(10^6/e) ~ 18.5 bits a unit, 5 x that > 32 bits.
    EXPECT_EQ(effectiveCapacityBits(-5.0, 1000000), 0.0);
    // Theorem 4 before Stirling: m n - |alpha| log2(m!); log2(m!) - m log2(m/e) ~ 1/2 log2(2 pi m).
    const PowerLawEntropyBound bound = powerLawEntropyBoundBits(-1.0, 1024, 32.0);
    EXPECT_NEAR(bound.stirling, expected, 1e-9);
    EXPECT_NEAR(bound.stirling - bound.exact, 0.5 * std::log2(2.0 * kPi * 1024.0), 1e-3);
    EXPECT_DOUBLE_EQ(powerLawEntropyBoundBits(-1.5, 5, 8.0).exact, 40.0 - 1.5 * std::log2(120.0));
    EXPECT_THROW(effectiveCapacityBits(-1.0, 0), InputError);
    EXPECT_THROW(powerLawEntropyBoundBits(std::numeric_limits<double>::quiet_NaN(), 10), InputError);
}

TEST(CodingTheory, ExpectedActionEquationFour) {
    // alpha = -2: 1/2 zeta(2) = pi^2 / 12.
    ASSERT_TRUE(expectedActionFromExponent(-2.0).has_value());
    EXPECT_NEAR(*expectedActionFromExponent(-2.0), kPi * kPi / 12.0, 1e-14);
    EXPECT_NEAR(*expectedActionFromExponent(-3.0), 0.5 * 1.2020569031595942854, 1e-14);
    // alpha >= -1: the series diverges (the non-differentiable regime of Fig. 4c).
    EXPECT_FALSE(expectedActionFromExponent(-1.0).has_value());
    EXPECT_FALSE(expectedActionFromExponent(-0.5).has_value());
    EXPECT_FALSE(expectedActionFromExponent(0.3).has_value());
    EXPECT_THROW(expectedActionFromExponent(std::numeric_limits<double>::infinity()), InputError);
    // The finite-width sum converges to eq. 4 (tail 1/2 sum_{i>m} i^-2 < 1/(2m)) and grows like 1/2 ln m at -1.
    const double tail = *expectedActionFromExponent(-2.0) - expectedActionFiniteWidth(-2.0, 10000);
    EXPECT_GT(tail, 0.0);
    EXPECT_LT(tail, 1.0 / (2.0 * 10000));
    EXPECT_DOUBLE_EQ(expectedActionFiniteWidth(0.0, 10), 5.0);
    constexpr double kEulerGamma = 0.57721566490153286;
    EXPECT_NEAR(expectedActionFiniteWidth(-1.0, 100000), 0.5 * (std::log(100000.0) + kEulerGamma), 1e-5);
}

} // namespace
