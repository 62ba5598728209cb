#pragma once
// The paper's closed-form coding-theory results: how much a sparse input can be compressed (eq. 1, Lemma 2), what
// dropout costs a code with and without error correction (eq. 2, Theorem 3), what a power-law spectrum costs the
// capacity (eq. 3, Theorem 4), and the expected action of random projections it implies (eq. 4).
//
// Units: every entropy and capacity here is in bits, and every log is log2. The paper writes "log" throughout; base 2
// is the one its own formulas force: Theorem 4's proof uses log(2^n sigma_i) = n + log sigma_i, Theorem 3's epsilon is
// -log(1 - 2^-C_base) with C_base in bits, and eq. 1 divides the sparsity entropy by H "e.g. 16 or 32 bits".
#include <cstdint>
#include <optional>

namespace codescope::theory {

/// Entropy of a Bernoulli(p) variable in bits, h(p) = -p log2 p - (1-p) log2(1-p), with 0 log 0 = 0.
/// Throws InputError unless p is in [0, 1].
double binaryEntropyBits(double p);

/// Eq. 1: the compression rate an optimal code reaches on S-sparse inputs whose non-zero elements carry H bits each,
/// R(S, H) = 1 - S + h(S)/H, the hidden units needed per input dimension (m : n). Dimensionless; near 1 - S for large
/// H, above 1 only where h(S)/H > S (small S, or H of a few bits). Throws InputError unless sparsity is in [0, 1] and
/// entropyBits is finite and > 0.
double compressionRate(double sparsity, double entropyBits);

/// The large-H limit of eq. 1, R = 1 - S (text below eq. 1). Throws InputError unless sparsity is in [0, 1].
double compressionRateLimit(double sparsity);

/// Lemma 2: the entropy in bits of n i.i.d. elements after S-sparsification,
/// H(X^S) = n [ h(S) + (1-S) H_elem ], where h(S) = -S log2 S - (1-S) log2(1-S) and H_elem is the entropy of one
/// un-sparsified element in bits. Eq. 1 is this divided by n H_elem. Throws InputError for elements < 0, sparsity
/// outside [0, 1] or elementEntropyBits < 0 / not finite.
double sparsifiedEntropyBits(std::int64_t elements, double sparsity, double elementEntropyBits);

/// The capacity of m units of `bitsPerUnit` bits each with an optimal dense code, C = m * bits (Supplementary 2.1:
/// "the channel capacity of m hidden units is m x H_elem"). Bits. Throws InputError for units < 1 or
/// bitsPerUnit <= 0 / not finite.
double denseCapacityBits(std::int64_t units, double bitsPerUnit = 32.0);

/// Text above eq. 2: a code without redundancy loses a fraction D at each of N dropout layers,
/// C~ = C (1 - D)^N. Bits (same unit as capacityBits). Throws InputError unless capacityBits >= 0, dropout is in
/// [0, 1] and layers >= 0.
double dropoutCapacityWithoutCorrection(double capacityBits, double dropout, int layers);

/// Eq. 2: with error correction the whole capacity of one dropout layer survives every layer, C_dropout ~ C (1 - D),
/// independent of the number of layers. Throws InputError unless capacityBits >= 0 and dropout is in [0, 1].
double dropoutCapacityWithCorrection(double capacityBits, double dropout);

/// Theorem 3's bounds on the capacity of m independent units of C_base bits each behind one dropout layer of rate D.
struct DropoutCapacityBounds {
    double epsilon = 0;     ///< epsilon = -log2(1 - 2^-C_base) (-> 0 for large C_base); bits
    double lower = 0;       ///< m (1-D) (C_base - epsilon): the bound the proof constructs; bits
    double statedLower = 0; ///< m (1-D) (1 - epsilon) C_base: the theorem as printed (looser for C_base >= 1); bits
    double upper = 0;       ///< m (1-D) C_base (n-bit erasure channel argument); bits
};

/// Theorem 3. The printed statement multiplies by (1 - epsilon) while the proof's construction gives
/// (1-D)(log2(1 - 2^-C_base) + C_base) = (1-D)(C_base - epsilon); both are returned, `lower` is the proof's (tighter
/// for C_base >= 1, and the one the construction actually achieves). Throws InputError for units < 1,
/// bitsPerUnit <= 0 / not finite, or dropout outside [0, 1].
DropoutCapacityBounds dropoutCapacityBounds(std::int64_t units, double bitsPerUnit, double dropout);

/// Theorem 4's upper bound on the entropy of m units at precision n bits whose variances follow sigma_i = i^alpha.
struct PowerLawEntropyBound {
    double exact = 0;    ///< m n - |alpha| log2(m!), the sum before Stirling; bits
    double stirling = 0; ///< m n - |alpha| m log2(m/e), the theorem's final form; bits
};

/// Theorem 4. The proof sums log2(2^n i^alpha) = n + alpha log2 i over i = 1..m, i.e. m n + alpha log2(m!), while the
/// printed result reads m n - alpha m log(m/e); the two agree only if alpha denotes the magnitude of the (negative)
/// exponent. We follow eq. 3, which writes |alpha|: the loss is -|alpha| log2(m!), so a steeper decay always costs
/// capacity, for either sign convention of alpha. Throws InputError for units < 1, precisionBits <= 0 or a
/// non-finite alpha.
PowerLawEntropyBound powerLawEntropyBoundBits(double alpha, std::int64_t units, double precisionBits = 32.0);

/// Eq. 3: the effective capacity of a layer of m units whose spectrum decays with exponent alpha,
/// C_alpha ~ C - |alpha| m log2(m/e), with C = m * bitsPerUnit (Theorem 4 with n = bitsPerUnit). Bits, clamped at 0:
/// the Stirling approximation overshoots once |alpha| log2(m/e) exceeds bitsPerUnit, and a capacity is never negative.
/// Throws as powerLawEntropyBoundBits.
double effectiveCapacityBits(double alpha, std::int64_t units, double bitsPerUnit = 32.0);

/// Eq. 4 / Supplementary 2.5: the expected action of random projections of activations with eigenvalues
/// lambda_i = i^alpha (normalised so lambda_1 = 1), <E[z]> ~ 1/2 zeta(-alpha). Dimensionless (in units of lambda_1).
/// Returns std::nullopt where the series diverges (alpha >= -1: the action grows without bound as m -> inf, the
/// paper's non-differentiable regime). Eq. 4's middle term omits the 1/2 that Supplementary 2.5 carries; both end in
/// 1/2 zeta(-alpha), which is what this returns. Throws InputError for a non-finite alpha.
std::optional<double> expectedActionFromExponent(double alpha);

/// The finite-width sum behind eq. 4 before the infinite-series approximation, 1/2 sum_{i=1}^{m} i^alpha: finite for
/// every alpha, it shows how the action of a layer of m units grows with m where eq. 4 diverges. Dimensionless.
/// Throws InputError for units < 1 or a non-finite alpha.
double expectedActionFiniteWidth(double alpha, std::int64_t units);

} // namespace codescope::theory
