#include "core/mine/dropout_mlp_experiment.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include "core/common/input_error.h"
#include "core/mine/layer_network.h"

namespace codescope::mine {

namespace {

using Clock = std::chrono::steady_clock;

// Rows used to measure the bit accuracy of a copy.
constexpr std::int64_t kAccuracyRows = 4096;

// torch.nn.Linear's initialisation: weights and biases uniform in +-1/sqrt(fan_in).
std::pair<at::Tensor, at::Tensor> linearLayer(std::int64_t in, std::int64_t out) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    return {at::empty({in, out}).uniform_(-bound, bound).requires_grad_(),
            at::empty({out}).uniform_(-bound, bound).requires_grad_()};
}

// The MLP: every hidden layer a ReLU followed by dropout.
LayerNetwork initialMlp(const DropoutMlpOptions& o) {
    LayerNetwork mlp;
    mlp.activation = LayerActivation::Relu;
    for (std::int64_t l = 0; l < o.depth; ++l) {
        auto [weight, bias] = linearLayer(l == 0 ? o.bits : o.width, o.width);
        mlp.weights.push_back(weight);
        mlp.biases.push_back(bias);
        mlp.dropoutAfter.push_back(true);
    }
    std::tie(mlp.readoutWeight, mlp.readoutBias) = linearLayer(o.width, o.bits);
    return mlp;
}

// Uniform random bits, [rows, bits] of 0/1 floats, from LibTorch's generator.
at::Tensor randomBits(std::int64_t rows, std::int64_t bits) {
    return at::randint(0, 2, {rows, bits}, at::kFloat);
}

double bitAccuracy(const LayerNetwork& mlp, const DropoutMlpOptions& o) {
    const at::NoGradGuard noGrad;
    const at::Tensor bits = randomBits(kAccuracyRows, o.bits);
    const at::Tensor logits = mlp.forward(bits * 2 - 1, o.dropout, /*train=*/true);
    return (logits.gt(0).to(at::kFloat) == bits).to(at::kDouble).mean().item<double>();
}

// The sampler MINE draws from: bits from MINE's generator as x in {-1, +1}, every hidden layer of `mlp` as the y's.
JointSampler layerSampler(const LayerNetwork& mlp, const DropoutMlpOptions& o) {
    return [&mlp, &o](std::int64_t rows, std::mt19937_64& rng, JointBatch& out) {
        out.x.resize(rows, o.bits);
        std::bernoulli_distribution bit(0.5);
        for (Eigen::Index i = 0; i < out.x.size(); ++i)
            out.x.data()[i] = bit(rng) ? 1.0f : -1.0f;
        const at::NoGradGuard noGrad;
        std::vector<at::Tensor> layers;
        mlp.forward(at::from_blob(out.x.data(), {rows, o.bits}, at::kFloat), o.dropout, /*train=*/true, &layers);
        copyLayers(layers, out);
    };
}

} // namespace

void validateOptions(const DropoutMlpOptions& o) {
    if (o.bits < 1 || o.bits > 1024) throw InputError("layer experiment: bits must be from 1 to 1024");
    if (o.depth < 1 || o.depth > 1000) throw InputError("layer experiment: depth must be from 1 to 1000");
    if (o.width < 1 || o.width > 65536) throw InputError("layer experiment: width must be from 1 to 65536");
    if (!(o.dropout >= 0.0 && o.dropout < 1.0)) throw InputError("layer experiment: dropout must be in [0, 1)");
    if (o.trainSteps < 1 || o.trainSteps > 1'000'000'000)
        throw InputError("layer experiment: training steps must be from 1 to 1e9");
    if (o.batchSize < 2 || o.batchSize > 1'000'000'000)
        throw InputError("layer experiment: the batch size must be from 2 to 1e9");
    if (!(o.learningRate > 0) || !std::isfinite(o.learningRate))
        throw InputError("layer experiment: the learning rate must be a finite number > 0");
    if (o.threads < 0) throw InputError("layer experiment: threads must be >= 0");
    validateOptions(o.mine);
}

DropoutMlpResult runDropoutMlpExperiment(const DropoutMlpOptions& o, const ProgressCallback& progress,
                                         const CancelToken* cancel) {
    validateOptions(o);
    const ScopedTorchThreads threads(o.threads);
    DropoutMlpResult result;
    result.options = o;
    result.inputEntropyNats = static_cast<double>(o.bits) * std::log(2.0);
    result.layerLimitNats = std::log(2.0) * static_cast<double>(o.width) * (1.0 - o.dropout);

    // Progress: a MINE step over all layers costs about twice a training step.
    const double trainWork = static_cast<double>(o.trainSteps);
    const double mineWork = 2.0 * static_cast<double>(o.mine.steps);
    const double totalWork = trainWork + 2.0 * mineWork;
    const auto report = [&progress, totalWork](double done) {
        if (progress) progress(done / totalWork);
    };
    const std::int64_t reportEvery = std::max<std::int64_t>(1, o.trainSteps / 200);

    const auto trainStart = Clock::now();
    at::manual_seed(o.seed);
    LayerNetwork mlp = initialMlp(o);
    const LayerNetwork untrained = mlp.frozen();
    torch::optim::Adam optimizer(mlp.parameters(), torch::optim::AdamOptions(o.learningRate));
    result.trainingLoss.reserve(static_cast<std::size_t>(o.trainSteps));
    for (std::int64_t step = 0; step < o.trainSteps; ++step) {
        if (cancel) cancel->throwIfCancelled();
        const at::Tensor bits = randomBits(o.batchSize, o.bits);
        const at::Tensor loss =
            at::binary_cross_entropy_with_logits(mlp.forward(bits * 2 - 1, o.dropout, /*train=*/true), bits);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        result.trainingLoss.push_back(loss.item<double>());
        if ((step + 1) % reportEvery == 0) report(static_cast<double>(step + 1));
    }
    const LayerNetwork trained = mlp.frozen();
    result.trainedBitAccuracy = bitAccuracy(trained, o);
    result.untrainedBitAccuracy = bitAccuracy(untrained, o);
    result.trainSeconds = std::chrono::duration<double>(Clock::now() - trainStart).count();

    const auto trainedEstimate = estimateMutualInformation(
        layerSampler(trained, o), o.mine, [&](double f) { report(trainWork + f * mineWork); }, cancel);
    const auto untrainedEstimate = estimateMutualInformation(
        layerSampler(untrained, o), o.mine, [&](double f) { report(trainWork + (1.0 + f) * mineWork); }, cancel);
    result.trainedNats = informationPerLayer(trainedEstimate);
    result.untrainedNats = informationPerLayer(untrainedEstimate);
    result.mineSeconds = trainedEstimate.seconds + untrainedEstimate.seconds;
    return result;
}

} // namespace codescope::mine
