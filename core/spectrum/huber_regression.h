#pragma once
// Robust straight-line fit with scikit-learn's HuberRegressor objective: the power-law exponent of a spectrum is
// the slope of ln(eigenvalue) against ln(rank) over k = 10..50, and a Huber fit keeps a few odd eigenvalues (a
// step, a noisy tail) from dragging it. Reproducing sklearn's objective exactly lets results be compared with the
// paper's Python numbers.
#include <Eigen/Core>

namespace codescope::spectrum {

/// Settings of the Huber line fit; the defaults are scikit-learn 1.2's HuberRegressor() defaults.
struct HuberOptions {
    double epsilon = 1.35; // sklearn HuberRegressor default
    double alpha = 1e-4;   // L2 penalty on the slope
    int maxIterations = 200;
};

/// Result of fitHuberLine: the line, the jointly fitted residual scale and the solver's status.
struct HuberFit {
    double slope = 0;     // w
    double intercept = 0; // c
    double scale = 1;     // sigma
    int iterations = 0;
    bool converged = false;
};

/// scikit-learn's HuberRegressor objective for one feature with intercept (`_huber_loss_and_gradient`):
///   L = n*sigma + sum_{|r_i| <= eps*sigma} r_i^2/sigma + sum_{|r_i| > eps*sigma} (2*eps*|r_i| - eps^2*sigma)
///       + alpha*w^2,   r_i = y_i - w*x_i - c.
/// It is jointly convex in (w, c, sigma) for sigma > 0; options.maxIterations is not used.
/// Throws std::invalid_argument if x and y differ in length or sigma <= 0.
double huberObjective(const Eigen::Ref<const Eigen::VectorXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                      double slope, double intercept, double sigma, const HuberOptions& options = {});

/// Fits y ~ slope*x + intercept by minimising scikit-learn HuberRegressor's objective (see .cpp).
/// x, y: same length >= 2.
/// Throws std::invalid_argument on mismatched lengths, fewer than 2 points, or non-finite values.
/// Also throws std::invalid_argument on epsilon < 1 or alpha < 0 (which sklearn rejects too) and maxIterations < 1.
/// scale is bounded below by 10 machine epsilons, as in sklearn; data on a perfect line ends there (or within
/// rounding of it). iterations counts the trial scales, at most maxIterations (each one an inner Newton solve for
/// the line, to convergence). converged: the gradient of huberObjective in (slope, intercept) is zero to a relative
/// 1e-10 (or to the rounding noise of the residuals), and so is d/dsigma, or scale is on its bound with
/// d/dsigma >= 0 there.
HuberFit fitHuberLine(const Eigen::Ref<const Eigen::VectorXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                      const HuberOptions& options = {});

} // namespace codescope::spectrum
