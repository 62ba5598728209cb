#include "core/spectrum/spectrum_analysis.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "core/common/huge_pages.h"
#include "core/common/input_error.h"
#include "core/common/wall_clock.h"
#include "core/spectrum/bootstrap.h"
#include "core/spectrum/covariance_accumulator.h"
#include "core/spectrum/cv_pca.h"
#include "core/spectrum/power_law_fit.h"

namespace codescope::spectrum {

namespace {

// Share of the progress bar taken by each stage; the read dominates without a bootstrap.
constexpr double kReadShare = 0.6;
constexpr double kEigenShare = 0.2;
// The bootstrap works in the span of at least this many leading eigenvectors per fitted component: room enough that
// a resample's leading eigenvectors, which wobble around the full-sample ones, mostly stay inside it.
constexpr int kBootstrapDimsPerFitted = 3;
// ... and of more where a resample stays cheap (samples x dims^2 flops per resample): with few samples the span of
// all samples - 1 directions makes the resamples exact, where a 3 x HI span would steepen their tails (by 0.04 in
// alpha at n = 500, m = 1000 in simulation) and that error would pass for bias.
constexpr double kBootstrapFlopsPerResample = 5e7;
// Largest score matrix (samples x dims floats) the bootstrap may keep in memory.
constexpr std::int64_t kMaxScoreBytes = std::int64_t(2) << 30;

void report(const ProgressCallback& progress, double fraction) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0));
}

// Calls visit(firstRow, block) for consecutive blocks of rows of the kept columns.
template <typename Visit>
void forEachBlock(io::MatrixSource& source, const std::vector<std::int64_t>& columns, std::int64_t blockRows,
                  const CancelToken* cancel, Visit visit) {
    Eigen::MatrixXd block;
    for (std::int64_t first = 0; first < source.rows(); first += blockRows) {
        if (cancel) cancel->throwIfCancelled();
        const std::int64_t rows = std::min(blockRows, source.rows() - first);
        resizeOnHugePages(block, rows, static_cast<Eigen::Index>(columns.size()));
        source.readRows(first, columns, block);
        visit(first, block);
    }
}

void validate(std::int64_t samples, std::int64_t features, const SpectrumOptions& options, const std::string& name) {
    if (samples < 2)
        throw InputError(name + ": needs at least 2 samples (rows) for a covariance, found " + std::to_string(samples));
    if (features < 1) throw InputError(name + ": has no features (columns)");
    if (options.maxComponents < 1) throw InputError("max components must be at least 1");
    if (options.bootstrapResamples < 0) throw InputError("bootstrap resamples must be 0 or more");
    if (options.fitLo < 1 || options.fitHi <= options.fitLo)
        throw InputError("invalid fit range " + std::to_string(options.fitLo) + ":" + std::to_string(options.fitHi) +
                         " (need 1 <= lo < hi)");
}

// The plan's shape and the data's size and total variance into `result`; without variance there is no spectrum,
// and the status says whether the units were silent (all 0) or merely constant.
void describe(SpectrumResult& result, const SpectrumPlan& plan, std::int64_t samples, std::int64_t components,
              double totalVariance, bool allZero) {
    result.samples = samples;
    result.features = plan.features;
    result.stride = plan.stride;
    result.featuresUsed = static_cast<std::int64_t>(plan.columns.size());
    result.components = components;
    result.totalVariance = totalVariance;
    if (totalVariance > 0) return;
    const std::string units = "every one of the " + std::to_string(result.featuresUsed) + " kept units";
    result.status = allZero ? "dead: " + units + " is 0 for all " + std::to_string(samples) +
                                  " samples (total variance 0); no spectrum to fit"
                            : "constant: " + units + " is constant over the " + std::to_string(samples) +
                                  " samples (total variance 0); no spectrum to fit";
}

// Without a spectrum the eigenvalues are 0 (the covariance's), the exponent and its interval NaN.
void clearFit(SpectrumResult& result) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    result.eigenvalues = Eigen::VectorXd::Zero(result.components);
    result.explainedVarianceRatio = Eigen::VectorXd::Zero(result.components);
    result.alpha = result.intercept = result.alphaRSquared = nan;
    result.alphaCiLo = result.alphaCiHi = result.alphaBootstrapBias = result.alphaStandardError = nan;
}

EigenOptions eigenOptionsOf(const SpectrumOptions& options) {
    EigenOptions eigenOptions;
    eigenOptions.method = options.eigenMethod;
    eigenOptions.seed = options.seed;
    return eigenOptions;
}

// Fits alpha to result.eigenvalues with the options' estimator and range; the interval starts out empty. A spectrum
// with too few meaningful eigenvalues for the range, or one the estimator cannot fit, gets a status instead.
bool fitExponent(SpectrumResult& result, const SpectrumOptions& options, AlphaFit& fit) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    result.estimator = options.estimator;
    result.fitLo = options.fitLo;
    result.fitHi = options.fitHi;
    result.alpha = result.intercept = result.alphaRSquared = nan;
    result.alphaCiLo = result.alphaCiHi = nan;
    result.alphaBootstrapBias = result.alphaStandardError = nan;
    const int usable = meaningfulEigenvalues(result.eigenvalues);
    const int needed = eigenvaluesNeededForFit(options.fitLo);
    if (usable < needed) {
        char text[240];
        std::snprintf(text, sizeof text,
                      "collapsed: too few components for the power-law fit: %d of %lld components are above %.0e of "
                      "the largest eigenvalue, the fit range %d:%d needs at least %d",
                      usable, static_cast<long long>(result.eigenvalues.size()), kNumericalZeroEigenvalue,
                      options.fitLo, options.fitHi, needed);
        result.status = text;
        return false;
    }
    try {
        fit = fitAlpha(result.eigenvalues, options.fitLo, options.fitHi, options.estimator);
    } catch (const InputError& error) {
        result.status = std::string("unfitted: ") + error.what();
        return false;
    }
    result.alpha = fit.alpha;
    result.intercept = fit.intercept;
    result.alphaRSquared = fit.rSquared;
    // The requested lower end: the MLE moves its own cut-off (its KS-chosen k_min) inside the range, and every other
    // fit of this layer (bootstrap, robustness table) must start from the same requested range.
    result.fitHi = fit.fitHi;
    if (!fit.warning.empty()) result.warnings.push_back(fit.warning);
    return true;
}

// Eigenvalues of `symmetric` (the covariance, or the Gram matrix scaled by 1/(n-1): the same nonzero spectrum)
// into `result` and alpha fitted. Returns how many eigenvectors the bootstrap needs (0 without a bootstrap or a fit).
Eigen::Index solveAndFit(const Eigen::MatrixXd& symmetric, SpectrumResult& result, const SpectrumOptions& options,
                         const std::string& name) {
    auto start = std::chrono::steady_clock::now();
    const EigenPairs pairs = leadingEigenpairs(symmetric, result.components, false, eigenOptionsOf(options));
    result.eigenMethod = pairs.method;
    // Rounding can leave the null space of a rank-deficient covariance slightly negative; variances are >= 0.
    result.eigenvalues = pairs.values.cwiseMax(0.0);
    result.explainedVarianceRatio = result.eigenvalues / result.totalVariance;
    result.eigenSeconds = secondsSince(start);

    start = std::chrono::steady_clock::now();
    AlphaFit fit;
    const bool fitted = fitExponent(result, options, fit);
    result.fitSeconds = secondsSince(start);
    if (!fitted || options.bootstrapResamples <= 0) return 0;
    const auto affordable = static_cast<Eigen::Index>(std::sqrt(kBootstrapFlopsPerResample / result.samples));
    const Eigen::Index dims =
        std::min<Eigen::Index>({result.components, result.samples - 1,
                                std::max<Eigen::Index>(kBootstrapDimsPerFitted * fit.fitHi, affordable)});
    if (result.samples * dims * static_cast<std::int64_t>(sizeof(float)) > kMaxScoreBytes)
        throw InputError(name + ": the bootstrap would keep " + std::to_string(result.samples) + " x " +
                         std::to_string(dims) + " projected values (over 2 GiB); run with --bootstrap 0");
    return dims;
}

void requireHalves(std::int64_t training, std::int64_t test, const std::string& name) {
    if (training < 2 || test < 2)
        throw InputError(name + ": the held-out spectrum needs at least 2 samples in each half, got " +
                         std::to_string(training) + " and " + std::to_string(test));
}

// The held-out eigenvalues are in result.eigenvalues: their ratios, the timing since `start`, and alpha.
void finishHeldOut(SpectrumResult& result, const SpectrumOptions& options,
                   std::chrono::steady_clock::time_point start) {
    result.explainedVarianceRatio = result.eigenvalues / result.totalVariance;
    result.eigenSeconds = secondsSince(start);
    result.heldOut = true;
    AlphaFit fit;
    fitExponent(result, options, fit);
}

// The single-matrix commands answer about one matrix only: a spectrum without exponent is their error.
void requireFitted(const SpectrumResult& result, const std::string& name) {
    if (!result.fitted()) throw InputError(name + ": " + result.status);
}

} // namespace

std::string statusKind(const std::string& status) {
    return status.substr(0, status.find(':'));
}

std::int64_t featureStride(std::int64_t features, std::int64_t maxFeatures) {
    if (maxFeatures < 2) throw InputError("max features must be at least 2, got " + std::to_string(maxFeatures));
    if (features < 1) return 1;
    // ceil(m / s) < L  <=>  m / s <= L - 1  <=>  s >= m / (L - 1).
    return std::max<std::int64_t>(1, (features + maxFeatures - 2) / (maxFeatures - 1));
}

std::vector<std::int64_t> stridedFeatures(std::int64_t features, std::int64_t maxFeatures) {
    const std::int64_t stride = featureStride(features, maxFeatures);
    std::vector<std::int64_t> columns;
    for (std::int64_t c = 0; c < features; c += stride)
        columns.push_back(c);
    return columns;
}

CovarianceAccumulator::Products covarianceProducts(const SpectrumOptions& options) {
    return options.singlePrecisionProducts ? CovarianceAccumulator::Products::Single
                                           : CovarianceAccumulator::Products::Double;
}

SpectrumPlan planSpectrum(std::int64_t samples, std::int64_t features, const SpectrumOptions& options,
                          const std::string& name) {
    validate(samples, features, options, name);
    SpectrumPlan plan;
    plan.samples = samples;
    plan.features = features;
    plan.stride = featureStride(features, options.maxFeatures);
    plan.columns = stridedFeatures(features, options.maxFeatures);
    plan.components = std::min({options.maxComponents, samples, static_cast<std::int64_t>(plan.columns.size())});
    return plan;
}

CovarianceSpectrum spectrumOfCovariance(const CovarianceAccumulator& accumulator, const SpectrumPlan& plan,
                                        const SpectrumOptions& options, const std::string& name) {
    CovarianceSpectrum out;
    SpectrumResult& result = out.result;
    auto start = std::chrono::steady_clock::now();
    const Eigen::MatrixXd covariance = accumulator.covariance();
    result.covarianceSeconds = secondsSince(start);
    result.float32Products = accumulator.products() == CovarianceAccumulator::Products::Single;
    describe(result, plan, accumulator.samples(), std::min(plan.components, accumulator.samples()), covariance.trace(),
             accumulator.mean().isZero(0.0));
    if (!result.fitted()) {
        clearFit(result);
        return out;
    }
    const Eigen::Index dims = solveAndFit(covariance, result, options, name);
    if (dims == 0) return out;
    start = std::chrono::steady_clock::now();
    out.bootstrapBasis = leadingEigenpairs(covariance, dims, true, eigenOptionsOf(options)).vectors;
    out.mean = accumulator.mean();
    result.bootstrapSeconds += secondsSince(start);
    return out;
}

CovarianceSpectrum spectrumOfRows(const RowStore& rows, const SpectrumPlan& plan, const SpectrumOptions& options,
                                  const std::string& name) {
    if (rows.rows() < 2)
        throw InputError(name + ": needs at least 2 samples (rows) for a covariance, found " +
                         std::to_string(rows.rows()));
    CovarianceSpectrum out;
    SpectrumResult& result = out.result;
    result.gramSide = true;
    auto start = std::chrono::steady_clock::now();
    const Eigen::VectorXd mean = rows.mean();
    const Eigen::MatrixXd gram = scaledCentredGram(rows, mean, options.blockBytes);
    result.covarianceSeconds = secondsSince(start);
    describe(result, plan, rows.rows(), std::min(plan.components, rows.rows()), gram.trace(), mean.isZero(0.0));
    if (!result.fitted()) {
        clearFit(result);
        return out;
    }
    const Eigen::Index dims = solveAndFit(gram, result, options, name);
    if (dims == 0) return out;
    // Scores = Ac v_k = u_k sqrt((n-1) lambda_k): the bootstrap's input without touching the rows again.
    start = std::chrono::steady_clock::now();
    const EigenPairs pairs = leadingEigenpairs(gram, dims, true, eigenOptionsOf(options));
    const Eigen::VectorXd scale = (pairs.values.cwiseMax(0.0) * static_cast<double>(rows.rows() - 1)).cwiseSqrt();
    out.scores = (pairs.vectors * scale.asDiagonal()).cast<float>();
    result.bootstrapSeconds += secondsSince(start);
    return out;
}

SpectrumResult heldOutSpectrumOfCovariances(const CovarianceAccumulator& training, const CovarianceAccumulator& test,
                                            const SpectrumPlan& plan, const SpectrumOptions& options,
                                            const std::string& name) {
    requireHalves(training.samples(), test.samples(), name);
    SpectrumResult result;
    result.float32Products = training.products() == CovarianceAccumulator::Products::Single;
    const Eigen::MatrixXd testCovariance = test.covariance();
    describe(result, plan, training.samples() + test.samples(), std::min(plan.components, training.samples() - 1),
             testCovariance.trace(), training.mean().isZero(0.0) && test.mean().isZero(0.0));
    if (!result.fitted()) {
        clearFit(result);
        return result;
    }
    const auto start = std::chrono::steady_clock::now();
    const EigenPairs pairs = leadingEigenpairs(training.covariance(), result.components, true, eigenOptionsOf(options));
    result.eigenMethod = pairs.method;
    // u_k^T Sigma_test u_k in the training half's order: held-out variances need be neither sorted nor positive
    // (the fit ends its range before the first one that is not).
    result.eigenvalues = (pairs.vectors.transpose() * testCovariance * pairs.vectors).diagonal();
    finishHeldOut(result, options, start);
    return result;
}

SpectrumResult heldOutSpectrumOfRows(const RowStore& training, const RowStore& test, const SpectrumPlan& plan,
                                     const SpectrumOptions& options, const std::string& name) {
    requireHalves(training.rows(), test.rows(), name);
    SpectrumResult result;
    result.gramSide = true;
    const Eigen::VectorXd trainingMean = training.mean();
    const Eigen::VectorXd testMean = test.mean();
    const double testDof = static_cast<double>(test.rows() - 1);
    describe(result, plan, training.rows() + test.rows(), std::min(plan.components, training.rows() - 1),
             centredSquaredNorm(test, testMean, options.blockBytes) / testDof,
             trainingMean.isZero(0.0) && testMean.isZero(0.0));
    if (!result.fitted()) {
        clearFit(result);
        return result;
    }
    const auto start = std::chrono::steady_clock::now();
    const Eigen::MatrixXd gram = scaledCentredGram(training, trainingMean, options.blockBytes);
    const EigenPairs pairs = leadingEigenpairs(gram, result.components, true, eigenOptionsOf(options));
    result.eigenMethod = pairs.method;
    const Eigen::MatrixXd directions = principalDirections(training, trainingMean, pairs.vectors, options.blockBytes);
    result.eigenvalues =
        projectRows(test, testMean, directions, options.blockBytes).colwise().squaredNorm().transpose() / testDof;
    finishHeldOut(result, options, start);
    return result;
}

SpectrumResult crossValidatedSpectrum(io::MatrixSource& first, io::MatrixSource& second,
                                      const SpectrumOptions& options) {
    if (first.rows() != second.rows() || first.cols() != second.cols())
        throw InputError(second.name() + ": a repeat must have the shape of " + first.name() + " (" +
                         std::to_string(first.rows()) + " x " + std::to_string(first.cols()) + "), it has " +
                         std::to_string(second.rows()) + " x " + std::to_string(second.cols()));
    const SpectrumPlan plan = planSpectrum(first.rows(), first.cols(), options, first.name());
    const double bytes = 16.0 * static_cast<double>(plan.samples) * static_cast<double>(plan.columns.size());
    if (bytes > static_cast<double>(kMaxScoreBytes) * 2)
        throw InputError(first.name() + ": cvPCA holds both repeats in memory (" +
                         std::to_string(static_cast<long long>(bytes / 1048576)) +
                         " MiB); use fewer samples or a smaller --max-features");
    Eigen::MatrixXd a(plan.samples, static_cast<Eigen::Index>(plan.columns.size()));
    Eigen::MatrixXd b(plan.samples, a.cols());
    first.readRows(0, plan.columns, a);
    second.readRows(0, plan.columns, b);
    const Eigen::Index components = std::min<Eigen::Index>(plan.components, plan.samples - 1);
    CvPcaSpectrum cv;
    try {
        cv = crossValidatedPcaSpectrum(a, b, components, options.side);
    } catch (const InputError& error) {
        throw InputError(first.name() + ": " + error.what());
    }
    SpectrumResult result;
    // Against the first repeat's total variance: the share of it that the second repeat reproduces.
    const Eigen::MatrixXd centred = a.rowwise() - a.colwise().mean();
    describe(result, plan, plan.samples, components, centred.squaredNorm() / static_cast<double>(plan.samples - 1),
             a.isZero(0.0));
    requireFitted(result, first.name());
    result.eigenvalues = cv.eigenvalues;
    result.explainedVarianceRatio = result.eigenvalues / result.totalVariance;
    result.heldOut = true;
    AlphaFit fit;
    fitExponent(result, options, fit);
    requireFitted(result, first.name());
    return result;
}

SpectrumResult unusableSpectrum(const SpectrumPlan& plan, std::int64_t samples, const std::string& status) {
    SpectrumResult result;
    describe(result, plan, samples, std::min(plan.components, samples), 0.0, false);
    result.status = status;
    result.totalVariance = std::numeric_limits<double>::quiet_NaN();
    clearFit(result);
    return result;
}

void addBootstrapInterval(SpectrumResult& result, const Eigen::Ref<const Eigen::MatrixXf>& scores,
                          const SpectrumOptions& options, const ProgressCallback& progress, const CancelToken* cancel) {
    const auto start = std::chrono::steady_clock::now();
    const BootstrapInterval interval =
        bootstrapPowerLawInterval(scores, result.alpha, options.bootstrapResamples, options.seed, options.fitLo,
                                  result.fitHi, options.estimator, options.bootstrapRowsPerUnit, progress, cancel);
    result.bootstrapRowsPerUnit = std::max<std::int64_t>(1, options.bootstrapRowsPerUnit);
    result.alphaCiLo = interval.lo;
    result.alphaCiHi = interval.hi;
    result.alphaBootstrapBias = interval.bias;
    result.alphaStandardError = interval.standardError;
    result.bootstrapSeconds += secondsSince(start);
    if (std::abs(interval.bias) > interval.standardError) {
        char text[200];
        std::snprintf(text, sizeof text,
                      "alpha's finite-sample bias (bootstrap estimate %+.3f) exceeds its standard error (%.3f) at %lld "
                      "samples; the 95%% interval is bias-corrected; more samples reduce the bias",
                      interval.bias, interval.standardError, static_cast<long long>(result.samples));
        result.warnings.push_back(text);
    }
}

SpectrumResult analyzeSpectrum(io::MatrixSource& source, const SpectrumOptions& options,
                               const ProgressCallback& progress, const CancelToken* cancel) {
    const SpectrumPlan plan = planSpectrum(source.rows(), source.cols(), options, source.name());
    // Blocks are sized by the full row width: a C-order .npy reader reads whole rows.
    const std::int64_t rowBytes = 8 * std::max<std::int64_t>(plan.features, plan.columns.size());
    const std::int64_t blockRows = std::clamp<std::int64_t>(options.blockBytes / rowBytes, 1, plan.samples);
    const bool bootstrap = options.bootstrapResamples > 0;
    const auto kept = static_cast<Eigen::Index>(plan.columns.size());
    const bool gram = useGramSide(plan.samples, kept, options.side);
    // The Gram side has the samples' scores at hand: no second pass, so the read takes the whole share.
    const double readShare = bootstrap && !gram ? kReadShare / 2 : kReadShare;

    auto start = std::chrono::steady_clock::now();
    CovarianceSpectrum spectrum;
    if (gram) {
        // Double precision: the source may be float64. Beyond kMaxScoreBytes the rows go to a temporary file.
        RowStore rows(plan.samples, kept, RowStore::Precision::Double, kMaxScoreBytes);
        forEachBlock(source, plan.columns, blockRows, cancel, [&](std::int64_t first, const Eigen::MatrixXd& block) {
            rows.add(block);
            report(progress, readShare * static_cast<double>(first + block.rows()) / plan.samples);
        });
        const double readSeconds = secondsSince(start);
        if (cancel) cancel->throwIfCancelled();
        spectrum = spectrumOfRows(rows, plan, options, source.name());
        spectrum.result.covarianceSeconds += readSeconds;
    } else {
        CovarianceAccumulator accumulator(kept, covarianceProducts(options));
        forEachBlock(source, plan.columns, blockRows, cancel, [&](std::int64_t first, const Eigen::MatrixXd& block) {
            accumulator.add(block);
            report(progress, readShare * static_cast<double>(first + block.rows()) / plan.samples);
        });
        const double readSeconds = secondsSince(start);
        if (cancel) cancel->throwIfCancelled();
        spectrum = spectrumOfCovariance(accumulator, plan, options, source.name());
        spectrum.result.covarianceSeconds += readSeconds;
    }
    SpectrumResult& result = spectrum.result;
    requireFitted(result, source.name());
    const double projectStart = readShare + kEigenShare;
    report(progress, projectStart);
    if (!bootstrap) {
        report(progress, 1.0);
        return result;
    }
    if (gram) {
        addBootstrapInterval(
            result, spectrum.scores, options,
            [&](double fraction) { report(progress, projectStart + (1.0 - projectStart) * fraction); }, cancel);
        report(progress, 1.0);
        return result;
    }

    start = std::chrono::steady_clock::now();
    Eigen::MatrixXf scores(plan.samples, spectrum.bootstrapBasis.cols());
    forEachBlock(source, plan.columns, blockRows, cancel, [&](std::int64_t first, const Eigen::MatrixXd& block) {
        scores.middleRows(first, block.rows()) =
            ((block.rowwise() - spectrum.mean.transpose()) * spectrum.bootstrapBasis).cast<float>();
        report(progress, projectStart + readShare * static_cast<double>(first + block.rows()) / plan.samples);
    });
    result.bootstrapSeconds += secondsSince(start);
    const double bootstrapStart = projectStart + readShare;
    addBootstrapInterval(
        result, scores, options,
        [&](double fraction) { report(progress, bootstrapStart + (1.0 - bootstrapStart) * fraction); }, cancel);
    report(progress, 1.0);
    return result;
}

} // namespace codescope::spectrum
