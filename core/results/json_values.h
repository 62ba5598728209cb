#pragma once
// Conversions shared by the JSON reports: JSON has no NaN, and Eigen vectors become plain arrays.
#include <Eigen/Core>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

namespace codescope::results {

/// The value, or null where it is NaN/Inf (e.g. a confidence interval that was not computed).
inline nlohmann::json numberOrNull(double value) {
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json();
}

inline std::vector<double> toVector(const Eigen::VectorXd& values) {
    return {values.data(), values.data() + values.size()};
}

} // namespace codescope::results
