#include "app/cli/eigenfilters_command.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "app/cli/analysis_request_flags.h"
#include "app/cli/command_line.h"
#include "app/cli/model_options.h"
#include "app/cli/progress_line.h"
#include "core/distributed/communicator.h"
#include "core/capture/layer_eigenfilters.h"
#include "core/pipeline/layer_jobs.h"
#include "core/io/atomic_file.h"
#include "core/io/image_grid_png.h"
#include "core/io/npy_writer.h"
#include "core/results/json_values.h"

namespace codescope::cli {

namespace {

const char* const kHelp =
    R"(usage: codescope-cli eigenfilters (--model FILE | --run DIR) --dataset SPEC --layer NAME [options]

The input-space picture of each of a layer's leading principal components (paper, Fig. 3d): over the data set,
the regression of the input images on the component's score, f_k = cov(X, s_k) / var(s_k), an image of the model's
input shape (after preprocessing). The layer's units are thinned by the Methods' stride rule (--max-features), as
for its spectrum. Images and activations are held in memory (double): samples x (pixels + kept units) x 8 bytes.

options:
  --model FILE          a TorchScript file
  --run DIR             a run trained by `codescope-cli train`
  --input-shape C,H,W   a --model's input; images are resized and their channels matched (with a note on stderr)
                        [the data set's own C,H,W; a --run always takes its own]
  --normalize KIND      none | imagenet                                                     [none]
  --dataset SPEC        fashion-mnist[:PATH] | cifar10:PATH | images:PATH | npy:PATH        [required]
  --layer NAME          the layer (see `codescope-cli layers`)                              [required]
  --samples N           images from the start of the data set (0: all)                      [{samples}]
  --components N        leading components                                                  [16]
  --max-features N      stride rule: keep every s-th unit so that fewer than N remain       [{max_features}]
  --memory-budget MIB   images + activations held                                           [2048]
  --npy FILE            the filters, N x (C*H*W) float32 (reshape each row to C x H x W)
  --png FILE            a gallery: one tile per filter, 0 mid-grey, +max white, -max black (1 or 3 channels)
  --json FILE           layer, input shape, samples, stride, eigenvalues, resolved components
  --quiet               no progress line
  --help                this text

Files are written atomically. exit status: 0 success, 2 bad input or usage (one-line error on stderr).
)";

} // namespace

int runEigenfiltersCommand(const std::vector<std::string>& args, distributed::Communicator* world) {
    std::set<std::string> valueOptions(kModelValueOptions.begin(), kModelValueOptions.end());
    valueOptions.insert(
        {"dataset", "layer", "samples", "components", "max-features", "memory-budget", "npy", "png", "json"});
    const CommandLine cl(args, valueOptions, {"quiet", "help"});
    if (cl.has("help")) {
        std::fputs(withPaperDefaults(kHelp).c_str(), stdout);
        return 0;
    }
    if (!cl.has("dataset")) throw UsageError("eigenfilters needs --dataset SPEC");
    if (!cl.has("layer")) throw UsageError("eigenfilters needs --layer NAME (see codescope-cli layers)");
    capture::EigenfilterOptions options;
    options.components = cl.integer("components", options.components, 1, 100000);
    options.maxFeatures = cl.integer("max-features", options.maxFeatures, 2, 1000000);
    options.memoryBudgetBytes = cl.integer("memory-budget", 2048, 16, 1 << 22) << 20;

    pipeline::AnalysisRequest request;
    request.model = modelSpec(cl);
    request.data.images = cl.text("dataset");
    request.normalization = normalizationOption(cl);
    request.samples = cl.integer("samples", request.samples, 0, INT64_MAX);
    // Sharded (mpirun, srun), each rank captures its slice of the images and rank 0 alone solves, prints and writes.
    const bool root = distributed::isRoot(world);
    const bool sharded = distributed::isSharded(world);
    // Under a launcher stderr is a pipe, and the line is what a user of mpirun watches (as for analyze).
    ProgressLine progress(!cl.has("quiet") && root && (sharded || ::isatty(STDERR_FILENO)), "images");
    const pipeline::EigenfilterRun run = pipeline::layerEigenfiltersOf(
        request, cl.text("layer"), options, [&](double fraction) { progress.byFraction(fraction); }, nullptr, world);
    if (!root) return 0;
    printInputNote(run.inputNote);
    const capture::LayerEigenfilters& result = run.filters;

    const projection::Eigenfilters& f = result.filters;
    std::printf("%s, layer %s: %lld eigenfilters of a %s input from %lld images (%lld units, stride %lld)\n",
                run.model.c_str(), result.layer.c_str(), static_cast<long long>(f.filters.rows()),
                shapeText({result.channels, result.height, result.width}).c_str(),
                static_cast<long long>(result.samples), static_cast<long long>(result.features),
                static_cast<long long>(result.stride));
    std::printf("  %9s  %14s  %12s\n", "component", "eigenvalue", "filter norm");
    for (Eigen::Index k = 0; k < f.filters.rows(); ++k)
        std::printf("  %9lld  %14.6g  %12.6g\n", static_cast<long long>(k + 1), f.eigenvalues[k],
                    f.filters.row(k).norm());
    if (f.resolvedComponents < f.filters.rows())
        std::fprintf(stderr, "warning: only %lld components have variance; the rest are zero filters\n",
                     static_cast<long long>(f.resolvedComponents));
    if (cl.has("npy")) io::writeNpy(cl.text("npy"), f.filters, io::NpyDtype::Float32);
    if (cl.has("png")) io::writeImageGridPng(cl.text("png"), f.filters, result.channels, result.height, result.width);
    if (cl.has("json")) {
        nlohmann::json json;
        json["model"] = run.model;
        json["dataset"] = run.dataset;
        json["layer"] = result.layer;
        json["input_shape"] = {result.channels, result.height, result.width};
        json["samples"] = result.samples;
        json["n_features"] = result.features;
        json["stride"] = result.stride;
        json["eigenvalues"] = results::toVector(f.eigenvalues);
        json["resolved_components"] = f.resolvedComponents;
        io::writeFileAtomically(cl.text("json"), json.dump(1) + "\n");
    }
    return 0;
}

} // namespace codescope::cli
