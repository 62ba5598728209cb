#include "app/cli/analyze_command.h"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <unistd.h>

#include "app/cli/command_line.h"
#include "app/cli/model_options.h"
#include "core/capture/layer_analysis.h"
#include "core/io/atomic_file.h"
#include "core/models/model_loader.h"
#include "core/results/layer_report.h"

namespace codescope::cli {

namespace {

const char* const kLayersHelp = R"(usage: codescope-cli layers (--model FILE | --run DIR) [--input-shape C,H,W]

Lists every layer Codescope can capture, in execution order (= depth): each ReLU output (named by the module
that calls it) and each submodule's output, with the shape of one sample's activations.

options:
  --model FILE          a TorchScript file (torch.jit.trace or torch.jit.script output)
  --run DIR             a run trained by `codescope-cli train` (its model and input shape come from the run)
  --input-shape C,H,W   the model's input for one sample [3,224,224 for --model]
)";

const char* const kAnalyzeHelp = R"(usage: codescope-cli analyze (--model FILE | --run DIR) --dataset SPEC [options]

Runs the model over the data set in batches (reading the next batch on a worker thread) and computes, for every
chosen layer, the PCA eigenspectrum of its activations and the power-law exponent alpha (paper, Methods), without
holding any layer's activation matrix in memory. Then it runs the moving-dot stimulus (Fig. 4a, drawn at the
model's input) through the model once and adds each layer's coding record: the mean and sd of the action of K
random projections (Fig. 4c), the input variance they explain (pooled R^2 of the pixels and of the latent
(cos t, sin t), Fig. 6d-e), eq. 4's expected action 1/2 zeta(-alpha) (divergent for alpha >= -1) and eq. 3's
effective capacity C - |alpha| m log2(m/e) with C = m x bits.

options:
  --model FILE          a TorchScript file
  --run DIR             a run trained by `codescope-cli train`
  --dataset SPEC        fashion-mnist[:PATH] | cifar10:PATH | images:PATH | npy:PATH        [required]
  --samples N           use the first N images (0: all)                                      [1000]
  --layers LIST         auto (every ReLU output) or comma-separated layer names               [auto]
  --input-shape C,H,W   the model's input; images are resized and their channels matched     [3,224,224]
  --normalize KIND      none | imagenet (mean/std per channel after scaling to [0, 1])       [none]
  --batch N             images per forward pass (0: from the memory budget)                 [0]
  --memory-budget MIB   covariances + one batch of activations                               [2048]
  --fit-range LO:HI, --max-components N, --max-features N, --bootstrap N, --seed N   as for `spectrum`
  --projections K       random projections per layer for the coding record (0: none)        [1000]
  --frames N            moving-dot frames over one period                                    [100]
  --bits B              bits per unit in eq. 3's capacity C = m x B                          [32]
  --json FILE           per layer: name, depth, n_features, stride, alpha, alpha_ci95, eigenvalues, and the
                        coding record (see README) (atomic write)
  --quiet               no progress line

exit status: 0 success, 2 bad input or usage (one-line error on stderr).
)";

std::vector<std::string> parseLayerList(const std::string& text) {
    std::vector<std::string> names;
    if (text.empty() || text == "auto") return names;
    std::stringstream stream(text);
    std::string name;
    while (std::getline(stream, name, ','))
        if (!name.empty()) names.push_back(name);
    return names;
}

} // namespace

int runLayersCommand(const std::vector<std::string>& args) {
    const CommandLine cl(args, {"model", "run", "input-shape"}, {"help"});
    if (cl.has("help")) {
        std::fputs(kLayersHelp, stdout);
        return 0;
    }
    models::LoadedModel loaded = models::openModel(modelSpec(cl));
    const std::vector<models::LayerInfo> layers = loaded.model->discoverLayers(models::exampleInput(loaded));
    std::printf("%s: %zu layers (input %s)\n", loaded.model->name().c_str(), layers.size(),
                shapeText(loaded.inputShape).c_str());
    std::printf("  %5s  %-40s %-14s %-16s %10s\n", "depth", "name", "kind", "output shape", "features");
    for (const models::LayerInfo& layer : layers)
        std::printf("  %5d  %-40s %-14s %-16s %10lld\n", layer.depth, layer.name.c_str(), layer.kind.c_str(),
                    shapeText(layer.shape).c_str(), static_cast<long long>(layer.features()));
    return 0;
}

int runAnalyzeCommand(const std::vector<std::string>& args) {
    const CommandLine cl(args,
                         {"model", "run", "dataset", "samples", "layers", "input-shape", "normalize", "batch",
                          "memory-budget", "fit-range", "max-components", "max-features", "bootstrap", "seed", "json",
                          "projections", "frames", "bits"},
                         {"quiet", "help"});
    if (cl.has("help")) {
        std::fputs(kAnalyzeHelp, stdout);
        return 0;
    }
    if (!cl.has("dataset")) throw UsageError("analyze needs --dataset SPEC (see codescope-cli analyze --help)");
    capture::CaptureOptions options;
    options.samples = cl.integer("samples", 1000, 0, INT64_MAX);
    options.batchSize = cl.integer("batch", 0, 0, 100000);
    options.memoryBudgetBytes = cl.integer("memory-budget", 2048, 64, 1 << 22) << 20;
    const auto [lo, hi] = cl.range("fit-range", {options.spectrum.fitLo, options.spectrum.fitHi});
    options.spectrum.fitLo = lo;
    options.spectrum.fitHi = hi;
    options.spectrum.maxComponents = cl.integer("max-components", options.spectrum.maxComponents, 1, 1000000);
    options.spectrum.maxFeatures = cl.integer("max-features", options.spectrum.maxFeatures, 2, 1000000);
    options.spectrum.bootstrapResamples = static_cast<int>(cl.integer("bootstrap", 200, 0, 100000));
    options.spectrum.seed = static_cast<std::uint64_t>(cl.integer("seed", 0, 0, INT64_MAX));
    capture::CodingOptions coding;
    coding.projections = static_cast<int>(cl.integer("projections", coding.projections, 0, 1000000));
    coding.frames = static_cast<int>(cl.integer("frames", coding.frames, 5, 100000));
    coding.bitsPerUnit = static_cast<double>(cl.integer("bits", 32, 1, 1024));
    coding.seed = options.spectrum.seed;

    models::LoadedModel loaded = models::openModel(modelSpec(cl));
    const std::unique_ptr<data::ImageDataset> dataset = data::openDataset(cl.text("dataset"));
    const data::Preprocessing preprocessing = preprocessingFor(cl, loaded);

    const bool showProgress = !cl.has("quiet") && ::isatty(STDERR_FILENO);
    auto results = capture::analyzeLayers(
        *loaded.model, *dataset, preprocessing, parseLayerList(cl.text("layers", "auto")), options,
        [&](const capture::CaptureProgress& p) {
            if (!showProgress) return;
            std::fprintf(stderr, "\r  %5.1f%%  %8.1f images/s", 100.0 * p.fraction, p.samplesPerSecond);
            if (p.fraction >= 1.0) std::fprintf(stderr, "\r%40s\r", "");
            std::fflush(stderr);
        });

    capture::addLayerCoding(*loaded.model, preprocessing, results, coding);

    const std::int64_t used = options.samples > 0 ? std::min(options.samples, dataset->size()) : dataset->size();
    std::printf("%s on %s (%lld images)\n", loaded.model->name().c_str(), dataset->name().c_str(),
                static_cast<long long>(used));
    std::printf("  %5s  %-28s %9s %6s %8s  %-17s %19s %7s %9s %10s\n", "depth", "layer", "features", "stride",
                "alpha", "95% CI", "action mean (sd)", "R2 dot", "eq.4", "eq.3 kbit");
    for (const capture::LayerSpectrum& entry : results) {
        const spectrum::SpectrumResult& r = entry.spectrum;
        char ci[48] = "-";
        if (std::isfinite(r.alphaCiLo)) std::snprintf(ci, sizeof ci, "[%.3f, %.3f]", r.alphaCiLo, r.alphaCiHi);
        char action[48] = "-", r2[16] = "-", eq4[24] = "-", eq3[24] = "-";
        if (const auto& c = entry.coding) {
            std::snprintf(action, sizeof action, "%.3g (%.2g)", c->actionMean, c->actionSd);
            std::snprintf(r2, sizeof r2, "%.3f", c->stimulusR2Mean);
            if (c->eq4ExpectedAction) std::snprintf(eq4, sizeof eq4, "%.4g", *c->eq4ExpectedAction);
            else std::snprintf(eq4, sizeof eq4, "diverges");
            std::snprintf(eq3, sizeof eq3, "%.1f", c->eq3CapacityBits / 1000.0);
        }
        std::printf("  %5d  %-28s %9lld %6lld %8.4f  %-17s %19s %7s %9s %10s\n", entry.layer.depth,
                    entry.layer.name.c_str(), static_cast<long long>(r.features), static_cast<long long>(r.stride),
                    r.alpha, ci, action, r2, eq4, eq3);
        for (const std::string& warning : r.warnings)
            std::fprintf(stderr, "warning: layer %s: %s\n", entry.layer.name.c_str(), warning.c_str());
    }
    if (cl.has("json"))
        io::writeFileAtomically(cl.text("json"), results::layerSpectraJson(loaded.model->name(), dataset->name(),
                                                                           used, results));
    return 0;
}

} // namespace codescope::cli
