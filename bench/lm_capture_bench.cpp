// codescope-lm-capture-bench: what activation capture costs on top of the tiny LM's own forward pass (target: at
// most 25% with every layer captured: 4 blocks x (MLP GELU + block output), one row per token), measured in one
// process and one run so the ratio is meaningful on a shared, noisy machine.
//
// Passes over the same byte windows of the default corpus, alternated and repeated, fastest of each kept:
//   forward   TinyLm::forward in eval mode under no-grad (the floor);
//   capture   CapturableModel::capture with every layer name: the same pass recording each layer as a float32
//             (batch * T) x features tensor;
//   analyze   capture::analyzeLayers over a token InputSource with every layer: capture plus streaming each layer
//             into its covariance, the eigendecomposition and the power-law fit (what `analyze` does per model).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/capture/input_source.h"
#include "core/capture/layer_analysis.h"
#include "core/data/token_dataset.h"
#include "core/models/tiny_lm.h"
#include "core/training/tiny_lm_training.h"

#include "bench/bench_support.h"

using codescope::bench::argument;
using codescope::bench::flag;
using codescope::bench::seconds;

int main(int argc, char** argv) {
    namespace models = codescope::models;
    if (flag(argc, argv, "--help")) {
        std::puts("usage: codescope-lm-capture-bench [--sequences 512] [--batch 32] [--repeat 5] [--threads 0]\n"
                  "  the default tiny LM (untrained, seeded; 4 blocks, d 64, context 64) on --sequences windows of 64\n"
                  "  bytes of the default corpus in batches of --batch; --repeat rounds of forward / capture,\n"
                  "  alternated, the fastest of each reported; --threads sets torch's intra-op threads (0 = default)");
        return 0;
    }
    const long sequences = std::max(1L, argument(argc, argv, "--sequences", 512));
    const long batchSize = std::max(1L, argument(argc, argv, "--batch", 32));
    const long repeats = std::max(1L, argument(argc, argv, "--repeat", 5));
    const long threads = argument(argc, argv, "--threads", 0);
    if (threads > 0) at::set_num_threads(static_cast<int>(threads));

    at::manual_seed(1);
    const models::TinyLmConfig config;
    models::TinyLm lm(config);
    lm->eval();
    const std::unique_ptr<models::CapturableModel> capturable = models::makeCapturableTinyLm(lm, "tiny-lm");
    const std::vector<std::string> layers = lm->layerNames();

    // Consecutive windows of the corpus, tokenised once: the passes compare model work only.
    const std::string text = codescope::training::readCorpus(codescope::training::defaultCorpusFiles());
    const long T = static_cast<long>(config.contextLength);
    const long available = static_cast<long>(text.size()) / T;
    const long count = std::min(sequences, available);
    at::Tensor all = at::empty({count, T}, at::kLong);
    for (long i = 0; i < count * T; ++i)
        all.data_ptr<std::int64_t>()[i] = static_cast<unsigned char>(text[static_cast<std::size_t>(i)]);
    std::vector<at::Tensor> batches;
    for (long first = 0; first < count; first += batchSize)
        batches.push_back(all.narrow(0, first, std::min(batchSize, count - first)).contiguous());
    const double tokens = static_cast<double>(count * T);

    std::int64_t features = 0;
    for (const auto& layer : capturable->discoverLayers(batches.front()))
        features += layer.features();
    std::printf("codescope-lm-capture-bench: tiny LM (%lld blocks, d %lld), %zu layers (%lld features per token),\n"
                "  %ld sequences x %ld tokens in batches of %ld, %d torch threads\n",
                static_cast<long long>(config.blocks), static_cast<long long>(config.dModel), layers.size(),
                static_cast<long long>(features), count, T, batchSize, at::get_num_threads());

    auto forward = [&] {
        at::NoGradGuard noGrad;
        for (const at::Tensor& batch : batches)
            (void)lm->forward(batch);
    };
    auto capture = [&] {
        for (const at::Tensor& batch : batches)
            (void)capturable->capture(batch, layers);
    };

    codescope::data::TokenSequences sequencesData;
    sequencesData.name = "default corpus";
    sequencesData.contextLength = T;
    sequencesData.ids.assign(all.data_ptr<std::int64_t>(), all.data_ptr<std::int64_t>() + count * T);
    const auto inputs = codescope::capture::tokenInputs(sequencesData);
    codescope::capture::CaptureOptions options;
    options.batchSize = batchSize;
    auto analyze = [&] { (void)codescope::capture::analyzeLayers(*capturable, *inputs, layers, options); };

    forward(); // warm-up: first-touch allocations and torch's lazy initialisation
    double best[3] = {1e300, 1e300, 1e300};
    for (long r = 0; r < repeats; ++r) {
        best[0] = std::min(best[0], seconds(forward));
        best[1] = std::min(best[1], seconds(capture));
        if (r < 3) best[2] = std::min(best[2], seconds(analyze)); // the slowest pass: at most 3 rounds
    }
    const char* names[3] = {"forward (floor)", "forward + capture", "analyzeLayers (all)"};
    std::printf("\n%-24s %10s %12s %10s\n", "pass", "seconds", "tokens/s", "vs floor");
    for (int i = 0; i < 3; ++i)
        std::printf("%-24s %10.3f %12.0f %9.2fx\n", names[i], best[i], tokens / best[i], best[i] / best[0]);
    std::printf("\ncapture overhead: %.1f%% of the bare forward pass (target <= 25%%)\n",
                100.0 * (best[1] / best[0] - 1.0));
    return 0;
}
