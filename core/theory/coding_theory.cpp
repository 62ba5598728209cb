#include "core/theory/coding_theory.h"

#include <cmath>
#include <string>

#include "core/common/input_error.h"
#include "core/theory/zeta.h"

namespace codescope::theory {

namespace {

void requireFraction(double value, const char* what) {
    if (!(value >= 0.0 && value <= 1.0))
        throw InputError(std::string(what) + " must be in [0, 1], got " + std::to_string(value));
}

void requirePositive(double value, const char* what) {
    if (!(std::isfinite(value) && value > 0.0))
        throw InputError(std::string(what) + " must be a positive number, got " + std::to_string(value));
}

void requireUnits(std::int64_t units) {
    if (units < 1) throw InputError("the layer width m must be at least 1, got " + std::to_string(units));
}

void requireFinite(double value, const char* what) {
    if (!std::isfinite(value)) throw InputError(std::string(what) + " must be a finite number");
}

// p log2 p with the limit 0 log 0 = 0.
double plog2p(double p) {
    return p > 0.0 ? p * std::log2(p) : 0.0;
}

// log2(m!) through lgamma: exact to rounding where the paper applies Stirling (Theorem 4).
double log2Factorial(std::int64_t m) {
    return std::lgamma(static_cast<double>(m) + 1.0) / std::log(2.0);
}

} // namespace

double binaryEntropyBits(double p) {
    requireFraction(p, "the probability");
    return -plog2p(p) - plog2p(1.0 - p);
}

double compressionRate(double sparsity, double entropyBits) {
    requireFraction(sparsity, "the sparsity S");
    requirePositive(entropyBits, "the entropy per input element H (bits)");
    // eq. 1: R = 1 - S + (1/H)(-S log S - (1-S) log(1-S)).
    return 1.0 - sparsity + binaryEntropyBits(sparsity) / entropyBits;
}

double compressionRateLimit(double sparsity) {
    requireFraction(sparsity, "the sparsity S");
    return 1.0 - sparsity; // text below eq. 1: "for sufficiently large H ... R = 1 - S"
}

double sparsifiedEntropyBits(std::int64_t elements, double sparsity, double elementEntropyBits) {
    if (elements < 0) throw InputError("the number of elements must be >= 0, got " + std::to_string(elements));
    requireFraction(sparsity, "the sparsity S");
    if (!(std::isfinite(elementEntropyBits) && elementEntropyBits >= 0.0))
        throw InputError("the element entropy H_elem must be a number >= 0 (bits)");
    // Lemma 2: H(X^S) = -nS log S - n(1-S) log(1-S) + n(1-S) H_elem.
    return static_cast<double>(elements) * (binaryEntropyBits(sparsity) + (1.0 - sparsity) * elementEntropyBits);
}

double denseCapacityBits(std::int64_t units, double bitsPerUnit) {
    requireUnits(units);
    requirePositive(bitsPerUnit, "the bits per unit");
    return static_cast<double>(units) * bitsPerUnit; // Supplementary 2.1: capacity of m units is m x H_elem
}

double dropoutCapacityWithoutCorrection(double capacityBits, double dropout, int layers) {
    if (!(std::isfinite(capacityBits) && capacityBits >= 0.0))
        throw InputError("the capacity C must be a number >= 0 (bits)");
    requireFraction(dropout, "the dropout rate D");
    if (layers < 0) throw InputError("the number of dropout layers N must be >= 0, got " + std::to_string(layers));
    return capacityBits * std::pow(1.0 - dropout, layers); // text above eq. 2: C~ ~ C (1-D)^N
}

double dropoutCapacityWithCorrection(double capacityBits, double dropout) {
    if (!(std::isfinite(capacityBits) && capacityBits >= 0.0))
        throw InputError("the capacity C must be a number >= 0 (bits)");
    requireFraction(dropout, "the dropout rate D");
    return capacityBits * (1.0 - dropout); // eq. 2
}

DropoutCapacityBounds dropoutCapacityBounds(std::int64_t units, double bitsPerUnit, double dropout) {
    requireUnits(units);
    requirePositive(bitsPerUnit, "the bits per unit C_base");
    requireFraction(dropout, "the dropout rate D");
    const double m = static_cast<double>(units);
    DropoutCapacityBounds bounds;
    // Theorem 3: epsilon = -log(1 - 2^-C_base). log1p keeps it accurate for large C_base, where it is ~2^-C/ln 2.
    bounds.epsilon = -std::log1p(-std::exp2(-bitsPerUnit)) / std::log(2.0);
    // Proof, lower bound: a uniform code on all symbols but 0 has H(X) = log(1 - 2^-C) + C and I(X;Y) = (1-D) H(X).
    bounds.lower = m * (1.0 - dropout) * (bitsPerUnit - bounds.epsilon);
    bounds.statedLower = m * (1.0 - dropout) * (1.0 - bounds.epsilon) * bitsPerUnit;
    bounds.upper = m * (1.0 - dropout) * bitsPerUnit; // proof, upper bound: the n-bit erasure channel
    return bounds;
}

PowerLawEntropyBound powerLawEntropyBoundBits(double alpha, std::int64_t units, double precisionBits) {
    requireFinite(alpha, "the power-law exponent alpha");
    requireUnits(units);
    requirePositive(precisionBits, "the precision n (bits)");
    const double m = static_cast<double>(units);
    // Theorem 4 with the sign of eq. 3 (see the header): sum_i log2(2^n i^-|alpha|) = m n - |alpha| log2(m!).
    PowerLawEntropyBound bound;
    bound.exact = m * precisionBits - std::fabs(alpha) * log2Factorial(units);
    // Stirling, log(m!) ~ m log(m/e): the form eq. 3 uses.
    bound.stirling = m * precisionBits - std::fabs(alpha) * m * std::log2(m / std::exp(1.0));
    return bound;
}

double effectiveCapacityBits(double alpha, std::int64_t units, double bitsPerUnit) {
    // eq. 3: C_alpha ~ C - |alpha| m log(m/e), C = m x bits per unit.
    return std::fmax(0.0, powerLawEntropyBoundBits(alpha, units, bitsPerUnit).stirling);
}

std::optional<double> expectedActionFromExponent(double alpha) {
    requireFinite(alpha, "the power-law exponent alpha");
    // eq. 4 holds only where sum i^alpha converges (alpha < -1); above, the action grows without bound.
    if (!(alpha < -1.0)) return std::nullopt;
    return 0.5 * riemannZeta(-alpha);
}

double expectedActionFiniteWidth(double alpha, std::int64_t units) {
    requireFinite(alpha, "the power-law exponent alpha");
    requireUnits(units);
    double sum = 0;
    // Smallest terms first (for alpha < 0 those are the last ones), so the leading 1 does not swallow them.
    for (std::int64_t i = units; i >= 1; --i)
        sum += std::pow(static_cast<double>(i), alpha);
    return 0.5 * sum; // Supplementary 2.5: <E[z]> = 1/2 sum_i lambda_i with lambda_i = i^alpha
}

} // namespace codescope::theory
