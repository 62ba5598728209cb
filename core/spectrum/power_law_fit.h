#pragma once
// Methods: "a Huber regression of the explained variance of the PCA components ... on the logarithm of the
// components' indices (from 10 to 50)": the slope is the power-law exponent alpha.
#include <Eigen/Core>
#include <string>

#include "core/spectrum/huber_regression.h"

namespace codescope::spectrum {

struct PowerLawFit {
    double alpha = 0;     ///< slope of ln(lambda_k) against ln(k)
    double intercept = 0; ///< ln(lambda) at k = 1 on the fitted line
    int fitLo = 0;        ///< 1-based first component actually fitted
    int fitHi = 0;        ///< 1-based last component actually fitted (inclusive)
    std::string warning;  ///< non-empty when the requested range had to be shortened
};

/// The points of a power-law fit in log-log coordinates, shared by every estimator of alpha so that they all see the
/// same components.
struct PowerLawFitPoints {
    Eigen::VectorXd logK;      ///< ln k for k = fitLo..fitHi (natural log)
    Eigen::VectorXd logLambda; ///< ln eigenvalues[k-1] for the same k
    int fitLo = 0;             ///< 1-based first component (as requested)
    int fitHi = 0;             ///< 1-based last component (inclusive), shortened to the leading positive eigenvalues
    std::string warning;       ///< non-empty when the requested range had to be shortened
};

/// Eigenvalues at or below this fraction of the largest are rounding noise of a rank-deficient covariance.
constexpr double kNumericalZeroEigenvalue = 1e-13;

/// The leading eigenvalues that are meaningfully positive (above kNumericalZeroEigenvalue times the largest), counted
/// from the first up to the first that is not. eigenvalues: descending (a held-out spectrum: any order), any length.
int meaningfulEigenvalues(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues);

/// The fewest meaningful eigenvalues a power-law fit starting at 1-based component fitLo needs (3 points).
int eigenvaluesNeededForFit(int fitLo);

/// Selects 1-based k in [fitLo, fitHi] from `eigenvalues` (descending, any length). Eigenvalues at or below 1e-13
/// times the largest are rounding noise of a rank-deficient covariance: the range ends before the first of them,
/// and `warning` says so. Throws InputError if fewer than 3 points remain or the range is invalid (fitLo < 1 or
/// fitHi <= fitLo).
PowerLawFitPoints powerLawFitPoints(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues, int fitLo, int fitHi);

/// Fits ln(eigenvalues[k-1]) = intercept + alpha ln(k) for 1-based k in [fitLo, fitHi] with scikit-learn's
/// HuberRegressor loss. eigenvalues: descending, any length. If fewer than fitHi positive eigenvalues exist, the
/// range is shortened to those that do and `warning` says so. Throws InputError if fewer than 3 points remain or
/// the range is invalid (fitLo < 1 or fitHi <= fitLo).
PowerLawFit powerLawExponent(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues, int fitLo, int fitHi,
                             const HuberOptions& huber = {});

} // namespace codescope::spectrum
