#pragma once
// Methods: "a Huber regression of the explained variance of the PCA components ... on the logarithm of the
// components' indices (from 10 to 50)": the slope is the power-law exponent alpha.
#include <Eigen/Core>
#include <string>

#include "core/spectrum/huber_regression.h"

namespace codescope::spectrum {

struct PowerLawFit {
    double alpha = 0;      ///< slope of ln(lambda_k) against ln(k)
    double intercept = 0;  ///< ln(lambda) at k = 1 on the fitted line
    int fitLo = 0;         ///< 1-based first component actually fitted
    int fitHi = 0;         ///< 1-based last component actually fitted (inclusive)
    std::string warning;   ///< non-empty when the requested range had to be shortened
};

/// Fits ln(eigenvalues[k-1]) = intercept + alpha ln(k) for 1-based k in [fitLo, fitHi] with scikit-learn's
/// HuberRegressor loss. eigenvalues: descending, any length. If fewer than fitHi positive eigenvalues exist, the
/// range is shortened to those that do and `warning` says so. Throws InputError if fewer than 3 points remain or
/// the range is invalid (fitLo < 1 or fitHi <= fitLo).
PowerLawFit powerLawExponent(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues, int fitLo, int fitHi,
                             const HuberOptions& huber = {});

} // namespace codescope::spectrum
