#pragma once
// Beyond the paper: how robust is alpha? Three estimators of the power-law exponent of an eigenspectrum, all on the
// same components (powerLawFitPoints) and all reporting the same goodness of fit, and a table of alpha over a grid
// of fit ranges.
//   Huber  the paper's Methods: scikit-learn's HuberRegressor of ln lambda_k on ln k (powerLawExponent()).
//   Wls    Stringer et al. 2019 (Nature 571:361): least squares of ln lambda_k on ln k with weights 1/k, which
//          evens out the crowding of high ranks on a log axis (their get_powerlaw()).
//   Mle    Clauset, Shalizi & Newman 2009 (SIAM Rev. 51:661): the discrete power-law maximum-likelihood fit with a
//          lower cut-off chosen by the Kolmogorov-Smirnov distance, applied to the rank of a unit of variance
//          (see fitAlpha() for exactly what is fitted).
#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/spectrum/huber_regression.h"

namespace codescope::spectrum {

enum class AlphaEstimator { Huber, Wls, Mle };

/// "huber", "wls" or "mle".
std::string alphaEstimatorName(AlphaEstimator estimator);

/// Inverse of alphaEstimatorName() (lower case, exact). Throws InputError naming the accepted names otherwise.
AlphaEstimator parseAlphaEstimator(const std::string& name);

/// Huber, Wls, Mle: every estimator, in the order tables list them.
std::vector<AlphaEstimator> allAlphaEstimators();

struct AlphaFitOptions {
    HuberOptions huber;               ///< Huber only: scikit-learn's defaults
    bool mleChooseCutoff = true;      ///< Mle only: false fixes the cut-off at fitLo (no KS search)
    double mleMinRangeFraction = 0.5; ///< Mle only: the KS search keeps at least this fraction of the range's points
};

struct AlphaFit {
    AlphaEstimator estimator = AlphaEstimator::Huber;
    double alpha = 0;      ///< exponent: slope of ln lambda_k against ln k (negative for a decaying spectrum)
    double intercept = 0;  ///< ln lambda at k = 1 of the fitted power law (natural log, units of ln eigenvalue)
    double rSquared = 0;   ///< 1 - SS_res/SS_tot of ln lambda_k about the fitted line, unweighted, k = fitLo..fitHi
    int fitLo = 0;         ///< 1-based first component fitted (Mle: the KS-chosen cut-off, >= the requested fitLo)
    int fitHi = 0;         ///< 1-based last component fitted (inclusive)
    double ksDistance = 0; ///< Mle only: KS distance of the fitted law on [fitLo, fitHi] (NaN for Huber and Wls)
    std::string warning;   ///< non-empty when the requested range had to be shortened (see powerLawFitPoints())
};

/// The exponent alpha of eigenvalues[k-1] ~ e^intercept k^alpha over 1-based k in [fitLo, fitHi].
/// eigenvalues: descending (a PCA or cvPCA spectrum), any length. Every estimator fits the points of
/// powerLawFitPoints(): the range is shortened to the leading positive eigenvalues, with a warning, as in the paper's
/// fit. rSquared is the same statistic for all three: the unweighted coefficient of determination of ln lambda_k on
/// the fitted line over the fitted range (scikit-learn's r2_score: 1 for a perfect fit, 0 when ln lambda is constant
/// but the line is not exact, negative when the line is worse than the mean).
///  Huber: the paper's fit, identical to powerLawExponent(eigenvalues, fitLo, fitHi, options.huber).
///  Wls:   minimises sum_k (1/k) (ln lambda_k - intercept - alpha ln k)^2 (closed form).
///  Mle:   the normalised spectrum p_k = lambda_k / sum_j lambda_j is the distribution of the rank k of a unit of
///         variance; a power-law spectrum makes it a discrete power law (Zipf), p_k = k^alpha / Z(alpha) on
///         [kmin, fitHi] with Z(alpha) = sum_{j=kmin}^{fitHi} j^alpha (truncated at fitHi: a spectrum is finite and
///         the paper's range stops there). alpha maximises the variance-weighted log-likelihood
///         sum_k lambda_k ln p_k, i.e. solves E_alpha[ln k] = sum_k lambda_k ln k / sum_k lambda_k (unique: the
///         likelihood is concave); it recovers alpha exactly on an exact k^alpha spectrum. kmin is Clauset et al.'s
///         lower cut-off: the candidate in [fitLo, fitHi - keep + 1] (keep = max(3, ceil(mleMinRangeFraction x
///         points))) whose fit has the smallest KS distance max_k |F_data(k) - F_fit(k)| between the cumulative
///         variance fractions; ties (within 1e-12) go to the lower kmin. intercept = ln(sum_k lambda_k / Z(alpha)), the
///         scale that gives the range's total variance. Clauset's value-based formulation (eigenvalues as a sample with
///         density x^-gamma, alpha = -1/(gamma - 1)) would weigh the first components by rank order only and is
///         biased by a relative ln(2 pi K)/(2K) (6% at K = 50) on an exact K-point spectrum; this one is not.
/// Throws InputError for a non-finite eigenvalue (anywhere in the vector), an invalid range, fewer than 3 fitted
/// points, or (Mle) mleMinRangeFraction outside (0, 1].
AlphaFit fitAlpha(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues, int fitLo, int fitHi, AlphaEstimator estimator,
                  const AlphaFitOptions& options = {});

/// One cell of alphaRangeSensitivity(): the requested range and either its fit or why there is none.
struct AlphaRangeCell {
    int lo = 0;          ///< requested 1-based first component
    int hi = 0;          ///< requested 1-based last component (inclusive)
    bool fitted = false; ///< false when the range is empty or reaches past the positive eigenvalues
    AlphaFit fit;        ///< valid when fitted
    std::string reason;  ///< why the cell was not fitted
};

struct AlphaRangeTable {
    AlphaEstimator estimator = AlphaEstimator::Huber;
    std::vector<int> los;              ///< row labels
    std::vector<int> his;              ///< column labels
    std::vector<AlphaRangeCell> cells; ///< los.size() x his.size(), row-major: cells[i * his.size() + j]
};

/// Fit-range sensitivity: alpha by `estimator` for every range [lo, hi] with lo in `los` and hi in `his`
/// (1-based, inclusive). A cell is fitted only if lo < hi and all of 1..hi are positive eigenvalues (so no cell is
/// silently a shortened copy of another); the others carry a reason. Throws InputError for empty grids, a
/// non-finite eigenvalue or a non-positive grid value.
AlphaRangeTable alphaRangeSensitivity(const Eigen::Ref<const Eigen::VectorXd>& eigenvalues,
                                      const std::vector<int>& los = {5, 10, 20},
                                      const std::vector<int>& his = {30, 50, 100},
                                      AlphaEstimator estimator = AlphaEstimator::Huber,
                                      const AlphaFitOptions& options = {});

} // namespace codescope::spectrum
