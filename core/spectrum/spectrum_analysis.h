#pragma once
// The paper's Methods for one layer: stride the features below a limit, PCA eigenspectrum of the covariance,
// power-law exponent alpha by Huber regression, and a bootstrap confidence interval for alpha.
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/job_control.h"
#include "core/common/paper_defaults.h"
#include "core/io/matrix_source.h"
#include "core/spectrum/alpha_estimators.h"
#include "core/spectrum/covariance_accumulator.h"
#include "core/spectrum/row_store.h"
#include "core/spectrum/sample_gram.h"
#include "core/spectrum/symmetric_eigensolver.h"

namespace codescope::spectrum {

struct SpectrumOptions {
    std::int64_t maxFeatures = paper::kMaxFeatures;      ///< keep every s-th feature so that the dimension is < this
    std::int64_t maxComponents = paper::kMaxComponents;  ///< at most this many PCA components
    int fitLo = paper::kFitLo;                           ///< first 1-based component of the power-law fit
    int fitHi = paper::kFitHi;                           ///< last 1-based component of the power-law fit (inclusive)
    int bootstrapResamples = paper::kBootstrapResamples; ///< 0 disables the confidence interval
    std::uint64_t seed = 0;                              ///< seeds the bootstrap and the randomized eigensolver
    std::int64_t blockBytes = 64 << 20;                  ///< memory for one block of rows (double) read from the source
    EigenMethod eigenMethod = EigenMethod::Automatic;
    /// Covariance (m x m) or Gram (n x n) eigenproblem; Automatic: the smaller (see sample_gram.h). Both give the
    /// same spectrum, alpha and interval to rounding.
    SpectrumSide side = SpectrumSide::Automatic;
    /// Covariance side: multiply each centred block in float32 (CovarianceAccumulator::Products::Single), twice as
    /// fast, eigenvalues ~1e-8 relative off. Off by default: the double path is exact to rounding.
    bool singlePrecisionProducts = false;
    AlphaEstimator estimator = AlphaEstimator::Huber; ///< Methods: Huber; wls / mle for robustness checks
    /// Consecutive rows the bootstrap resamples together (bootstrapPowerLawInterval's rowsPerUnit): 1 for independent
    /// samples (images); a language model's context length, so that whole sequences are resampled (capture sets it).
    std::int64_t bootstrapRowsPerUnit = 1;
};

struct SpectrumResult {
    std::int64_t samples = 0;
    std::int64_t features = 0;
    std::int64_t stride = 1;
    std::int64_t featuresUsed = 0;
    std::int64_t components = 0;
    Eigen::VectorXd eigenvalues;            ///< explained variance (n-1 denominator), descending, `components` long
    Eigen::VectorXd explainedVarianceRatio; ///< eigenvalues / total variance of the kept features
    double totalVariance = 0;
    double alpha = 0; ///< power-law exponent (slope of ln lambda_k on ln k)
    double intercept = 0;
    double alphaRSquared = 0;                         ///< R^2 of ln lambda_k on the fitted line over the fit range
    AlphaEstimator estimator = AlphaEstimator::Huber; ///< how alpha (and its interval) were fitted
    bool heldOut = false;                             ///< eigenvalues are the held-out ("cvpca") spectrum, not PCA's
    double alphaCiLo = 0;                  ///< 95% bias-corrected bootstrap interval (NaN without bootstrap),
    double alphaCiHi = 0;                  ///< see BootstrapInterval for why not percentiles
    double alphaBootstrapBias = 0;         ///< bootstrap estimate of alpha's finite-sample bias (NaN without)
    double alphaStandardError = 0;         ///< bootstrap standard error of alpha (NaN without)
    std::int64_t bootstrapRowsPerUnit = 1; ///< rows resampled together: 1 samples, > 1 whole token sequences
    int fitLo = 0;                         ///< fitted range actually used (1-based, inclusive)
    int fitHi = 0;
    EigenMethod eigenMethod = EigenMethod::Dense;
    bool gramSide = false;             ///< solved as the n x n Gram problem of the centred rows
    bool float32Products = false;      ///< covariance side: blocks multiplied in float32 (singlePrecisionProducts)
    std::vector<std::string> warnings; ///< e.g. a shortened fit range
    /// Empty when alpha was fitted. Otherwise why this spectrum has no exponent (alpha, its interval and R^2 are NaN),
    /// as "KIND: reason with the numbers behind it", KIND one of kDegenerateKinds: a result to report, not an error.
    std::string status;
    double covarianceSeconds = 0; ///< wall time reading the source and accumulating the covariance (or
                                  ///< keeping the rows and forming the Gram matrix)
    double eigenSeconds = 0;      ///< wall time of the eigensolver (eigenvalues)
    double fitSeconds = 0;        ///< wall time of the power-law fit
    double bootstrapSeconds = 0;  ///< wall time of the bootstrap's eigenvectors, projections and resamples

    /// True when alpha was fitted (status is empty).
    bool fitted() const { return status.empty(); }
};

/// The kinds of spectrum that have no exponent, as SpectrumResult::status begins: "dead" (every kept unit is 0 for
/// every sample), "constant" (every kept unit constant, total variance 0), "collapsed" (fewer meaningful eigenvalues
/// than the fit range needs), "non-finite" (the activations hold NaN or Inf), "unfitted" (the estimator failed).
inline constexpr const char* kDegenerateKinds[] = {"dead", "constant", "collapsed", "non-finite", "unfitted"};

/// The kind of a status ("collapsed" for "collapsed: 4 of 128 ..."); "" for an empty status.
std::string statusKind(const std::string& status);

/// Methods: the smallest stride s with ceil(features / s) < maxFeatures. Throws InputError if maxFeatures < 2.
std::int64_t featureStride(std::int64_t features, std::int64_t maxFeatures);

/// The feature indices the Methods' rule keeps: 0, s, 2s, ... below `features`, s = featureStride(features,
/// maxFeatures) (fewer than maxFeatures of them). The one rule for every per-layer analysis (spectrum, eigenfilters).
/// Throws InputError if maxFeatures < 2.
std::vector<std::int64_t> stridedFeatures(std::int64_t features, std::int64_t maxFeatures);

/// Which features one analysis keeps and how many components it computes.
struct SpectrumPlan {
    std::int64_t samples = 0;
    std::int64_t features = 0;
    std::int64_t stride = 1;
    std::vector<std::int64_t> columns; ///< kept feature indices 0, s, 2s, ...
    std::int64_t components = 0;       ///< min(maxComponents, samples, kept features)
};

/// The covariance accumulator's products for these options.
CovarianceAccumulator::Products covarianceProducts(const SpectrumOptions& options);

/// Plans the analysis of a samples x features matrix. Throws InputError (naming `name`) for fewer than 2 samples,
/// no features, or invalid options.
SpectrumPlan planSpectrum(std::int64_t samples, std::int64_t features, const SpectrumOptions& options,
                          const std::string& name);

/// The spectrum of an accumulated covariance (of the plan's kept features) and its power-law fit. When the options
/// ask for a bootstrap and alpha was fitted, `bootstrapBasis` holds the leading eigenvectors (kept features x dims)
/// that the samples must be projected on (after subtracting `mean`) for addBootstrapInterval(). A spectrum without
/// variance or with too few meaningful eigenvalues for the fit is a result with result.status set (no basis).
/// spectrumOfRows() (the Gram side) fills `scores` instead: the samples' scores come out of the Gram eigenproblem
/// itself, so no second pass over the data is needed.
struct CovarianceSpectrum {
    SpectrumResult result;
    Eigen::MatrixXd bootstrapBasis;
    Eigen::VectorXd mean;
    Eigen::MatrixXf scores; ///< Gram side: samples x dims, ready for addBootstrapInterval()
};
CovarianceSpectrum spectrumOfCovariance(const CovarianceAccumulator& accumulator, const SpectrumPlan& plan,
                                        const SpectrumOptions& options, const std::string& name);

/// spectrumOfCovariance() on the Gram side: the same result (to rounding) from the kept rows of the plan's features
/// (rows.rows() samples), through the n x n Gram matrix of the centred rows. With a bootstrap, `scores` is filled
/// (U sqrt((n-1) lambda), the centred rows times the covariance's eigenvectors up to sign) and no basis.
CovarianceSpectrum spectrumOfRows(const RowStore& rows, const SpectrumPlan& plan, const SpectrumOptions& options,
                                  const std::string& name);

/// The held-out PCA spectrum of one sample split into two halves (cv_pca.h's heldOutPcaSpectrum, from streamed
/// covariances): the leading eigenvectors u_k of the first half's covariance and lambda_k = u_k^T Sigma_test u_k, the
/// second half's variance along them, then alpha as spectrumOfCovariance fits it. It removes PCA's in-sample bias
/// (the leading eigenvalues inflated, the tail deflated by fitting the sample's own fluctuations) but not noise
/// independent per sample (see cv_pca.h: only repeats remove that). No bootstrap interval. Throws InputError.
SpectrumResult heldOutSpectrumOfCovariances(const CovarianceAccumulator& training, const CovarianceAccumulator& test,
                                            const SpectrumPlan& plan, const SpectrumOptions& options,
                                            const std::string& name);

/// heldOutSpectrumOfCovariances() on the Gram side, from the two halves' kept rows: u_k = A^T U_k / sigma_k from the
/// training half's Gram matrix, lambda_k = |B_c u_k|^2 / (n_test - 1). Throws InputError as that function.
SpectrumResult heldOutSpectrumOfRows(const RowStore& training, const RowStore& test, const SpectrumPlan& plan,
                                     const SpectrumOptions& options, const std::string& name);

/// Stringer et al.'s cvPCA spectrum of two repeats (cv_pca.h's crossValidatedPcaSpectrum): `first` and `second` are
/// the same stimuli (rows paired) recorded twice, e.g. through a network with dropout active; the Methods' stride
/// applies to both; lambda_k = u_k^T C_12 u_k removes noise independent between the repeats (the PCA noise floor).
/// Both kept matrices are held in memory. No bootstrap interval. Throws InputError naming the files for different
/// shapes or too little data.
SpectrumResult crossValidatedSpectrum(io::MatrixSource& first, io::MatrixSource& second,
                                      const SpectrumOptions& options);

/// A result with the plan's shape and no spectrum (eigenvalues all 0, alpha NaN), for a layer whose data could not
/// be used: `status` as SpectrumResult::status (e.g. "non-finite: ...").
SpectrumResult unusableSpectrum(const SpectrumPlan& plan, std::int64_t samples, const std::string& status);

/// Sets result.alphaCiLo/alphaCiHi from `scores` (samples x dims: every sample minus the mean, times the
/// bootstrapBasis). Throws Cancelled if cancelled.
void addBootstrapInterval(SpectrumResult& result, const Eigen::Ref<const Eigen::MatrixXf>& scores,
                          const SpectrumOptions& options, const ProgressCallback& progress = {},
                          const CancelToken* cancel = nullptr);

/// Runs the whole analysis on `source` (read once for the spectrum, a second time to project onto the leading
/// eigenvectors when bootstrapping). progress receives fractions in [0, 1]; cancel is polled between blocks.
/// Throws InputError for unusable data or options (too few samples, NaN in the source), and, since one matrix is all
/// the user asked about, for a spectrum without an exponent (the message is its status); Cancelled if cancelled.
SpectrumResult analyzeSpectrum(io::MatrixSource& source, const SpectrumOptions& options,
                               const ProgressCallback& progress = {}, const CancelToken* cancel = nullptr);

} // namespace codescope::spectrum
