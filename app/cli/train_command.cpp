#include "app/cli/train_command.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <unistd.h>

#include "app/cli/command_line.h"
#include "core/common/input_error.h"
#include "core/common/paper_defaults.h"
#include "core/common/job_control.h"
#include "core/training/tiny_lm_training.h"
#include "core/training/vae_training.h"

namespace codescope::cli {

namespace {

const std::vector<double> kPaperDropouts(paper::kDropoutRates.begin(), paper::kDropoutRates.end());

// Ctrl-C asks the sweep to stop at the next batch; the last finished epoch's checkpoint stays and a re-run resumes.
CancelToken g_cancel;
extern "C" void onInterrupt(int) {
    g_cancel.cancel();
}

std::vector<double> parseDropouts(const std::string& text) {
    std::vector<double> rates;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        char* end = nullptr;
        errno = 0;
        const double rate = std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0' || errno != 0 || !(rate >= 0.0 && rate < 1.0))
            throw UsageError("--dropout must be rates in [0, 1) separated by commas, got '" + text + "'");
        rates.push_back(rate);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return rates;
}

double parseRate(const CommandLine& cl, const std::string& name, double fallback) {
    if (!cl.has(name)) return fallback;
    const std::string text = cl.text(name);
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(value > 0) || !std::isfinite(value))
        throw UsageError("--" + name + " must be a positive number, got '" + text + "'");
    return value;
}

std::string duration(double secondsLeft) {
    const long total = std::lround(std::max(0.0, secondsLeft));
    char text[32];
    if (total >= 3600)
        std::snprintf(text, sizeof text, "%ldh%02ldm", total / 3600, total / 60 % 60);
    else
        std::snprintf(text, sizeof text, "%ldm%02lds", total / 60, total % 60);
    return text;
}

// One status line on stderr: redrawn in place on a terminal, otherwise printed every 15 s (logs stay short).
training::TrainingProgressCallback progressLine(bool quiet, std::int64_t imagesPerEpoch) {
    if (quiet) return {};
    const bool terminal = ::isatty(STDERR_FILENO);
    using Clock = std::chrono::steady_clock;
    auto last = std::make_shared<Clock::time_point>(Clock::now() - std::chrono::hours(1));
    return [terminal, last, imagesPerEpoch](const training::TrainingProgress& p) {
        const auto now = Clock::now();
        const auto interval = terminal ? std::chrono::milliseconds(250) : std::chrono::milliseconds(15000);
        if (now - *last < interval && p.fraction < 1.0) return;
        *last = now;
        const std::string eta = p.etaSeconds < 0 ? std::string("--") : duration(p.etaSeconds);
        const std::string perEpoch =
            p.samplesPerSecond > 0 ? duration(static_cast<double>(imagesPerEpoch) / p.samplesPerSecond) : "--";
        std::fprintf(stderr,
                     "%srun %d/%d (dropout %g)  epoch %lld/%lld  %5.1f%%  %6.0f img/s  %s/epoch  ETA %s  loss %.1f%s",
                     terminal ? "\r" : "", p.run + 1, p.runs, p.dropout, static_cast<long long>(p.epoch + 1),
                     static_cast<long long>(p.epochs), 100.0 * p.fraction, p.samplesPerSecond, perEpoch.c_str(),
                     eta.c_str(), p.trainLoss, terminal ? "   " : "\n");
        std::fflush(stderr);
    };
}

const char* outcomeText(training::RunSummary::Outcome outcome) {
    switch (outcome) {
    case training::RunSummary::Outcome::Trained:
        return "trained";
    case training::RunSummary::Outcome::Resumed:
        return "resumed";
    case training::RunSummary::Outcome::AlreadyFinished:
        return "already finished";
    }
    return "";
}

models::DropoutPlacement parseDropoutPlacement(const std::string& text) {
    try {
        return models::parseDropoutPlacement(text);
    } catch (const InputError& error) {
        throw UsageError(std::string("--dropout-placement: ") + error.what());
    }
}

training::VaeLoss parseLoss(const std::string& text) {
    try {
        return training::parseVaeLoss(text);
    } catch (const InputError& error) {
        throw UsageError(std::string("--loss: ") + error.what());
    }
}

// The authors' experiment is long: say so, then time one training step and print what that makes of an epoch and
// of the whole sweep before the first epoch starts (the progress line keeps both up to date while it runs).
void printPaperEstimate(const training::TrainOptions& options, const training::TrainingData& data, std::size_t runs) {
    std::fprintf(stderr,
                 "--preset paper is the authors' full experiment (ResNet-18 at %lld x %lld, fc %lld / %lld, latent "
                 "%lld): on a CPU it takes days. Runs resume where they stopped (Ctrl-C is safe).\n"
                 "timing one training step of %lld images to estimate the time ...\n",
                 static_cast<long long>(paper::kInputSize), static_cast<long long>(paper::kInputSize),
                 static_cast<long long>(paper::kHidden1), static_cast<long long>(paper::kHidden2),
                 static_cast<long long>(paper::kLatent),
                 static_cast<long long>(std::min(options.batchSize, data.train.count)));
    std::fflush(stderr);
    const double epoch = training::estimateEpochSeconds(options, data);
    const double total = epoch * static_cast<double>(runs) * static_cast<double>(options.epochs);
    std::fprintf(stderr, "estimate: %s per epoch, ETA %s for %zu run(s) x %lld epochs (before any resumed epochs)\n",
                 duration(epoch).c_str(), duration(total).c_str(), runs, static_cast<long long>(options.epochs));
    std::fflush(stderr);
}

// Options only one of the two model families takes; naming one with the other family is a usage error.
const std::vector<std::string> kVaeOnlyOptions = {"dataset", "dropout",           "epochs", "samples", "test-samples",
                                                  "preset",  "dropout-placement", "loss"};
const std::vector<std::string> kLmOnlyOptions = {"text", "steps"};

void rejectOptions(const CommandLine& cl, const std::vector<std::string>& names, const std::string& model) {
    for (const std::string& name : names)
        if (cl.has(name)) throw UsageError("--" + name + " does not apply to --model " + model);
}

// `train --model tiny-lm`: one run, trained in memory and written when finished (Ctrl-C leaves nothing behind).
int runTinyLmTrain(const CommandLine& cl) {
    rejectOptions(cl, kVaeOnlyOptions, "tiny-lm");
    training::TinyLmTrainOptions options;
    options.steps = cl.integer("steps", options.steps, 1, 10000000);
    options.batchSize = cl.integer("batch", options.batchSize, 1, 1000000);
    options.learningRate = parseRate(cl, "learning-rate", options.learningRate);
    options.seed =
        static_cast<std::uint64_t>(cl.integer("seed", static_cast<std::int64_t>(options.seed), 0, INT64_MAX));
    options.threads = static_cast<int>(cl.integer("threads", 0, 0, 1024));
    if (cl.has("text")) options.textFiles = {cl.text("text")};
    const std::string out = cl.text("out", "runs/tiny-lm");
    if (out.empty()) throw UsageError("--out needs a folder");
    training::validateOptions(options);

    const std::vector<std::string> files =
        options.textFiles.empty() ? training::defaultCorpusFiles() : options.textFiles;
    const std::string text = training::readCorpus(files);
    const bool quiet = cl.has("quiet");
    if (!quiet)
        std::fprintf(stderr,
                     "training tiny-lm (%lld blocks, d %lld, context %lld bytes) on %zu file(s), %zu bytes, "
                     "%lld steps of %lld windows into %s/\n",
                     static_cast<long long>(options.blocks), static_cast<long long>(options.dModel),
                     static_cast<long long>(options.contextLength), files.size(), text.size(),
                     static_cast<long long>(options.steps), static_cast<long long>(options.batchSize), out.c_str());

    // One line per block of evalEvery steps: the block's mean training loss and the mean time per step so far.
    const training::TinyLmProgressCallback progress = [&](const training::TinyLmProgress& p) {
        if (quiet || (p.step % options.evalEvery != 0 && p.step != p.steps)) return;
        std::fprintf(stderr, "step %6lld/%lld  train loss %.3f  %.4f s/step\n", static_cast<long long>(p.step),
                     static_cast<long long>(p.steps), p.trainLoss, p.secondsPerStep);
        std::fflush(stderr);
    };
    std::signal(SIGINT, onInterrupt);
    training::TinyLmRunSummary run;
    try {
        run = training::trainTinyLmRun(options, text, files, out, progress, &g_cancel);
    } catch (const Cancelled&) {
        std::fprintf(stderr, "\ninterrupted: nothing was written\n");
        return 130;
    }
    std::printf("%8s  %12s  %15s\n", "step", "train loss", "validation loss");
    for (const training::TinyLmLossRecord& r : run.history)
        std::printf("%8lld  %12.3f  %15.3f\n", static_cast<long long>(r.step), r.trainLoss, r.validationLoss);
    std::printf("(nats per byte; ln 256 = 5.545 is uniform guessing; step 0: the untrained model; train loss: mean "
                "over the steps since the previous row)\n%.1f s (%.4f s/step), %lld train and %lld validation bytes, "
                "run folder %s\n",
                run.seconds, run.seconds / static_cast<double>(options.steps), static_cast<long long>(run.trainBytes),
                static_cast<long long>(run.validationBytes), out.c_str());
    return 0;
}

} // namespace

std::string trainHelp() {
    const training::TrainOptions d;
    const training::TinyLmTrainOptions lm;
    char text[8192];
    std::snprintf(text, sizeof text, R"(usage: codescope-cli train [options]

Trains the paper's ResNet-VAE (Methods, "Model training") once per dropout rate, the runs whose spectra Fig. 5
and 6 compare. Each run gets a folder OUT/dropout-RATE/ with manifest.json (settings,
loss per epoch, untrained and final test loss), checkpoint.pt (after every epoch) and, when done, model.pt (the
state_dict in torch.save format: PyTorch loads it with load_state_dict(torch.load(...))). Re-running the same
command skips finished runs and resumes an interrupted one from its last finished epoch (Ctrl-C is safe).
As the authors' code: dropout follows every ReLU call of the ResNet-18 encoder only (--dropout-placement
encoder), and the loss is binary cross-entropy of the reconstruction (summed over pixels) + KL divergence
(--loss bce; the paper's text says MSE + KL: --loss mse). Adam. The manifest records preset, placement and loss,
and every analysis of the run lists how it differs from the paper.

Presets (explicit flags override their values):
  demo   (default) resnet-vae-small on 1 x 28 x 28 Fashion-MNIST, %lld epochs of %lld images: the five-run sweep
         takes about ten minutes on two CPU cores.
  paper  the authors' experiment: resnet-vae (ResNet-18, fc %lld / %lld, latent %lld) on CIFAR-10 resized to
         %lld x %lld (--dataset cifar10:FOLDER), every image, %lld epochs, batch %lld, Adam %g. On a CPU this
         takes days: it times one step first and prints s/epoch and an ETA before and while it runs; interrupted
         runs resume.

--model tiny-lm trains instead a small GPT-style byte-level language model (%lld blocks, d = %lld, %lld heads,
context %lld bytes, GELU MLPs: the layers Fig. 7 analyses) on a UTF-8 text: bytes are tokens, the first 90%% of
the text trains, the last 10%% validates; AdamW, random windows. The run folder OUT (manifest.json with the loss
history, model.pt) is written only when training finished; the default takes a few minutes on two CPU cores.
Options for it: --text, --steps, --batch, --learning-rate, --seed, --threads, --out, --quiet.

options:
  --preset NAME         demo or paper (see above)                                             [demo]
  --dropout-placement P encoder (after the ResNet-18 encoder's ReLUs, the authors') or all
                        (also after the fc and decoder ReLUs, what Codescope did before)     [encoder]
  --loss L              bce (BCE + KL, the authors' code) or mse (MSE + KL, the paper's text)    [bce]
  --model NAME          resnet-vae-small (1 x 28 x 28, widths / 8), resnet-vae (the paper's),
                        or tiny-lm (the byte-level language model)                             [%s]
  --dataset SPEC        fashion-mnist, fashion-mnist:FOLDER (IDX files) or cifar10:FOLDER    [%s]
  --dropout R1,R2,...   dropout rates in [0, 1), one run each                     [0,0.2,0.4,0.6,0.8]
  --epochs N            epochs per run                                                         [%lld]
  --samples N           training images: the first N of the train split (0 = all)             [%lld]
  --test-samples N      test images: the first N of the test split (0 = all)                   [%lld]
  --batch N             batch size (paper: 50; tiny-lm: windows per step, %lld)                  [%lld]
  --learning-rate X     Adam's learning rate (paper: 1e-3; tiny-lm: AdamW's peak, %g)       [%g]
  --seed N              seed of the initial weights, shuffling, dropout and sampling            [%llu]
  --threads N           LibTorch threads (0 = all cores)                                        [0]
  --out FOLDER          where the run folders go (tiny-lm: the run folder, runs/tiny-lm)       [runs]
  --text FILE           tiny-lm: the UTF-8 text to train on           [the licence texts in
                        /usr/share/common-licenses: GPL-3, GPL-2, LGPL-2.1, Apache-2.0, MPL-2.0, Artistic]
  --steps N             tiny-lm: AdamW steps                                                    [%lld]
  --quiet               no progress line
  --help                this text

exit status: 0 success, 2 bad input or usage (one-line error on stderr), 130 interrupted (a VAE sweep resumes
when re-run; an interrupted tiny-lm run leaves nothing behind).
)",
                  static_cast<long long>(d.epochs), static_cast<long long>(d.trainSamples),
                  static_cast<long long>(paper::kHidden1), static_cast<long long>(paper::kHidden2),
                  static_cast<long long>(paper::kLatent), static_cast<long long>(paper::kInputSize),
                  static_cast<long long>(paper::kInputSize), static_cast<long long>(paper::kTrainEpochs),
                  static_cast<long long>(paper::kTrainBatchSize), paper::kTrainLearningRate,
                  static_cast<long long>(lm.blocks), static_cast<long long>(lm.dModel),
                  static_cast<long long>(lm.heads), static_cast<long long>(lm.contextLength), d.model.c_str(),
                  d.dataset.c_str(), static_cast<long long>(d.epochs), static_cast<long long>(d.trainSamples),
                  static_cast<long long>(d.testSamples), static_cast<long long>(lm.batchSize),
                  static_cast<long long>(d.batchSize), lm.learningRate, d.learningRate,
                  static_cast<unsigned long long>(d.seed), static_cast<long long>(lm.steps));
    return text;
}

int runTrainCommand(const std::vector<std::string>& args) {
    const CommandLine cl(args,
                         {"model", "dataset", "dropout", "epochs", "samples", "test-samples", "batch", "learning-rate",
                          "seed", "threads", "out", "text", "steps", "preset", "dropout-placement", "loss"},
                         {"quiet", "help"});
    if (cl.has("help")) {
        std::fputs(trainHelp().c_str(), stdout);
        return 0;
    }
    if (cl.text("model") == training::tinyLmModelName()) return runTinyLmTrain(cl);
    if (cl.has("preset")) {
        const std::vector<std::string> names = training::trainingPresetNames();
        if (std::find(names.begin(), names.end(), cl.text("preset")) == names.end())
            throw UsageError("--preset must be demo or paper, got '" + cl.text("preset") + "'");
    }
    // The preset first; every flag given explicitly overrides its value.
    training::TrainOptions options = training::trainingPreset(cl.text("preset", "demo"));
    rejectOptions(cl, kLmOnlyOptions, cl.text("model", options.model));
    options.model = cl.text("model", options.model);
    options.dataset = cl.text("dataset", options.dataset);
    options.epochs = cl.integer("epochs", options.epochs, 1, 100000);
    options.trainSamples = cl.integer("samples", options.trainSamples, 0, INT64_MAX);
    options.testSamples = cl.integer("test-samples", options.testSamples, 0, INT64_MAX);
    options.batchSize = cl.integer("batch", options.batchSize, 2, 1000000);
    options.learningRate = parseRate(cl, "learning-rate", options.learningRate);
    options.seed =
        static_cast<std::uint64_t>(cl.integer("seed", static_cast<std::int64_t>(options.seed), 0, INT64_MAX));
    options.threads = static_cast<int>(cl.integer("threads", 0, 0, 1024));
    if (cl.has("dropout-placement")) options.dropoutPlacement = parseDropoutPlacement(cl.text("dropout-placement"));
    if (cl.has("loss")) options.loss = parseLoss(cl.text("loss"));
    const std::vector<double> dropouts = cl.has("dropout") ? parseDropouts(cl.text("dropout")) : kPaperDropouts;
    const std::string out = cl.text("out", "runs");
    if (out.empty()) throw UsageError("--out needs a folder");
    if (options.dataset == "cifar10")
        throw UsageError("--preset paper trains on CIFAR-10: name its folder with --dataset cifar10:FOLDER (the "
                         "binary version: data_batch_1..5.bin and test_batch.bin)");

    training::validateOptions(options);
    const training::TrainingData data = training::loadTrainingData(options);
    const bool quiet = cl.has("quiet");
    if (!quiet) {
        std::fprintf(stderr,
                     "training %s on %s (%lld train, %lld test images), %zu run(s) x %lld epochs into %s/\n"
                     "preset %s; dropout %s; loss: %s\n",
                     options.model.c_str(), data.name.c_str(), static_cast<long long>(data.train.count),
                     static_cast<long long>(data.test.count), dropouts.size(), static_cast<long long>(options.epochs),
                     out.c_str(), options.preset.c_str(),
                     models::dropoutPlacementDescription(options.dropoutPlacement).c_str(),
                     training::vaeLossDescription(options.loss).c_str());
        if (options.preset == "paper") printPaperEstimate(options, data, dropouts.size());
    }

    std::signal(SIGINT, onInterrupt);
    std::vector<training::RunSummary> runs;
    try {
        runs =
            training::trainDropoutSweep(options, dropouts, data, out, progressLine(quiet, data.train.count), &g_cancel);
    } catch (const Cancelled&) {
        std::fprintf(stderr, "\ninterrupted: finished epochs are saved; run the same command again to resume\n");
        return 130;
    }
    if (!quiet && ::isatty(STDERR_FILENO)) std::fputs("\n", stderr);

    std::printf("%-8s  %6s  %14s  %14s  %9s  %-16s  %s\n", "dropout", "epochs", "untrained loss", "test loss",
                "s/epoch", "run", "folder");
    for (const training::RunSummary& run : runs) {
        double seconds = 0;
        for (const training::EpochRecord& epoch : run.epochs)
            seconds += epoch.seconds;
        std::printf("%-8g  %6zu  %14.2f  %14.2f  %9.1f  %-16s  %s\n", run.dropout, run.epochs.size(),
                    run.untrainedTestLoss, run.epochs.back().testLoss, seconds / static_cast<double>(run.epochs.size()),
                    outcomeText(run.outcome), run.directory.c_str());
    }
    std::printf("(loss per test image: %s; s/epoch: mean wall time of an epoch,\n"
                " training and test evaluation, over every finished epoch of the run)\n",
                options.loss == training::VaeLoss::Bce ? "BCE summed over pixels + KL divergence"
                                                       : "squared error summed over pixels + KL divergence");
    return 0;
}

} // namespace codescope::cli
