#pragma once
// Activations with a known covariance spectrum, for the demo, tests and benchmarks.
#include <Eigen/Core>
#include <cstdint>

namespace codescope::data {

/// samples x features Gaussian activations whose covariance has eigenvalues k^exponent (k = 1..features, so
/// exponent = -1 is the paper's critical power law) along random orthogonal directions. Deterministic per seed.
/// Throws std::invalid_argument for non-positive sizes.
Eigen::MatrixXf powerLawActivations(Eigen::Index samples, Eigen::Index features, double exponent, std::uint64_t seed);

} // namespace codescope::data
