#include "core/training/tiny_lm_training.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>
#include <torch/optim/adamw.h>
// clip_grad.h uses torch::Tensor without including its declaration.
#include <torch/types.h>
//
#include <torch/nn/utils/clip_grad.h>

#include "core/common/input_error.h"
#include "core/io/atomic_file.h"
#include "core/io/input_file.h"
#include "core/models/state_dict_io.h"
#include "core/models/tiny_lm.h"

namespace codescope::training {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kManifestFormat = "codescope-lm-run/1";
constexpr const char* kLossDescription = "next-byte cross-entropy, nats per byte (ln 256 = 5.55 for uniform guessing)";
constexpr double kValidationFraction = 0.1;
constexpr double kWarmupFraction = 0.05;
constexpr double kFinalLearningRateFraction = 0.1;
constexpr double kGradientClip = 1.0;
constexpr std::int64_t kMinimumCorpusBytes = 1000;

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

models::TinyLmConfig modelConfig(const TinyLmTrainOptions& o) {
    models::TinyLmConfig config;
    config.contextLength = o.contextLength;
    config.dModel = o.dModel;
    config.heads = o.heads;
    config.blocks = o.blocks;
    return config;
}

// Draws windows of T + 1 consecutive bytes from one split of the text.
class WindowSampler {
public:
    WindowSampler(at::Tensor bytes, std::int64_t window) : m_bytes(std::move(bytes)), m_window(window) {}

    /// count x window int64 ids starting at uniform random positions.
    at::Tensor sample(std::int64_t count, std::mt19937_64& random) const {
        std::uniform_int_distribution<std::int64_t> start(0, m_bytes.size(0) - m_window);
        std::vector<std::int64_t> starts(static_cast<std::size_t>(count));
        for (std::int64_t& s : starts)
            s = start(random);
        const at::Tensor index = at::tensor(starts, at::kLong).unsqueeze(1) + at::arange(m_window, at::kLong);
        return m_bytes.index_select(0, index.reshape({-1})).reshape({count, m_window});
    }

private:
    at::Tensor m_bytes; // int64, one byte each
    std::int64_t m_window;
};

double meanLoss(models::TinyLm& model, const std::vector<at::Tensor>& batches, const CancelToken* cancel) {
    model->eval();
    torch::NoGradGuard noGrad;
    double total = 0;
    for (const at::Tensor& batch : batches) {
        if (cancel) cancel->throwIfCancelled();
        total += model->nextTokenLoss(batch).item<double>();
    }
    model->train();
    return total / static_cast<double>(batches.size());
}

// Linear warm-up, then cosine decay to kFinalLearningRateFraction of the peak.
double learningRateAt(const TinyLmTrainOptions& o, std::int64_t step) {
    const double warmup = std::max(1.0, kWarmupFraction * static_cast<double>(o.steps));
    if (static_cast<double>(step) < warmup) return o.learningRate * (static_cast<double>(step) + 1) / warmup;
    const double progress = (static_cast<double>(step) - warmup) / std::max(1.0, static_cast<double>(o.steps) - warmup);
    const double cosine = 0.5 * (1 + std::cos(M_PI * std::min(1.0, progress)));
    return o.learningRate * (kFinalLearningRateFraction + (1 - kFinalLearningRateFraction) * cosine);
}

void checkOutputFolder(const std::string& outDir) {
    std::error_code error;
    if (fs::exists(outDir, error) && !(fs::is_directory(outDir, error) && fs::is_empty(outDir, error)))
        throw InputError(outDir + ": already exists and is not an empty folder; choose another output folder");
}

nlohmann::ordered_json manifestJson(const TinyLmTrainOptions& o, const models::TinyLmConfig& config,
                                    const std::vector<std::string>& corpusNames, const TinyLmRunSummary& run) {
    nlohmann::ordered_json steps = nlohmann::ordered_json::array(), train = nlohmann::ordered_json::array(),
                           validation = nlohmann::ordered_json::array();
    for (const TinyLmLossRecord& r : run.history) {
        steps.push_back(r.step);
        train.push_back(r.trainLoss);
        validation.push_back(r.validationLoss);
    }
    return {{"format", kManifestFormat},
            {"model", models::kTinyLmModelName},
            {"model_config", nlohmann::json::parse(models::configToJson(config))},
            {"tokens", "bytes (token id = byte value)"},
            {"corpus", corpusNames},
            {"train_bytes", run.trainBytes},
            {"validation_bytes", run.validationBytes},
            {"split", "first 90% of the text trains, last 10% validates"},
            {"steps", o.steps},
            {"batch_size", o.batchSize},
            {"learning_rate", o.learningRate},
            {"weight_decay", o.weightDecay},
            {"eval_every", o.evalEvery},
            {"eval_batches", o.evalBatches},
            {"seed", o.seed},
            {"loss", kLossDescription},
            {"finished", true},
            {"loss_steps", steps},
            {"train_loss", train},
            {"validation_loss", validation},
            {"untrained_validation_loss", run.history.front().validationLoss},
            {"final_validation_loss", run.history.back().validationLoss},
            {"seconds", run.seconds},
            {"files", {{"model", models::kRunModelFile}}}};
}

// Writes the finished run under a temporary sibling name, then renames it to outDir: outDir either does not exist
// or is complete.
void writeRunFolder(const std::string& outDir, const models::TinyLm& model, const std::string& manifest) {
    checkOutputFolder(outDir);
    const fs::path target = fs::absolute(fs::path(outDir)).lexically_normal();
    const fs::path partial =
        target.parent_path() / (target.filename().string() + ".partial-" + std::to_string(::getpid()));
    std::error_code error;
    fs::remove_all(partial, error);
    fs::create_directories(partial, error);
    if (error) throw InputError(outDir + ": cannot create the run folder (" + error.message() + ")");
    try {
        models::saveStateDict(*model, (partial / models::kRunModelFile).string());
        io::writeFileAtomically((partial / models::kRunManifestFile).string(), manifest);
        if (fs::exists(target)) fs::remove(target); // an empty folder (checked above)
        fs::rename(partial, target);
    } catch (const fs::filesystem_error& failure) {
        fs::remove_all(partial, error);
        throw InputError(outDir + ": cannot write the run folder (" + failure.code().message() + ")");
    } catch (...) {
        fs::remove_all(partial, error);
        throw;
    }
}

} // namespace

std::string tinyLmModelName() {
    return models::kTinyLmModelName;
}

std::vector<std::string> defaultCorpusFiles() {
    std::vector<std::string> files;
    for (const char* name : {"GPL-3", "GPL-2", "LGPL-2.1", "Apache-2.0", "MPL-2.0", "Artistic"})
        files.push_back(std::string("/usr/share/common-licenses/") + name);
    return files;
}

std::string readCorpus(const std::vector<std::string>& files) {
    std::string text;
    for (const std::string& file : files) {
        if (!text.empty()) text += "\n\n";
        text += io::readInputFile(file, std::int64_t{256} << 20, "a training text"); // pipes and devices refused
    }
    if (static_cast<std::int64_t>(text.size()) < kMinimumCorpusBytes)
        throw InputError((files.empty() ? std::string("the corpus") : files.front()) + ": the text has " +
                         std::to_string(text.size()) + " bytes; at least " + std::to_string(kMinimumCorpusBytes) +
                         " are needed");
    return text;
}

void validateOptions(const TinyLmTrainOptions& o) {
    models::validateConfig(modelConfig(o));
    if (o.steps < 1) throw InputError("steps must be at least 1");
    if (o.batchSize < 1) throw InputError("batch size must be at least 1");
    if (!(o.learningRate > 0) || !std::isfinite(o.learningRate)) throw InputError("learning rate must be positive");
    if (!(o.weightDecay >= 0) || !std::isfinite(o.weightDecay)) throw InputError("weight decay must not be negative");
    if (o.evalEvery < 1 || o.evalBatches < 1) throw InputError("eval-every and eval-batches must be at least 1");
    if (o.threads < 0) throw InputError("threads must not be negative");
}

TinyLmRunSummary trainTinyLmRun(const TinyLmTrainOptions& o, const std::string& text,
                                const std::vector<std::string>& corpusNames, const std::string& outDir,
                                const TinyLmProgressCallback& progress, const CancelToken* cancel) {
    validateOptions(o);
    checkOutputFolder(outDir); // before minutes of training, not after
    const models::TinyLmConfig config = modelConfig(o);
    const std::int64_t window = config.contextLength + 1;
    const auto total = static_cast<std::int64_t>(text.size());
    const std::int64_t validationBytes =
        static_cast<std::int64_t>(std::floor(kValidationFraction * static_cast<double>(total)));
    const std::int64_t trainBytes = total - validationBytes;
    if (validationBytes < window)
        throw InputError("the text has " + std::to_string(total) + " bytes: its last 10% (" +
                         std::to_string(validationBytes) + " bytes) is shorter than one window of " +
                         std::to_string(window) + " (context + 1)");
    if (o.threads > 0) at::set_num_threads(o.threads);

    // Bytes as int64 ids (unsigned: UTF-8 continuation bytes are 128..255).
    at::Tensor bytes = at::empty({total}, at::kLong);
    std::int64_t* data = bytes.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < total; ++i)
        data[i] = static_cast<unsigned char>(text[static_cast<std::size_t>(i)]);
    const WindowSampler train(bytes.narrow(0, 0, trainBytes), window);
    const WindowSampler validation(bytes.narrow(0, trainBytes, validationBytes), window);

    at::manual_seed(o.seed);
    models::TinyLm model(config);
    model->train();
    torch::optim::AdamW optimizer(model->parameters(),
                                  torch::optim::AdamWOptions(o.learningRate).weight_decay(o.weightDecay));

    // The same validation (and step-0 train) windows at every evaluation, so the history is comparable.
    std::mt19937_64 random(o.seed ^ 0x5eedULL);
    std::vector<at::Tensor> validationBatches, trainProbe;
    for (std::int64_t b = 0; b < o.evalBatches; ++b) {
        validationBatches.push_back(validation.sample(o.batchSize, random));
        trainProbe.push_back(train.sample(o.batchSize, random));
    }

    TinyLmRunSummary run;
    run.directory = outDir;
    run.trainBytes = trainBytes;
    run.validationBytes = validationBytes;
    const Clock::time_point start = Clock::now();
    run.history.push_back({0, meanLoss(model, trainProbe, cancel), meanLoss(model, validationBatches, cancel)});

    TinyLmProgress position;
    position.steps = o.steps;
    double lossSum = 0;
    std::int64_t lossCount = 0;
    for (std::int64_t step = 0; step < o.steps; ++step) {
        if (cancel) cancel->throwIfCancelled();
        for (auto& group : optimizer.param_groups())
            static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learningRateAt(o, step));
        const at::Tensor loss = model->nextTokenLoss(train.sample(o.batchSize, random));
        optimizer.zero_grad();
        loss.backward();
        torch::nn::utils::clip_grad_norm_(model->parameters(), kGradientClip);
        optimizer.step();
        lossSum += loss.item<double>();
        ++lossCount;

        position.step = step + 1;
        position.fraction = static_cast<double>(step + 1) / static_cast<double>(o.steps);
        position.trainLoss = lossSum / static_cast<double>(lossCount);
        position.secondsPerStep = seconds(Clock::now() - start) / static_cast<double>(step + 1);
        if ((step + 1) % o.evalEvery == 0 || step + 1 == o.steps) {
            run.history.push_back(
                {step + 1, lossSum / static_cast<double>(lossCount), meanLoss(model, validationBatches, cancel)});
            lossSum = 0;
            lossCount = 0;
        }
        if (progress) progress(position);
    }
    run.seconds = seconds(Clock::now() - start);
    if (cancel) cancel->throwIfCancelled();
    model->eval();
    writeRunFolder(outDir, model, manifestJson(o, config, corpusNames, run).dump(2) + "\n");
    return run;
}

} // namespace codescope::training
