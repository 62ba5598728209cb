#pragma once
// Matrices the numerical tests build their cases from.
#include <Eigen/Core>
#include <cstdint>

#include "core/data/synthetic_activations.h"

namespace codescope::test {

/// i.i.d. N(0, 1) entries, deterministic per seed: generated activations with a flat spectrum (exponent 0).
inline Eigen::MatrixXd gaussianMatrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
    return data::powerLawActivations(rows, cols, 0.0, seed).cast<double>();
}

} // namespace codescope::test
