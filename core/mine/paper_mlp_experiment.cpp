#include "core/mine/paper_mlp_experiment.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include "core/common/input_error.h"
#include "core/common/wall_clock.h"
#include "core/mine/layer_network.h"
#include "core/theory/coding_theory.h"

namespace codescope::mine {

namespace {

using Clock = std::chrono::steady_clock;

// Rows of the held-out MSE of each copy.
constexpr std::int64_t kHeldOutMseRows = 16384;
// CPU time of one training step of the defaults (32 rows through 40 layers, Adam) on one thread, and of one MINE step
// (40 statistics networks, 256 rows, joint and marginal passes) relative to it: measured on the development machine
// (1e5 training samples: 13.7 s; 3 MINE epochs of both copies: 25.7 s), in CPU time because that machine was shared
// and its wall times ran 3-6x longer.
constexpr double kTrainStepSeconds = 4.2e-3;
constexpr double kMineStepCost = 14.0;

// Keras' Dense initialisation: Glorot-uniform weights, limit sqrt(6 / (fan_in + fan_out)), zero biases.
std::pair<at::Tensor, at::Tensor> denseLayer(std::int64_t in, std::int64_t out) {
    const double limit = std::sqrt(6.0 / static_cast<double>(in + out));
    return {at::empty({in, out}).uniform_(-limit, limit).requires_grad_(), at::zeros({out}).requires_grad_()};
}

LayerNetwork initialNetwork(const PaperMlpOptions& o) {
    LayerNetwork network;
    network.activation = LayerActivation::Tanh;
    for (const PaperLayer& layer : paperLayerPlan(o)) {
        auto [weight, bias] = denseLayer(layer.index == 1 ? o.inputs : o.width, layer.units);
        network.weights.push_back(weight);
        network.biases.push_back(bias);
        network.dropoutAfter.push_back(layer.dropoutAfter);
    }
    std::tie(network.readoutWeight, network.readoutBias) = denseLayer(o.width, o.inputs);
    return network;
}

// x ~ U(-1, 1), [rows, inputs], from LibTorch's generator.
at::Tensor uniformInputs(std::int64_t rows, std::int64_t inputs) {
    return at::rand({rows, inputs}) * 2 - 1;
}

double heldOutMse(const LayerNetwork& network, const PaperMlpOptions& o) {
    const at::NoGradGuard noGrad;
    const at::Tensor x = uniformInputs(kHeldOutMseRows, o.inputs);
    return at::mse_loss(network.forward(x, o.dropout, /*train=*/false), x).item<double>();
}

// The sampler MINE draws from: x ~ U(-1, 1) from MINE's generator, every hidden layer of `network` as the y's.
JointSampler layerSampler(const LayerNetwork& network, const PaperMlpOptions& o) {
    return [&network, &o](std::int64_t rows, std::mt19937_64& rng, JointBatch& out) {
        out.x.resize(rows, o.inputs);
        std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
        for (Eigen::Index i = 0; i < out.x.size(); ++i)
            out.x.data()[i] = uniform(rng);
        const at::NoGradGuard noGrad;
        std::vector<at::Tensor> layers;
        network.forward(at::from_blob(out.x.data(), {rows, o.inputs}, at::kFloat), o.dropout, o.measureWithDropout,
                        &layers);
        copyLayers(layers, out);
    };
}

std::int64_t stepsPerEpoch(const PaperMlpOptions& o) {
    return (o.samples + o.batchSize - 1) / o.batchSize; // Keras keeps the last, partial batch
}

} // namespace

void validateOptions(const PaperMlpOptions& o) {
    constexpr std::int64_t kMaxCount = 1'000'000'000;
    const auto count = [](std::int64_t value, std::int64_t max, const char* what) {
        if (value < 1 || value > max)
            throw InputError(std::string("paper layer experiment: ") + what + " must be from 1 to " +
                             std::to_string(max));
    };
    count(o.inputs, 1'000'000, "inputs");
    count(o.depth, 1'000'000, "depth");
    count(o.width, 65536, "width");
    count(o.dropoutEvery, 1'000'000, "the dropout interval");
    count(o.epochs, 1'000'000, "epochs");
    count(o.samples, kMaxCount, "training samples");
    count(o.batchSize, kMaxCount, "the batch size");
    count(o.mineHiddenLayers, 64, "MINE's hidden layers");
    count(o.mineHiddenUnits, 65536, "MINE's hidden units");
    count(o.mineEpochs, 1'000'000, "MINE's epochs");
    if (o.mineFineEpochs < 0 || o.mineFineEpochs > 1'000'000)
        throw InputError("paper layer experiment: MINE's fine-tuning epochs must be from 0 to 1000000");
    if (o.mineBatchSize < 2 || o.mineBatchSize > kMaxCount)
        throw InputError("paper layer experiment: MINE's batch size must be from 2 to 1e9");
    if (o.mineSamples < o.mineBatchSize || o.mineSamples > kMaxCount)
        throw InputError("paper layer experiment: MINE's training samples must be from its batch size to 1e9");
    if (o.heldOutSamples < o.mineBatchSize || o.heldOutSamples > kMaxCount)
        throw InputError("paper layer experiment: the held-out samples must be from MINE's batch size to 1e9");
    if (!(o.dropout >= 0.0 && o.dropout < 1.0)) throw InputError("paper layer experiment: dropout must be in [0, 1)");
    for (double rate : {o.learningRate, o.mineLearningRate, o.mineFineLearningRate})
        if (!(rate > 0) || !std::isfinite(rate))
            throw InputError("paper layer experiment: learning rates must be finite numbers > 0");
    if (!(o.unitBits > 0) || !std::isfinite(o.unitBits))
        throw InputError("paper layer experiment: the bits per unit must be a finite number > 0");
    if (o.threads < 0) throw InputError("paper layer experiment: threads must be >= 0");
}

std::vector<PaperLayer> paperLayerPlan(const PaperMlpOptions& o) {
    validateOptions(o);
    std::vector<PaperLayer> plan;
    std::int64_t dropouts = 0;
    for (std::int64_t l = 1; l <= o.depth; ++l) {
        PaperLayer layer;
        layer.index = l;
        layer.units = o.width;
        layer.dropoutAfter = l % o.dropoutEvery == 0;
        if (layer.dropoutAfter) ++dropouts;
        layer.dropoutLayersUpTo = dropouts;
        plan.push_back(layer);
    }
    return plan;
}

Eq2Reference eq2ReferenceLines(const PaperMlpOptions& o) {
    const std::vector<PaperLayer> plan = paperLayerPlan(o);
    const double ln2 = std::log(2.0);
    const double capacityBits = theory::denseCapacityBits(o.width, o.unitBits);
    Eq2Reference reference;
    reference.capacityNats = capacityBits * ln2;
    for (const PaperLayer& layer : plan) {
        const auto passed = static_cast<int>(layer.dropoutLayersUpTo);
        reference.withCorrectionNats.push_back(
            ln2 * (passed == 0 ? capacityBits : theory::dropoutCapacityWithCorrection(capacityBits, o.dropout)));
        reference.withoutCorrectionNats.push_back(
            ln2 * theory::dropoutCapacityWithoutCorrection(capacityBits, o.dropout, passed));
    }
    return reference;
}

MineOptions paperMineOptions(const PaperMlpOptions& o) {
    validateOptions(o);
    MineOptions mine;
    mine.hiddenLayers = o.mineHiddenLayers;
    mine.hiddenUnits = o.mineHiddenUnits;
    mine.batchSize = o.mineBatchSize;
    mine.trainingRows = o.mineSamples;
    const std::int64_t steps = o.mineSamples / o.mineBatchSize; // whole batches per epoch
    mine.phases.push_back({o.mineEpochs * steps, o.mineLearningRate});
    if (o.mineFineEpochs > 0) mine.phases.push_back({o.mineFineEpochs * steps, o.mineFineLearningRate});
    mine.steps = totalSteps(mine);
    mine.learningRate = o.mineLearningRate;
    mine.evaluationSamples = o.heldOutSamples;
    mine.batchMeanEvaluation = true;
    mine.seed = o.seed;
    mine.threads = o.threads;
    validateOptions(mine);
    return mine;
}

std::vector<std::string> differencesFromTheAuthors(const PaperMlpOptions& o) {
    const PaperMlpOptions authors;
    std::vector<std::string> lines;
    const auto count = [&lines](std::int64_t value, std::int64_t theirs, const std::string& what) {
        if (value != theirs)
            lines.push_back(std::to_string(value) + " " + what + " instead of " + std::to_string(theirs));
    };
    const auto rate = [&lines](double value, double theirs, const std::string& what) {
        if (value != theirs) {
            char text[96];
            std::snprintf(text, sizeof text, "%s %g instead of %g", what.c_str(), value, theirs);
            lines.push_back(text);
        }
    };
    count(o.inputs, authors.inputs, "inputs");
    count(o.depth, authors.depth, "tanh layers");
    count(o.width, authors.width, "units per layer");
    rate(o.dropout, authors.dropout, "dropout");
    count(o.dropoutEvery, authors.dropoutEvery, "layers between dropout layers");
    count(o.epochs, authors.epochs, "training epochs");
    count(o.samples, authors.samples, "training samples per epoch");
    rate(o.learningRate, authors.learningRate, "learning rate");
    count(o.mineHiddenLayers, authors.mineHiddenLayers, "hidden layers in MINE's statistics network");
    count(o.mineHiddenUnits, authors.mineHiddenUnits, "units per hidden layer of MINE's statistics network");
    count(o.mineEpochs, authors.mineEpochs, "MINE epochs at the first rate");
    rate(o.mineLearningRate, authors.mineLearningRate, "MINE's first rate");
    count(o.mineFineEpochs, authors.mineFineEpochs, "MINE epochs at the second rate");
    rate(o.mineFineLearningRate, authors.mineFineLearningRate, "MINE's second rate");
    return lines;
}

std::vector<std::string> implementationChoices(const PaperMlpOptions& o) {
    char text[160];
    std::vector<std::string> lines;
    std::snprintf(text, sizeof text, "network batch of %lld rows (Keras' default)",
                  static_cast<long long>(o.batchSize));
    lines.emplace_back(text);
    std::snprintf(text, sizeof text, "MINE: %lld training rows, batches of %lld, %lld held-out rows",
                  static_cast<long long>(o.mineSamples), static_cast<long long>(o.mineBatchSize),
                  static_cast<long long>(o.heldOutSamples));
    lines.emplace_back(text);
    lines.emplace_back("MINE: ReLU statistics network, bias-corrected moving-average gradient");
    lines.emplace_back(o.measureWithDropout ? "layers measured with dropout on (the noise the figure is about)"
                                            : "layers measured with dropout off (Keras' predict)");
    std::snprintf(text, sizeof text, "eq. 2 reference lines for units of %g bit(s) each", o.unitBits);
    lines.emplace_back(text);
    return lines;
}

double estimatedSeconds(const PaperMlpOptions& o) {
    validateOptions(o);
    const double layers = static_cast<double>(o.depth) / 40.0;
    const double trainSteps = static_cast<double>(o.epochs * stepsPerEpoch(o));
    const MineOptions mine = paperMineOptions(o);
    const double mineSteps = static_cast<double>(totalSteps(mine)) * static_cast<double>(o.mineBatchSize) / 256.0 *
                             static_cast<double>(o.mineHiddenUnits) / 64.0;
    return layers * (kTrainStepSeconds * trainSteps + 2.0 * kTrainStepSeconds * kMineStepCost * mineSteps);
}

PaperMlpResult runPaperMlpExperiment(const PaperMlpOptions& o, const ProgressCallback& progress,
                                     const CancelToken* cancel, const EpochCallback& epochDone) {
    validateOptions(o);
    const MineOptions mine = paperMineOptions(o);
    const ScopedTorchThreads threads(o.threads);
    PaperMlpResult result;
    result.options = o;
    result.layers = paperLayerPlan(o);
    result.reference = eq2ReferenceLines(o);

    const std::int64_t perEpoch = stepsPerEpoch(o);
    const double trainWork = static_cast<double>(o.epochs * perEpoch);
    const double mineWork = kMineStepCost * static_cast<double>(totalSteps(mine));
    const double totalWork = trainWork + 2.0 * mineWork;
    const auto report = [&progress, totalWork](double done) {
        if (progress) progress(std::min(1.0, done / totalWork));
    };
    const std::int64_t reportEvery = std::max<std::int64_t>(1, perEpoch / 100);

    const auto trainStart = Clock::now();
    at::manual_seed(o.seed);
    LayerNetwork network = initialNetwork(o);
    const LayerNetwork untrained = network.frozen();
    const at::Tensor data = uniformInputs(o.samples, o.inputs);
    torch::optim::Adam optimizer(network.parameters(), torch::optim::AdamOptions(o.learningRate));
    for (std::int64_t epoch = 0; epoch < o.epochs; ++epoch) {
        const auto epochStart = Clock::now();
        const at::Tensor order = at::randperm(o.samples, at::kLong);
        double lossSum = 0;
        for (std::int64_t step = 0; step < perEpoch; ++step) {
            if (cancel) cancel->throwIfCancelled();
            const std::int64_t first = step * o.batchSize;
            const at::Tensor x = data.index_select(0, order.narrow(0, first, std::min(o.batchSize, o.samples - first)));
            const at::Tensor loss = at::mse_loss(network.forward(x, o.dropout, /*train=*/true), x);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            lossSum += loss.item<double>();
            if ((step + 1) % reportEvery == 0) report(static_cast<double>(epoch * perEpoch + step + 1));
        }
        result.epochLoss.push_back(lossSum / static_cast<double>(perEpoch));
        result.epochSeconds.push_back(secondsSince(epochStart));
        if (epochDone) epochDone(epoch + 1, result.epochSeconds.back());
    }
    const LayerNetwork trained = network.frozen();
    result.trainedHeldOutMse = heldOutMse(trained, o);
    result.untrainedHeldOutMse = heldOutMse(untrained, o);
    result.trainSeconds = secondsSince(trainStart);

    const auto trainedEstimate = estimateMutualInformation(
        layerSampler(trained, o), mine, [&](double f) { report(trainWork + f * mineWork); }, cancel);
    const auto untrainedEstimate = estimateMutualInformation(
        layerSampler(untrained, o), mine, [&](double f) { report(trainWork + (1.0 + f) * mineWork); }, cancel);
    result.trainedNats = informationPerLayer(trainedEstimate);
    result.untrainedNats = informationPerLayer(untrainedEstimate);
    result.mineSeconds = trainedEstimate.seconds + untrainedEstimate.seconds;
    result.mineSecondsPerEpoch = result.mineSeconds / (2.0 * static_cast<double>(o.mineEpochs + o.mineFineEpochs));
    return result;
}

} // namespace codescope::mine
