// codescope-capture-bench: what activation capture costs on top of the model's own forward pass (issue 3's speed
// target: at most 25% for the small ResNet-VAE with every ReLU layer captured), measured in one process and one run
// so the ratios are meaningful on a shared, noisy machine.
//
// Three passes over the same preprocessed Fashion-MNIST batches, alternated and repeated, fastest of each kept:
//   forward   the bare forward pass in eval mode under no-grad (the floor);
//   capture   the same pass recording all 23 ReLU outputs as flattened float32 tensors (what capture adds);
//   stream    capture plus streaming every layer's kept columns into its covariance accumulator, i.e. the whole
//             per-batch work of `analyze` (the accumulators are the spectrum engine's, benchmarked on their own by
//             codescope-bench).
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/data/image_dataset.h"
#include "core/data/image_preprocessing.h"
#include "core/models/resnet_vae.h"
#include "core/spectrum/covariance_accumulator.h"
#include "core/spectrum/spectrum_analysis.h"

#include "bench/bench_support.h"

using codescope::bench::argument;
using codescope::bench::flag;
using codescope::bench::seconds;

namespace {

namespace models = codescope::models;
namespace spectrum = codescope::spectrum;

// The Methods' stride rule for one layer, as analyze applies it: the columns whose covariance is accumulated.
std::vector<std::int64_t> keptColumns(std::int64_t features, std::int64_t samples) {
    const spectrum::SpectrumPlan plan = spectrum::planSpectrum(samples, features, spectrum::SpectrumOptions{}, "bench");
    return plan.columns;
}

} // namespace

int main(int argc, char** argv) {
    if (flag(argc, argv, "--help")) {
        std::puts("usage: codescope-capture-bench [--samples 2000] [--batch 100] [--repeat 3] [--threads 0]\n"
                  "  the small ResNet-VAE (1 x 28 x 28, untrained, seeded) on the first --samples Fashion-MNIST test\n"
                  "  images in batches of --batch; --repeat rounds of forward / capture / stream, alternated, the\n"
                  "  fastest of each reported; --threads sets torch's intra-op threads (0 = its default)");
        return 0;
    }
    const long samples = std::max(1L, argument(argc, argv, "--samples", 2000));
    const long batchSize = std::max(1L, argument(argc, argv, "--batch", 100));
    const long repeats = std::max(1L, argument(argc, argv, "--repeat", 3));
    const long threads = argument(argc, argv, "--threads", 0);
    if (threads > 0) at::set_num_threads(static_cast<int>(threads));

    torch::manual_seed(1);
    const models::ResNetVaeConfig config = models::resnetVaeSmallConfig();
    models::ResNetVae vae(config);
    vae->eval();
    const std::unique_ptr<models::CapturableModel> capturable =
        models::makeCapturableResNetVae(vae, "resnet-vae-small");
    const std::vector<std::string> layers = vae->reluLayerNames();

    // Read and preprocess once: the passes compare model work, not decoding.
    const auto dataset = codescope::data::openDataset("fashion-mnist");
    codescope::data::Preprocessing preprocessing;
    preprocessing.channels = config.inputChannels;
    preprocessing.height = preprocessing.width = config.inputSize;
    std::vector<at::Tensor> batches;
    for (long first = 0; first < std::min<long>(samples, dataset->size()); first += batchSize) {
        const long count = std::min<long>(batchSize, std::min<long>(samples, dataset->size()) - first);
        codescope::data::ImageBatch batch = codescope::data::preprocess(dataset->read(first, count), preprocessing);
        batches.push_back(
            at::from_blob(batch.pixels.data(), {batch.count, batch.channels, batch.height, batch.width}, at::kFloat)
                .clone());
    }
    const long images = std::min<long>(samples, dataset->size());

    // Each layer's kept columns and accumulator, as analyze plans them for this many samples.
    const std::vector<at::Tensor> probe = capturable->capture(batches.front().narrow(0, 0, 1), layers);
    std::vector<std::vector<std::int64_t>> columns;
    std::int64_t featuresTotal = 0, keptTotal = 0;
    for (const at::Tensor& output : probe) {
        columns.push_back(keptColumns(output.size(1), images));
        featuresTotal += output.size(1);
        keptTotal += static_cast<std::int64_t>(columns.back().size());
    }

    std::printf("codescope-capture-bench: small ResNet-VAE, %zu ReLU layers (%lld features, %lld kept by the stride "
                "rule),\n  %ld Fashion-MNIST images in batches of %ld, %d torch threads\n",
                layers.size(), static_cast<long long>(featuresTotal), static_cast<long long>(keptTotal), images,
                batchSize, at::get_num_threads());

    auto forward = [&] {
        torch::NoGradGuard noGrad;
        for (const at::Tensor& batch : batches)
            (void)vae->forward(batch);
    };
    auto capture = [&] {
        for (const at::Tensor& batch : batches)
            (void)capturable->capture(batch, layers);
    };
    auto stream = [&] {
        std::vector<std::unique_ptr<spectrum::CovarianceAccumulator>> accumulators;
        for (const auto& kept : columns)
            accumulators.push_back(
                std::make_unique<spectrum::CovarianceAccumulator>(static_cast<Eigen::Index>(kept.size())));
        Eigen::MatrixXd block;
        for (const at::Tensor& batch : batches) {
            const std::vector<at::Tensor> outputs = capturable->capture(batch, layers);
            for (std::size_t l = 0; l < outputs.size(); ++l) {
                const float* data = outputs[l].data_ptr<float>();
                const std::int64_t stride = outputs[l].size(1);
                block.resize(outputs[l].size(0), static_cast<Eigen::Index>(columns[l].size()));
                for (Eigen::Index r = 0; r < block.rows(); ++r)
                    for (Eigen::Index c = 0; c < block.cols(); ++c)
                        block(r, c) = data[r * stride + columns[l][static_cast<std::size_t>(c)]];
                accumulators[l]->add(block);
            }
        }
    };

    forward(); // warm-up: first-touch allocations and torch's lazy initialisation
    double best[3] = {1e300, 1e300, 1e300};
    for (long r = 0; r < repeats; ++r) {
        best[0] = std::min(best[0], seconds(forward));
        best[1] = std::min(best[1], seconds(capture));
        best[2] = std::min(best[2], seconds(stream));
    }
    const char* names[3] = {"forward (floor)", "forward + capture", "capture + covariances"};
    std::printf("\n%-24s %10s %12s %10s\n", "pass", "seconds", "images/s", "vs floor");
    for (int i = 0; i < 3; ++i)
        std::printf("%-24s %10.3f %12.0f %9.2fx\n", names[i], best[i], images / best[i], best[i] / best[0]);
    std::printf("\ncapture overhead: %.1f%% of the bare forward pass (target <= 25%%)\n",
                100.0 * (best[1] / best[0] - 1.0));
    return 0;
}
