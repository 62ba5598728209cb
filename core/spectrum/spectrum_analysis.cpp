#include "core/spectrum/spectrum_analysis.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "core/common/input_error.h"
#include "core/spectrum/bootstrap.h"
#include "core/spectrum/covariance_accumulator.h"
#include "core/spectrum/power_law_fit.h"

namespace codescope::spectrum {

namespace {

// Share of the progress bar taken by each stage; the read dominates without a bootstrap.
constexpr double kReadShare = 0.6;
constexpr double kEigenShare = 0.2;
// The bootstrap works in the span of this many leading eigenvectors per fitted component: room enough that a
// resample's leading eigenvectors, which wobble around the full-sample ones, stay inside it.
constexpr int kBootstrapDimsPerFitted = 3;
// Largest score matrix (samples x dims floats) the bootstrap may keep in memory.
constexpr std::int64_t kMaxScoreBytes = std::int64_t(2) << 30;

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void report(const ProgressCallback& progress, double fraction) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0));
}

std::vector<std::int64_t> stridedColumns(std::int64_t features, std::int64_t stride) {
    std::vector<std::int64_t> columns;
    for (std::int64_t c = 0; c < features; c += stride) columns.push_back(c);
    return columns;
}

// Calls visit(firstRow, block) for consecutive blocks of rows of the kept columns.
template <typename Visit>
void forEachBlock(io::MatrixSource& source, const std::vector<std::int64_t>& columns, std::int64_t blockRows,
                  const CancelToken* cancel, Visit visit) {
    Eigen::MatrixXd block;
    for (std::int64_t first = 0; first < source.rows(); first += blockRows) {
        if (cancel) cancel->throwIfCancelled();
        const std::int64_t rows = std::min(blockRows, source.rows() - first);
        block.resize(rows, static_cast<Eigen::Index>(columns.size()));
        source.readRows(first, columns, block);
        visit(first, block);
    }
}

void validate(const io::MatrixSource& source, const SpectrumOptions& options) {
    if (source.rows() < 2)
        throw InputError(source.name() + ": needs at least 2 samples (rows) for a covariance, found " +
                         std::to_string(source.rows()));
    if (source.cols() < 1) throw InputError(source.name() + ": has no features (columns)");
    if (options.maxComponents < 1) throw InputError("max components must be at least 1");
    if (options.bootstrapResamples < 0) throw InputError("bootstrap resamples must be 0 or more");
    if (options.fitLo < 1 || options.fitHi <= options.fitLo)
        throw InputError("invalid fit range " + std::to_string(options.fitLo) + ":" + std::to_string(options.fitHi) +
                         " (need 1 <= lo < hi)");
}

} // namespace

std::int64_t featureStride(std::int64_t features, std::int64_t maxFeatures) {
    if (maxFeatures < 2) throw InputError("max features must be at least 2, got " + std::to_string(maxFeatures));
    if (features < 1) return 1;
    // ceil(m / s) < L  <=>  m / s <= L - 1  <=>  s >= m / (L - 1).
    return std::max<std::int64_t>(1, (features + maxFeatures - 2) / (maxFeatures - 1));
}

SpectrumResult analyzeSpectrum(io::MatrixSource& source, const SpectrumOptions& options,
                               const ProgressCallback& progress, const CancelToken* cancel) {
    validate(source, options);
    SpectrumResult result;
    result.samples = source.rows();
    result.features = source.cols();
    result.stride = featureStride(result.features, options.maxFeatures);
    const std::vector<std::int64_t> columns = stridedColumns(result.features, result.stride);
    result.featuresUsed = static_cast<std::int64_t>(columns.size());
    result.components = std::min({options.maxComponents, result.samples, result.featuresUsed});

    // Blocks are sized by the full row width: a C-order .npy reader reads whole rows.
    const std::int64_t rowBytes = 8 * std::max(result.features, result.featuresUsed);
    const std::int64_t blockRows = std::clamp<std::int64_t>(options.blockBytes / rowBytes, 1, result.samples);
    const bool bootstrap = options.bootstrapResamples > 0;
    const double readShare = bootstrap ? kReadShare / 2 : kReadShare;

    auto stageStart = std::chrono::steady_clock::now();
    CovarianceAccumulator accumulator(result.featuresUsed);
    forEachBlock(source, columns, blockRows, cancel, [&](std::int64_t first, const Eigen::MatrixXd& block) {
        accumulator.add(block);
        report(progress, readShare * static_cast<double>(first + block.rows()) / result.samples);
    });
    const Eigen::MatrixXd covariance = accumulator.covariance();
    result.totalVariance = covariance.trace();
    if (!(result.totalVariance > 0))
        throw InputError(source.name() + ": every kept feature is constant (total variance 0); no spectrum to fit");

    result.covarianceSeconds = secondsSince(stageStart);
    if (cancel) cancel->throwIfCancelled();
    stageStart = std::chrono::steady_clock::now();
    EigenOptions eigenOptions;
    eigenOptions.method = options.eigenMethod;
    eigenOptions.seed = options.seed;
    EigenPairs pairs = leadingEigenpairs(covariance, result.components, false, eigenOptions);
    result.eigenMethod = pairs.method;
    // Rounding can leave the null space of a rank-deficient covariance slightly negative; variances are >= 0.
    result.eigenvalues = pairs.values.cwiseMax(0.0);
    result.explainedVarianceRatio = result.eigenvalues / result.totalVariance;
    result.eigenSeconds = secondsSince(stageStart);
    report(progress, readShare + kEigenShare);

    const PowerLawFit fit = powerLawExponent(result.eigenvalues, options.fitLo, options.fitHi);
    result.alpha = fit.alpha;
    result.intercept = fit.intercept;
    result.fitLo = fit.fitLo;
    result.fitHi = fit.fitHi;
    if (!fit.warning.empty()) result.warnings.push_back(fit.warning);

    result.alphaCiLo = std::numeric_limits<double>::quiet_NaN();
    result.alphaCiHi = std::numeric_limits<double>::quiet_NaN();
    if (!bootstrap) {
        report(progress, 1.0);
        return result;
    }

    stageStart = std::chrono::steady_clock::now();
    const Eigen::Index dims = std::min<Eigen::Index>(result.components, kBootstrapDimsPerFitted * fit.fitHi);
    if (result.samples * dims * static_cast<std::int64_t>(sizeof(float)) > kMaxScoreBytes)
        throw InputError(source.name() + ": the bootstrap would keep " + std::to_string(result.samples) + " x " +
                         std::to_string(dims) + " projected values (over 2 GiB); run with --bootstrap 0");
    const EigenPairs leading = leadingEigenpairs(covariance, dims, true, eigenOptions);
    const Eigen::VectorXd mean = accumulator.mean();
    Eigen::MatrixXf scores(result.samples, dims);
    const double projectStart = readShare + kEigenShare;
    forEachBlock(source, columns, blockRows, cancel, [&](std::int64_t first, const Eigen::MatrixXd& block) {
        scores.middleRows(first, block.rows()) =
            ((block.rowwise() - mean.transpose()) * leading.vectors).cast<float>();
        report(progress, projectStart + readShare * static_cast<double>(first + block.rows()) / result.samples);
    });
    const double bootstrapStart = projectStart + readShare;
    const BootstrapInterval interval = bootstrapPowerLawInterval(
        scores, options.bootstrapResamples, options.seed, fit.fitLo, fit.fitHi, {},
        [&](double fraction) { report(progress, bootstrapStart + (1.0 - bootstrapStart) * fraction); }, cancel);
    result.alphaCiLo = interval.lo;
    result.alphaCiHi = interval.hi;
    result.bootstrapSeconds = secondsSince(stageStart);
    report(progress, 1.0);
    return result;
}

} // namespace codescope::spectrum
