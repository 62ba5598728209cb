#include "core/training/vae_training.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <set>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/util/Exception.h>
#include <nlohmann/json.hpp>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "core/common/input_error.h"
#include "core/common/paper_defaults.h"
#include "core/data/image_dataset.h"
#include "core/data/image_preprocessing.h"
#include "core/io/atomic_file.h"
#include "core/models/resnet_vae.h"
#include "core/models/state_dict_io.h"

namespace codescope::training {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Images per forward pass when measuring the test loss (no gradients, so larger than a training batch).
constexpr std::int64_t kEvalBatch = 250;

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

// The settings that make a run what it is: a checkpoint continues only a run with the same ones. `epochs` is left
// out (a finished run may be extended), and so is `threads` (it changes the speed).
nlohmann::ordered_json runIdentity(const TrainOptions& o, const models::ResNetVaeConfig& config,
                                   const TrainingData& data) {
    return {{"model", o.model},
            {"model_config", nlohmann::json::parse(models::configToJson(config))},
            {"dataset", data.name},
            {"train_samples", data.train.count},
            {"test_samples", data.test.count},
            {"batch_size", o.batchSize},
            {"learning_rate", o.learningRate},
            {"seed", o.seed},
            {"loss", vaeLossName(o.loss)}};
}

// A checkpoint's identity as this version writes it: fields that older versions did not write get the value those
// versions used (dropout after every ReLU, BCE), so an old run resumes only with the settings it was trained with.
nlohmann::json currentIdentity(const std::string& text) {
    nlohmann::json identity = nlohmann::json::parse(text);
    if (!identity.contains("loss")) identity["loss"] = vaeLossName(VaeLoss::Bce);
    if (identity.contains("model_config") && identity["model_config"].is_object() &&
        !identity["model_config"].contains("dropout_placement"))
        identity["model_config"]["dropout_placement"] = models::dropoutPlacementName(models::DropoutPlacement::All);
    return identity;
}

void validate(const TrainOptions& o, const TrainingData& data) {
    validateOptions(o);
    if (data.train.count < 2) throw InputError(data.name + ": at least 2 training images are needed");
    if (data.test.count < 1) throw InputError(data.name + ": at least 1 test image is needed");
    for (const data::ImageBatch* images : {&data.train, &data.test})
        if (static_cast<std::int64_t>(images->pixels.size()) != images->count * images->imageSize())
            throw InputError(data.name + ": image batch holds " + std::to_string(images->pixels.size()) +
                             " values, not count x channels x height x width");
}

// Hands out preprocessed batches of an ImageBatch as tensors. When the images already have the model's shape they
// are wrapped once (no copy) and batches are gathered with index_select; otherwise each batch is gathered and run
// through data::preprocess (for the full model a 224 x 224 copy of the whole set would not fit in memory).
class BatchMaker {
public:
    BatchMaker(const data::ImageBatch& images, const models::ResNetVaeConfig& config) : m_images(images) {
        m_preprocessing.channels = config.inputChannels;
        m_preprocessing.height = config.inputSize;
        m_preprocessing.width = config.inputSize;
        if (images.channels == config.inputChannels && images.height == config.inputSize &&
            images.width == config.inputSize) {
            // from_blob does not copy; the tensor is only read (index_select copies).
            m_all = at::from_blob(const_cast<float*>(images.pixels.data()),
                                  {images.count, images.channels, images.height, images.width}, at::kFloat);
        }
    }

    at::Tensor batch(const std::vector<std::int64_t>& indices) const {
        if (m_all.defined()) return m_all.index_select(0, at::tensor(indices, at::kLong));
        data::ImageBatch gathered;
        gathered.count = static_cast<std::int64_t>(indices.size());
        gathered.channels = m_images.channels;
        gathered.height = m_images.height;
        gathered.width = m_images.width;
        gathered.pixels.resize(gathered.count * m_images.imageSize());
        gathered.labels.assign(indices.size(), -1);
        for (std::size_t i = 0; i < indices.size(); ++i)
            std::copy_n(m_images.pixels.begin() + indices[i] * m_images.imageSize(), m_images.imageSize(),
                        gathered.pixels.begin() + static_cast<std::int64_t>(i) * m_images.imageSize());
        data::ImageBatch ready = data::preprocess(gathered, m_preprocessing);
        return at::from_blob(ready.pixels.data(), {ready.count, ready.channels, ready.height, ready.width}, at::kFloat)
            .clone();
    }

    std::int64_t size() const { return m_images.count; }

private:
    const data::ImageBatch& m_images;
    data::Preprocessing m_preprocessing;
    at::Tensor m_all;
};

// The VAE loss summed over the batch: the public ResNet-VAE's loss_function (BCE, summed) or the paper's text (MSE,
// summed likewise so that both are per-pixel sums of the same scale), plus the KL divergence.
at::Tensor vaeLoss(VaeLoss loss, const at::Tensor& reconstruction, const at::Tensor& x, const at::Tensor& mu,
                   const at::Tensor& logvar) {
    const at::Tensor term = loss == VaeLoss::Bce ? at::binary_cross_entropy(reconstruction, x, {}, at::Reduction::Sum)
                                                 : at::mse_loss(reconstruction, x, at::Reduction::Sum);
    const at::Tensor kld = -0.5 * at::sum(1 + logvar - mu.pow(2) - logvar.exp());
    return term + kld;
}

at::Tensor vaeLoss(VaeLoss loss, const models::VaeOutput& out, const at::Tensor& x) {
    return vaeLoss(loss, out.reconstruction, x, out.mu, out.logvar);
}

double testLoss(models::ResNetVae& model, const BatchMaker& test, VaeLoss loss, const CancelToken* cancel) {
    model->eval();
    torch::NoGradGuard noGrad;
    double total = 0;
    std::vector<std::int64_t> indices;
    for (std::int64_t first = 0; first < test.size(); first += kEvalBatch) {
        if (cancel) cancel->throwIfCancelled();
        indices.resize(std::min(kEvalBatch, test.size() - first));
        std::iota(indices.begin(), indices.end(), first);
        const at::Tensor x = test.batch(indices);
        total += vaeLoss(loss, model->forward(x), x).item<double>();
    }
    return total / static_cast<double>(test.size());
}

// Rate and ETA over a job whose work is counted in training images; work that was already done before this call
// (finished epochs of a resumed run, skipped runs) counts toward the fraction but not toward the rate.
class ProgressMeter {
public:
    ProgressMeter(TrainingProgressCallback callback, double totalWork)
        : m_callback(std::move(callback)), m_total(std::max(totalWork, 1.0)), m_start(Clock::now()) {}

    void skip(double work) { m_done += work; }
    void advance(double work) {
        m_done += work;
        m_measured += work;
    }

    void report(TrainingProgress p) const {
        if (!m_callback) return;
        p.fraction = std::min(1.0, m_done / m_total);
        const double elapsed = seconds(Clock::now() - m_start);
        if (m_measured > 0 && elapsed > 0) {
            p.samplesPerSecond = m_measured / elapsed;
            p.etaSeconds = (m_total - m_done) / p.samplesPerSecond;
        }
        m_callback(p);
    }

private:
    TrainingProgressCallback m_callback;
    double m_total;
    double m_done = 0;
    double m_measured = 0;
    Clock::time_point m_start;
};

struct RunState {
    std::int64_t epochsDone = 0;
    double untrainedTestLoss = 0;
    std::vector<EpochRecord> history;
};

at::Tensor historyColumn(const std::vector<EpochRecord>& history, double EpochRecord::*field) {
    std::vector<double> values;
    for (const EpochRecord& record : history)
        values.push_back(record.*field);
    return at::tensor(values, at::kDouble);
}

void saveCheckpoint(const std::string& path, models::ResNetVae& model, const torch::optim::Adam& optimizer,
                    const RunState& state, const std::string& identity) {
    torch::serialize::OutputArchive archive;
    archive.write("identity", c10::IValue(identity));
    archive.write("epochs_done", c10::IValue(state.epochsDone));
    archive.write("untrained_test_loss", c10::IValue(state.untrainedTestLoss));
    archive.write("train_loss", historyColumn(state.history, &EpochRecord::trainLoss));
    archive.write("test_loss", historyColumn(state.history, &EpochRecord::testLoss));
    archive.write("epoch_seconds", historyColumn(state.history, &EpochRecord::seconds));
    torch::serialize::OutputArchive modelArchive, optimizerArchive;
    model->save(modelArchive);
    optimizer.save(optimizerArchive);
    archive.write("model", modelArchive);
    archive.write("optimizer", optimizerArchive);

    io::AtomicFile file(path);
    archive.save_to([&](const void* data, std::size_t size) {
        file.write(data, size);
        return size;
    });
    file.commit();
}

// Restores model, optimizer and history from a checkpoint of the same run. Throws InputError naming the file.
RunState loadCheckpoint(const std::string& path, models::ResNetVae& model, torch::optim::Adam& optimizer,
                        const std::string& identity) {
    RunState state;
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        c10::IValue value;
        archive.read("identity", value);
        const nlohmann::json saved = currentIdentity(value.toStringRef());
        const nlohmann::json wanted = nlohmann::json::parse(identity);
        if (saved != wanted) {
            std::string differences;
            for (const auto& [key, wantedValue] : wanted.items())
                if (!saved.contains(key) || saved[key] != wantedValue)
                    differences += (differences.empty() ? "" : ", ") + key + " " +
                                   (saved.contains(key) ? saved[key].dump() : "?") + " (now " + wantedValue.dump() +
                                   ")";
            throw InputError(path + ": this run was trained with other settings: " + differences +
                             "; use another output folder, or delete this one to start over");
        }
        archive.read("epochs_done", value);
        state.epochsDone = value.toInt();
        archive.read("untrained_test_loss", value);
        state.untrainedTestLoss = value.toDouble();
        at::Tensor train, test, secs;
        archive.read("train_loss", train);
        archive.read("test_loss", test);
        archive.read("epoch_seconds", secs);
        for (std::int64_t e = 0; e < state.epochsDone; ++e)
            state.history.push_back({train[e].item<double>(), test[e].item<double>(), secs[e].item<double>()});
        torch::serialize::InputArchive modelArchive, optimizerArchive;
        archive.read("model", modelArchive);
        archive.read("optimizer", optimizerArchive);
        model->load(modelArchive);
        optimizer.load(optimizerArchive);
    } catch (const c10::Error& error) {
        const std::string message = error.what_without_backtrace();
        throw InputError(path + ": unreadable checkpoint (" + message.substr(0, message.find('\n')) +
                         "); delete it to start the run over");
    }
    return state;
}

void writeManifest(const std::string& runDir, const TrainOptions& o, const nlohmann::ordered_json& identity,
                   const RunState& state, bool finished) {
    nlohmann::ordered_json manifest = {{"format", kVaeRunManifestFormat}, {"preset", o.preset}};
    for (const auto& [key, value] : identity.items())
        manifest[key] = value;
    manifest["dropout"] = o.dropout;
    manifest["dropout_placement"] = models::dropoutPlacementName(o.dropoutPlacement);
    manifest["loss_description"] = vaeLossDescription(o.loss) + ", per image";
    manifest["epochs"] = o.epochs;
    manifest["epochs_completed"] = state.epochsDone;
    manifest["finished"] = finished;
    manifest["untrained_test_loss"] = state.untrainedTestLoss;
    nlohmann::ordered_json train = nlohmann::ordered_json::array(), test = nlohmann::ordered_json::array(),
                           secs = nlohmann::ordered_json::array();
    for (const EpochRecord& r : state.history) {
        train.push_back(r.trainLoss);
        test.push_back(r.testLoss);
        secs.push_back(r.seconds);
    }
    manifest["train_loss"] = train;
    manifest["test_loss"] = test;
    manifest["epoch_seconds"] = secs;
    manifest["final_test_loss"] = state.history.empty() ? nlohmann::ordered_json() : test.back();
    manifest["files"] = {
        {"checkpoint", models::kRunCheckpointFile},
        {"model", finished ? nlohmann::ordered_json(models::kRunModelFile) : nlohmann::ordered_json()}};
    io::writeFileAtomically(runDir + "/" + models::kRunManifestFile, manifest.dump(2) + "\n");
}

// Per-epoch seeds derived from the run's seed (splitmix64), so that epoch e draws the same numbers whether or not
// the run was interrupted before it.
std::uint64_t epochSeed(std::uint64_t seed, std::int64_t epoch) {
    std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(epoch + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

RunSummary summary(const std::string& runDir, const TrainOptions& o, const TrainingData& data, const RunState& state,
                   RunSummary::Outcome outcome, std::int64_t startEpoch) {
    RunSummary s;
    s.directory = runDir;
    s.dropout = o.dropout;
    s.outcome = outcome;
    s.startEpoch = startEpoch;
    s.untrainedTestLoss = state.untrainedTestLoss;
    s.epochs = state.history;
    s.trainSamples = data.train.count;
    s.testSamples = data.test.count;
    return s;
}

RunSummary trainRun(const TrainOptions& o, const TrainingData& data, const std::string& runDir, ProgressMeter& meter,
                    TrainingProgress position, const CancelToken* cancel) {
    validate(o, data);
    models::ResNetVaeConfig config = models::resnetVaeConfigByName(o.model);
    config.dropout = o.dropout;
    config.dropoutPlacement = o.dropoutPlacement;
    models::validateConfig(config);
    if (o.threads > 0) at::set_num_threads(o.threads);

    std::error_code error;
    fs::create_directories(runDir, error);
    if (error) throw InputError(runDir + ": cannot create the run folder (" + error.message() + ")");

    const nlohmann::ordered_json identityJson = runIdentity(o, config, data);
    const std::string identity = identityJson.dump();
    at::manual_seed(o.seed);
    models::ResNetVae model(config);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(o.learningRate));
    const BatchMaker train(data.train, config), test(data.test, config);
    const double epochWork = static_cast<double>(data.train.count);

    const std::string checkpointPath = runDir + "/" + models::kRunCheckpointFile;
    const std::string modelPath = runDir + "/" + models::kRunModelFile;
    RunState state;
    const bool resuming = fs::exists(checkpointPath);
    if (resuming) {
        state = loadCheckpoint(checkpointPath, model, optimizer, identity);
        if (state.epochsDone > o.epochs)
            throw InputError(checkpointPath + ": the run already has " + std::to_string(state.epochsDone) +
                             " epochs, more than the " + std::to_string(o.epochs) + " asked for");
    }
    const std::int64_t startEpoch = state.epochsDone;
    meter.skip(epochWork * static_cast<double>(startEpoch));
    position.dropout = o.dropout;
    position.epochs = o.epochs;

    if (startEpoch == o.epochs) {
        // Finished (or interrupted between the last checkpoint and the model file: finish the paperwork).
        if (!fs::exists(modelPath)) saveStateDict(*model, modelPath);
        writeManifest(runDir, o, identityJson, state, true);
        position.epoch = o.epochs - 1;
        position.trainLoss = state.history.back().trainLoss;
        meter.report(position);
        return summary(runDir, o, data, state, RunSummary::Outcome::AlreadyFinished, startEpoch);
    }
    if (!resuming) {
        state.untrainedTestLoss = testLoss(model, test, o.loss, cancel);
        writeManifest(runDir, o, identityJson, state, false);
    }

    std::vector<std::int64_t> order(static_cast<std::size_t>(data.train.count));
    std::vector<std::int64_t> indices;
    for (std::int64_t epoch = startEpoch; epoch < o.epochs; ++epoch) {
        const Clock::time_point epochStart = Clock::now();
        const std::uint64_t seed = epochSeed(o.seed, epoch);
        at::manual_seed(seed);
        std::mt19937_64 shuffler(seed);
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), shuffler);
        position.epoch = epoch;

        model->train();
        double lossSum = 0;
        std::int64_t seen = 0;
        for (std::int64_t first = 0; first < data.train.count; first += o.batchSize) {
            if (cancel) cancel->throwIfCancelled();
            const std::int64_t count = std::min(o.batchSize, data.train.count - first);
            if (count < 2) break; // BatchNorm cannot normalise a batch of one
            indices.assign(order.begin() + first, order.begin() + first + count);
            const at::Tensor x = train.batch(indices);
            const at::Tensor loss = vaeLoss(o.loss, model->forward(x), x);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            lossSum += loss.item<double>();
            seen += count;
            meter.advance(static_cast<double>(count));
            position.trainLoss = lossSum / static_cast<double>(seen);
            meter.report(position);
        }
        if (data.train.count - seen == 1) meter.advance(1); // the skipped single image

        EpochRecord record;
        record.trainLoss = lossSum / static_cast<double>(seen);
        record.testLoss = testLoss(model, test, o.loss, cancel);
        record.seconds = seconds(Clock::now() - epochStart);
        state.history.push_back(record);
        state.epochsDone = epoch + 1;
        const bool finished = state.epochsDone == o.epochs;
        // Order matters for resuming: the checkpoint is the truth, the manifest and model file follow it.
        saveCheckpoint(checkpointPath, model, optimizer, state, identity);
        if (finished) saveStateDict(*model, modelPath);
        writeManifest(runDir, o, identityJson, state, finished);
        meter.report(position);
    }
    return summary(runDir, o, data, state, resuming ? RunSummary::Outcome::Resumed : RunSummary::Outcome::Trained,
                   startEpoch);
}

// "kind:path" -> the train split's spec, for the kinds that have one.
std::string trainSplitSpec(const std::string& spec) {
    const std::size_t colon = spec.find(':');
    const std::string kind = spec.substr(0, colon);
    const std::string rest = colon == std::string::npos ? "" : spec.substr(colon);
    if (kind == "fashion-mnist" || (kind == "cifar10" && !rest.empty())) return kind + "-train" + rest;
    throw InputError("dataset '" + spec +
                     "' has no train split to train on (use fashion-mnist, fashion-mnist:FOLDER or cifar10:FOLDER)");
}

data::ImageBatch readFirst(const data::ImageDataset& dataset, std::int64_t wanted) {
    const std::int64_t count = wanted <= 0 ? dataset.size() : std::min(wanted, dataset.size());
    return dataset.read(0, count);
}

} // namespace

std::vector<std::string> trainingPresetNames() {
    return {"demo", "paper"};
}

TrainOptions trainingPreset(const std::string& name) {
    TrainOptions o;
    if (name == "demo") return o;
    if (name != "paper") throw InputError("unknown preset '" + name + "' (known: demo, paper)");
    o.preset = "paper";
    o.model = "resnet-vae";
    o.dataset = "cifar10";
    o.epochs = paper::kTrainEpochs;
    o.trainSamples = 0;
    o.testSamples = 0;
    o.batchSize = paper::kTrainBatchSize;
    o.learningRate = paper::kTrainLearningRate;
    return o;
}

double vaeLossValue(VaeLoss loss, const std::vector<float>& reconstruction, const std::vector<float>& target,
                    const std::vector<float>& mu, const std::vector<float>& logvar) {
    if (reconstruction.size() != target.size() || mu.size() != logvar.size())
        throw InputError("vaeLossValue: reconstruction and target, mu and logvar must have equal sizes");
    auto tensor = [](const std::vector<float>& values) {
        return at::tensor(at::ArrayRef<float>(values.data(), values.size()), at::kFloat);
    };
    return vaeLoss(loss, tensor(reconstruction), tensor(target), tensor(mu), tensor(logvar)).item<double>();
}

void validateOptions(const TrainOptions& o) {
    if (o.epochs < 1) throw InputError("epochs must be at least 1");
    if (o.batchSize < 2) throw InputError("batch size must be at least 2 (BatchNorm needs two images)");
    if (!(o.learningRate > 0) || !std::isfinite(o.learningRate)) throw InputError("learning rate must be positive");
    if (o.threads < 0) throw InputError("threads must not be negative");
    models::ResNetVaeConfig config = models::resnetVaeConfigByName(o.model);
    config.dropout = o.dropout;
    config.dropoutPlacement = o.dropoutPlacement;
    models::validateConfig(config);
    if (o.preset != "demo" && o.preset != "paper") throw InputError("unknown preset '" + o.preset + "'");
}

TrainingData loadTrainingData(const TrainOptions& options) {
    TrainingData data;
    data.name = options.dataset;
    const std::string trainSpec = trainSplitSpec(options.dataset);
    data.train = readFirst(*data::openDataset(trainSpec), options.trainSamples);
    data.test = readFirst(*data::openDataset(options.dataset), options.testSamples);
    return data;
}

RunSummary trainVaeRun(const TrainOptions& options, const TrainingData& data, const std::string& runDir,
                       const TrainingProgressCallback& progress, const CancelToken* cancel) {
    ProgressMeter meter(progress, static_cast<double>(options.epochs * data.train.count));
    return trainRun(options, data, runDir, meter, TrainingProgress{}, cancel);
}

double estimateEpochSeconds(const TrainOptions& o, const TrainingData& data) {
    validate(o, data);
    models::ResNetVaeConfig config = models::resnetVaeConfigByName(o.model);
    config.dropout = o.dropout;
    config.dropoutPlacement = o.dropoutPlacement;
    if (o.threads > 0) at::set_num_threads(o.threads);
    at::manual_seed(o.seed);
    models::ResNetVae model(config);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(o.learningRate));
    const BatchMaker train(data.train, config);
    std::vector<std::int64_t> indices(static_cast<std::size_t>(std::min(o.batchSize, data.train.count)));
    std::iota(indices.begin(), indices.end(), 0);
    model->train();
    const Clock::time_point start = Clock::now();
    const at::Tensor x = train.batch(indices);
    const at::Tensor loss = vaeLoss(o.loss, model->forward(x), x);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    const double perImage = seconds(Clock::now() - start) / static_cast<double>(indices.size());
    return perImage * (static_cast<double>(data.train.count) + static_cast<double>(data.test.count) / 3.0);
}

std::string runDirectoryName(double dropout) {
    char text[32];
    std::snprintf(text, sizeof text, "dropout-%g", dropout);
    return text;
}

std::vector<RunSummary> trainDropoutSweep(const TrainOptions& base, const std::vector<double>& dropouts,
                                          const TrainingData& data, const std::string& outDir,
                                          const TrainingProgressCallback& progress, const CancelToken* cancel) {
    if (dropouts.empty()) throw InputError("the dropout sweep needs at least one rate");
    std::set<std::string> names;
    for (double rate : dropouts)
        if (!names.insert(runDirectoryName(rate)).second)
            throw InputError("dropout rate " + runDirectoryName(rate).substr(8) + " is listed twice");

    ProgressMeter meter(progress, static_cast<double>(dropouts.size()) * static_cast<double>(base.epochs) *
                                      static_cast<double>(data.train.count));
    std::vector<RunSummary> runs;
    nlohmann::ordered_json sweep = {{"format", "codescope-vae-sweep/1"}, {"runs", nlohmann::ordered_json::array()}};
    for (std::size_t i = 0; i < dropouts.size(); ++i) {
        TrainOptions options = base;
        options.dropout = dropouts[i];
        TrainingProgress position;
        position.run = static_cast<int>(i);
        position.runs = static_cast<int>(dropouts.size());
        const std::string runDir = outDir + "/" + runDirectoryName(dropouts[i]);
        runs.push_back(trainRun(options, data, runDir, meter, position, cancel));
        const RunSummary& run = runs.back();
        sweep["runs"].push_back({{"dropout", run.dropout},
                                 {"directory", runDirectoryName(run.dropout)},
                                 {"epochs", run.epochs.size()},
                                 {"untrained_test_loss", run.untrainedTestLoss},
                                 {"final_test_loss", run.epochs.back().testLoss}});
        io::writeFileAtomically(outDir + "/sweep.json", sweep.dump(2) + "\n");
    }
    return runs;
}

} // namespace codescope::training
