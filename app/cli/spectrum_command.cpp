#include "app/cli/spectrum_command.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <unistd.h>

#include "app/cli/analysis_request_flags.h"
#include "app/cli/command_line.h"
#include "core/data/synthetic_activations.h"
#include "core/io/atomic_file.h"
#include "core/io/npy_matrix_source.h"
#include "core/results/spectrum_report.h"
#include "core/spectrum/spectrum_analysis.h"

namespace codescope::cli {

const char* const kSpectrumHelp = R"(usage: codescope-cli spectrum --input A.npy [options]

PCA eigenspectrum and power-law exponent alpha of a samples x features matrix (paper, Methods):
every s-th feature is kept so that fewer than --max-features remain, the covariance is accumulated in double
precision while the file is streamed, and alpha is the slope of a Huber regression of ln(eigenvalue) on ln(k).

options:
  --input FILE            .npy file, 2-D, float32 or float64, C or Fortran order (rows = samples)   [required]
  --fit-range LO:HI       1-based components of the power-law fit                                   [{fit_range}]
  --max-components N      at most N PCA components                                                 [{max_components}]
  --max-features N        stride the features so that fewer than N are kept                         [{max_features}]
  --bootstrap N           resamples for the 95% confidence interval of alpha (0: none)              [{bootstrap}]
  --seed N                seed of the bootstrap and the randomized eigensolver                       [0]
  --estimator NAME        alpha by huber (the paper's), wls (weights 1/k) or mle (discrete power law)  [huber]
  --float32-products      multiply each centred block in float32, summed in double: 1.6x faster covariance,
                          eigenvalues within about 1e-7 relative (JSON "products": "float32")
  --repeat FILE           a second recording of the same samples (same shape, rows paired): the cvPCA
                          spectrum of Stringer et al. 2019, u_k^T C_12 u_k, which removes noise that is
                          independent between the repeats; both are held in memory; no confidence interval
  --json FILE             write the result as JSON (written atomically)
  --csv FILE              write component,eigenvalue,explained_variance_ratio,power_law_fit as CSV
  --quiet                 no progress bar
  --help                  this text

exit status: 0 success, 2 bad input or usage (one-line error on stderr).
)";

const char* const kDemoHelp = R"(usage: codescope-cli demo [options]

Runs the spectrum analysis on generated activations whose covariance eigenvalues are k^exponent along random
directions, and prints the table and alpha next to the exponent that generated them.

options:
  --samples N      rows     [4000]
  --features N     columns  [400]
  --exponent X     the generating power-law exponent [-1.0]
  --bootstrap N    resamples for the confidence interval [{bootstrap}]
  --seed N         seed [0]
  --json FILE, --csv FILE, --quiet, --help  as for `spectrum`
)";

namespace {

const char* methodName(spectrum::EigenMethod method) {
    return method == spectrum::EigenMethod::Subspace ? "randomized subspace iteration" : "dense symmetric (LAPACK)";
}

void printSummary(const std::string& name, const spectrum::SpectrumResult& r) {
    std::printf("spectrum of %s\n", name.c_str());
    std::printf("  samples %lld, features %lld, stride %lld (%lld features used), %lld components, %s\n",
                static_cast<long long>(r.samples), static_cast<long long>(r.features), static_cast<long long>(r.stride),
                static_cast<long long>(r.featuresUsed), static_cast<long long>(r.components),
                methodName(r.eigenMethod));
    std::printf("  total variance of the used features %.6g\n\n", r.totalVariance);
    std::printf("  %6s  %14s  %10s  %14s\n", "k", "eigenvalue", "explained", "power-law fit");
    for (Eigen::Index i = 0; i < r.eigenvalues.size(); ++i) {
        const long long k = i + 1;
        // Every component up to 10, then a log-spaced selection: the shape of a power law at a glance.
        const bool show = k <= 10 || k == r.fitLo || k == r.fitHi || k == r.eigenvalues.size() ||
                          (k % 10 == 0 && k <= 100) || (k % 100 == 0 && k <= 1000);
        if (!show) continue;
        const double fitted = std::exp(r.intercept) * std::pow(static_cast<double>(k), r.alpha);
        std::printf("  %6lld  %14.6e  %9.4f%%  %14.6e%s\n", k, r.eigenvalues[i], 100.0 * r.explainedVarianceRatio[i],
                    fitted, (k >= r.fitLo && k <= r.fitHi) ? "  *" : "");
    }
    std::printf("  (* = in the fit range)\n\n");
    std::printf("  alpha      %.4f   (%s fit of ln eigenvalue on ln k, k = %d..%d%s; R^2 %.4f)\n", r.alpha,
                spectrum::alphaEstimatorName(r.estimator).c_str(), r.fitLo, r.fitHi,
                r.heldOut ? ", cvPCA spectrum" : "", r.alphaRSquared);
    std::printf("  intercept  %.4f\n", r.intercept);
    if (std::isfinite(r.alphaCiLo))
        std::printf("  alpha 95%% CI  [%.4f, %.4f]  (bootstrap over samples)\n", r.alphaCiLo, r.alphaCiHi);
    else
        std::printf("  alpha 95%% CI  not computed (--bootstrap 0)\n");
}

ProgressCallback progressBar(bool quiet) {
    if (quiet || !::isatty(STDERR_FILENO)) return {};
    return [](double fraction) {
        const int width = 40;
        const int filled = static_cast<int>(fraction * width);
        std::fprintf(stderr, "\r  [%s%s] %3d%%", std::string(filled, '#').c_str(),
                     std::string(width - filled, ' ').c_str(), static_cast<int>(fraction * 100));
        if (fraction >= 1.0) std::fprintf(stderr, "\r%*s\r", width + 10, "");
        std::fflush(stderr);
    };
}

spectrum::SpectrumOptions spectrumOptions(const CommandLine& cl) {
    spectrum::SpectrumOptions options;
    const auto [lo, hi] = cl.range("fit-range", {options.fitLo, options.fitHi});
    options.fitLo = lo;
    options.fitHi = hi;
    options.maxComponents = cl.integer("max-components", options.maxComponents, 1, 1000000);
    options.maxFeatures = cl.integer("max-features", options.maxFeatures, 2, 1000000);
    options.bootstrapResamples = static_cast<int>(cl.integer("bootstrap", options.bootstrapResamples, 0, 100000));
    options.seed = static_cast<std::uint64_t>(cl.integer("seed", 0, 0, INT64_MAX));
    options.singlePrecisionProducts = cl.has("float32-products");
    if (cl.has("estimator")) {
        try {
            options.estimator = spectrum::parseAlphaEstimator(cl.text("estimator"));
        } catch (const InputError&) {
            throw UsageError("--estimator must be huber, wls or mle, got '" + cl.text("estimator") + "'");
        }
    }
    return options;
}

int analyzeAndReport(io::MatrixSource& source, const CommandLine& cl, io::MatrixSource* repeat = nullptr) {
    const spectrum::SpectrumOptions options = spectrumOptions(cl);
    const spectrum::SpectrumResult result =
        repeat ? spectrum::crossValidatedSpectrum(source, *repeat, options)
               : spectrum::analyzeSpectrum(source, options, progressBar(cl.has("quiet")));
    for (const std::string& warning : result.warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
    printSummary(source.name(), result);
    if (cl.has("json")) io::writeFileAtomically(cl.text("json"), results::spectrumJson(result));
    if (cl.has("csv")) io::writeFileAtomically(cl.text("csv"), results::spectrumCsv(result));
    return 0;
}

const std::set<std::string> kCommonOptions = {"fit-range", "max-components", "max-features", "bootstrap",
                                              "seed",      "json",           "csv",          "estimator"};

std::set<std::string> with(std::set<std::string> options, const std::set<std::string>& extra) {
    options.insert(extra.begin(), extra.end());
    return options;
}

} // namespace

int runSpectrumCommand(const std::vector<std::string>& args) {
    const CommandLine cl(args, with(kCommonOptions, {"input", "repeat"}), {"quiet", "help", "float32-products"});
    if (cl.has("help")) {
        std::fputs(withPaperDefaults(kSpectrumHelp).c_str(), stdout);
        return 0;
    }
    if (!cl.has("input")) throw UsageError("spectrum needs --input FILE.npy (see codescope-cli spectrum --help)");
    io::NpyMatrixSource source(cl.text("input"));
    if (!cl.has("repeat")) return analyzeAndReport(source, cl);
    io::NpyMatrixSource repeat(cl.text("repeat"));
    return analyzeAndReport(source, cl, &repeat);
}

int runDemoCommand(const std::vector<std::string>& args) {
    const CommandLine cl(args, with(kCommonOptions, {"samples", "features", "exponent"}), {"quiet", "help"});
    if (cl.has("help")) {
        std::fputs(withPaperDefaults(kDemoHelp).c_str(), stdout);
        return 0;
    }
    const auto samples = cl.integer("samples", 4000, 2, 10000000);
    const auto features = cl.integer("features", 400, 1, 100000);
    const std::string exponentText = cl.text("exponent", "-1.0");
    char* end = nullptr;
    const double exponent = std::strtod(exponentText.c_str(), &end);
    if (*end != '\0' || !std::isfinite(exponent) || exponent > 0 || exponent < -5)
        throw UsageError("--exponent must be a number from -5 to 0, got '" + exponentText + "'");
    const auto seed = static_cast<std::uint64_t>(cl.integer("seed", 0, 0, INT64_MAX));
    const Eigen::MatrixXf activations = data::powerLawActivations(samples, features, exponent, seed);
    const std::string name = "generated activations (" + std::to_string(samples) + " x " + std::to_string(features) +
                             ", generating exponent " + exponentText + ")";
    io::InMemoryMatrixSource<Eigen::MatrixXf> source(activations, name);
    return analyzeAndReport(source, cl);
}

} // namespace codescope::cli
