#include "app/cli/mine_command.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <istream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "app/cli/command_line.h"
#include "core/io/atomic_file.h"
#include "core/mine/dropout_mlp_experiment.h"
#include "core/mine/known_channels.h"
#include "core/mine/mine_estimator.h"
#include "core/mine/paper_mlp_experiment.h"

namespace codescope::cli {

const char* const kMineHelp = R"(usage: codescope-cli mine TOPIC [options] [--json FILE]

MINE, mutual information neural estimation (Belghazi et al. 2018; the paper's Supplementary Fig. 1): a statistics
network T is trained to maximise the Donsker-Varadhan bound I(X; Y) >= E_joint[T] - ln E_marginals[exp T], with the
MINE paper's bias-corrected moving-average gradient, and the bound is then evaluated on fresh samples. Mutual
information is in nats (1 bit = ln 2 = 0.693 nats); the estimate is a lower bound up to sampling noise.

topics:
  channel   estimates on channels whose mutual information is known exactly (bsc, erasure, gaussian)
  layers    I(input; layer) for every layer of a deep dropout network, trained and untrained, next to eq. 2:
            --preset bits (default, minutes) or --preset paper (the authors' run, much longer)

Run `codescope-cli mine TOPIC --help` for a topic's options.
)";

namespace {

const char* const kChannelHelp = R"(usage: codescope-cli mine channel [options]

Estimates I(X; Y) by MINE for `uses` independent uses of a channel and prints it next to the exact value, in nats:
  bsc       X uniform on {-1, +1}, Y = -X with probability p      I = uses (ln 2 - h(p))        [8 uses, p = 0.2]
  erasure   X uniform on {-1, +1}, Y = 0 with probability D,      I = uses (1 - D) ln 2         [8 uses, D = 0.5]
            else Y = X (the paper's dropout channel, Theorem 3)
  gaussian  X ~ N(0, 1), Y = X + N(0, sigma^2)                    I = uses/2 ln(1 + 1/sigma^2)  [4 uses, sigma = 1]
with h(p) = -p ln p - (1-p) ln(1-p). The time column is the whole estimate (training and evaluation).

options:
  --kind K        bsc, erasure, gaussian or all                          [all]
  --uses N        independent uses (dimensions) of the channel           [8; gaussian 4]
  --p P           flip probability of bsc, in [0, 1]                     [0.2]
  --erasure D     erasure probability of erasure, in [0, 1]              [0.5]
  --sigma S       noise standard deviation of gaussian, > 0              [1]
  --steps N       Adam steps of the statistics network                   [1500]
  --batch N       joint samples per step (and as many marginal pairs)    [256]
  --hidden N      units in each of T's two hidden layers                 [128]
  --lr X          Adam's learning rate, cosine-decayed to 0              [0.002]
  --samples N     fresh joint samples for the final estimate             [32768]
  --seed S        seed of the network, the samples and the pairings      [0]
  --threads N     LibTorch threads, 0: its default (more rarely help)    [1]
  --json FILE     write the table, the options and the training curves as JSON (written atomically)
  --help          this text
)";

const char* const kLayersHelp = R"(usage: codescope-cli mine layers [--preset bits|paper] [options]

Supplementary Fig. 1: how much of a deep network's input survives to each layer under dropout, for a trained network
and an untrained copy with the same initial weights, estimated by MINE in nats. Two experiments:

--preset bits (the default; about two minutes on one CPU core)
  The implementation's own, fast version: an MLP of --depth hidden layers of --width units, each a ReLU followed by
  dropout D, is trained with Adam (batches of 256, learning rate 0.003) to carry --bits uniform random bits, fed as
  {-1, +1}, to a linear read-out (binary cross-entropy, dropout on). Each layer carries at most H(X) = bits ln 2,
  and a layer of one-bit units behind dropout at most ln 2 x width x (1 - D) (eq. 2, Theorem 3): the limit column.
  It is the default because it answers the figure's question in minutes; the paper preset takes far longer.

--preset paper (the authors' run, as their script Estimate-MI-of-NN-Layers.py did it)
  3 inputs x ~ U(-1, 1) regressed onto themselves (MSE) through 40 Dense(32, tanh) layers with Dropout(0.2) after
  every 4th layer and a linear read-out; Adam (rate 0.001), 4 epochs over 10^6 samples. MINE's statistics network
  has 3 hidden layers of 64 units, trained 100 epochs at rate 1e-4, then 50 at 5e-6; the estimate is the running
  mean of the bound over held-out batches. Printed per layer next to eq. 2's reference lines for the width and
  rate: C (1 - D) with error correction, C (1 - D)^N without, C = width x --unit-bits bits.
  How long: about 30 minutes on one unloaded CPU core. Measured (CPU time of one thread on the development
  machine): a training epoch of 10^6 samples about 130 s, a MINE epoch about 4 s (all 40 layers of one network at
  once; 150 epochs for each of the two networks). A busy machine takes longer: an estimate is printed before it
  starts, each training epoch's seconds when it ends, and (on a terminal) the time left while it runs.
  The settings the authors' record leaves open are the implementation's own and are listed in the output and the
  JSON (network batch 32, Keras' default; MINE's 16384 training rows, batches of 256, 16384 held-out rows; dropout
  on while measuring).

options of both presets:
  --preset P        bits or paper                                        [bits]
  --depth L         hidden layers                                        [bits 20; paper 40]
  --width W         units per hidden layer                               [32]
  --dropout D       dropout rate, in [0, 1)                              [bits 0.25; paper 0.2]
  --hidden N        units in each of T's hidden layers                   [64]
  --seed S          seed of the network, its training and MINE           [0]
  --threads N       LibTorch threads, 0: its default (more rarely help)  [1]
  --quiet           nothing on stderr but errors (no estimate, epoch or progress lines)
  --json FILE       write the per-layer table, the options and the training loss as JSON (written atomically)
  --help            this text

options of --preset bits:
  --bits K          input bits carried through the network               [6]
  --train-steps N   Adam steps training the MLP                          [6000]
  --mine-steps N    Adam steps of the statistics networks                [1500]
  --samples N       fresh samples for each final estimate                [16384]

options of --preset paper (smaller sizes run faster and are listed as differences from the authors' run):
  --inputs N          input dimensions                                   [3]
  --dropout-every K   a dropout layer after every K-th layer             [4]
  --epochs N          training epochs                                    [4]
  --samples N         training samples (one epoch)                       [1000000]
  --batch N           training batch                                     [32]
  --mine-layers N     hidden layers of T                                 [3]
  --mine-epochs N     MINE epochs at rate 1e-4                           [100]
  --mine-fine-epochs N  MINE epochs at rate 5e-6 after them (0: none)    [50]
  --mine-samples N    MINE's training rows                               [16384]
  --mine-batch N      MINE's batch                                       [256]
  --held-out N        held-out rows of the estimate                      [16384]
  --measure-dropout on|off  dropout while measuring the layers           [on]
  --unit-bits B       bits per unit of eq. 2's reference lines           [1]
)";

constexpr std::int64_t kMaxCount = 1'000'000'000;

// "95 s", "12.5 min", "3.2 h".
std::string durationText(double seconds) {
    char text[32];
    if (seconds < 120)
        std::snprintf(text, sizeof text, "%.0f s", seconds);
    else if (seconds < 7200)
        std::snprintf(text, sizeof text, "%.1f min", seconds / 60.0);
    else
        std::snprintf(text, sizeof text, "%.1f h", seconds / 3600.0);
    return text;
}

// A real-valued option. Only the syntax is checked here; the core checks the range (InputError, exit 2).
double real(const CommandLine& cl, const std::string& name, double fallback) {
    if (!cl.has(name)) return fallback;
    std::istringstream in(cl.text(name));
    double value = 0;
    if (!(in >> value) || !(in >> std::ws).eof())
        throw UsageError("--" + name + " must be a number, got '" + cl.text(name) + "'");
    return value;
}

// The estimator options both topics share; `stepsOption` names the steps option ("steps" or "mine-steps").
mine::MineOptions mineOptions(const CommandLine& cl, mine::MineOptions options, const std::string& stepsOption) {
    options.steps = cl.integer(stepsOption, options.steps, 1, kMaxCount);
    options.hiddenUnits = cl.integer("hidden", options.hiddenUnits, 1, 65536);
    options.evaluationSamples = cl.integer("samples", options.evaluationSamples, 2, kMaxCount);
    options.seed = static_cast<std::uint64_t>(cl.integer("seed", 0, 0, std::numeric_limits<std::int64_t>::max()));
    options.threads = static_cast<int>(cl.integer("threads", 1, 0, 1024));
    return options;
}

nlohmann::json mineOptionsJson(const mine::MineOptions& o) {
    nlohmann::json phases = nlohmann::json::array();
    for (const mine::MinePhase& phase : o.phases)
        phases.push_back({{"steps", phase.steps}, {"learning_rate", phase.learningRate}});
    return {{"steps", mine::totalSteps(o)},
            {"batch_size", o.batchSize},
            {"hidden_units", o.hiddenUnits},
            {"hidden_layers", o.hiddenLayers},
            {"phases", phases},
            {"training_rows", o.trainingRows},
            {"batch_mean_evaluation", o.batchMeanEvaluation},
            {"learning_rate", o.learningRate},
            {"moving_average_rate", o.movingAverageRate},
            {"evaluation_samples", o.evaluationSamples},
            {"clamp_sigma", o.clampSigma},
            {"seed", o.seed},
            {"threads", o.threads}};
}

void writeJson(const CommandLine& cl, const nlohmann::json& json) {
    if (cl.has("json")) io::writeFileAtomically(cl.text("json"), json.dump(2) + "\n");
}

std::string channelParameter(const mine::ChannelOptions& c) {
    char text[48];
    switch (c.kind) {
    case mine::ChannelKind::BinarySymmetric:
        std::snprintf(text, sizeof text, "p = %g", c.flipProbability);
        break;
    case mine::ChannelKind::Erasure:
        std::snprintf(text, sizeof text, "D = %g", c.erasureProbability);
        break;
    case mine::ChannelKind::Gaussian:
        std::snprintf(text, sizeof text, "sigma = %g", c.noiseStd);
        break;
    }
    return text;
}

int channelTopic(const CommandLine& cl) {
    const std::string kindName = cl.text("kind", "all");
    std::vector<mine::ChannelKind> kinds;
    for (mine::ChannelKind kind :
         {mine::ChannelKind::BinarySymmetric, mine::ChannelKind::Erasure, mine::ChannelKind::Gaussian})
        if (kindName == "all" || kindName == mine::channelName(kind)) kinds.push_back(kind);
    if (kinds.empty()) throw UsageError("--kind must be bsc, erasure, gaussian or all, got '" + kindName + "'");
    // A parameter of another kind than the one asked for is a mistake, not something to ignore.
    const std::pair<const char*, const char*> parameters[] = {
        {"p", "bsc"}, {"erasure", "erasure"}, {"sigma", "gaussian"}};
    for (const auto& [option, kind] : parameters)
        if (cl.has(option) && kindName != "all" && kindName != kind)
            throw UsageError(std::string("--") + option + " applies to --kind " + kind + ", not " + kindName);
    std::vector<mine::ChannelOptions> channels;
    for (mine::ChannelKind kind : kinds) {
        mine::ChannelOptions channel = mine::defaultChannelOptions(kind);
        channel.uses = cl.integer("uses", channel.uses, 1, 1000000);
        channel.flipProbability = real(cl, "p", channel.flipProbability);
        channel.erasureProbability = real(cl, "erasure", channel.erasureProbability);
        channel.noiseStd = real(cl, "sigma", channel.noiseStd);
        mine::validateChannel(channel);
        channels.push_back(channel);
    }
    mine::MineOptions options = mineOptions(cl, mine::MineOptions(), "steps");
    options.batchSize = cl.integer("batch", options.batchSize, 2, kMaxCount);
    options.learningRate = real(cl, "lr", options.learningRate);
    mine::validateOptions(options);

    std::printf("MINE on channels of known mutual information, nats (%lld steps of %lld samples, %lld held out)\n\n",
                static_cast<long long>(options.steps), static_cast<long long>(options.batchSize),
                static_cast<long long>(options.evaluationSamples));
    std::printf("  %-9s %5s  %-12s %9s %9s %10s %9s\n", "channel", "uses", "parameter", "estimate", "exact",
                "rel. error", "seconds");
    nlohmann::json rows = nlohmann::json::array();
    for (const mine::ChannelOptions& channel : channels) {
        const double exact = mine::exactMutualInformation(channel);
        const mine::MineResult result = mine::estimateMutualInformation(mine::channelSampler(channel), options);
        const mine::MineEstimate& estimate = result.estimates.front();
        const double error = exact > 0 ? (estimate.mutualInformation - exact) / exact : 0.0;
        std::printf("  %-9s %5lld  %-12s %9.4f %9.4f %+9.1f%% %9.2f\n", mine::channelName(channel.kind).c_str(),
                    static_cast<long long>(channel.uses), channelParameter(channel).c_str(), estimate.mutualInformation,
                    exact, 100.0 * error, result.seconds);
        std::fflush(stdout);
        rows.push_back({{"kind", mine::channelName(channel.kind)},
                        {"channel", mine::describeChannel(channel)},
                        {"uses", channel.uses},
                        {"parameter", channelParameter(channel)},
                        {"estimate_nats", estimate.mutualInformation},
                        {"exact_nats", exact},
                        {"relative_error", exact > 0 ? nlohmann::json(error) : nlohmann::json()},
                        {"seconds", result.seconds},
                        {"training_curve_nats", estimate.trainingCurve}});
    }
    std::printf("\n  rel. error = (estimate - exact) / exact; MINE's bound sits below the exact value up to noise.\n");
    writeJson(cl, {{"topic", "mine channel"},
                   {"estimator", "MINE: Donsker-Varadhan bound, bias-corrected moving-average gradient; nats"},
                   {"options", mineOptionsJson(options)},
                   {"rows", rows}});
    return 0;
}

// A percentage and, once a little is done, the time left on stderr, redrawn in place when stderr is a terminal
// (nothing otherwise, or with --quiet). The time left extrapolates the elapsed time linearly in the fraction.
ProgressCallback percentLine(bool quiet, const char* label) {
    if (quiet || !::isatty(STDERR_FILENO)) return {};
    struct State {
        std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
        int shown = -1;
    };
    auto state = std::make_shared<State>();
    return [state, label](double fraction) {
        const int permille = static_cast<int>(fraction * 1000.0 + 1e-9);
        if (permille == state->shown) return;
        state->shown = permille;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - state->start).count();
        char eta[48] = "";
        if (fraction >= 0.005 && fraction < 1.0)
            std::snprintf(eta, sizeof eta, ", about %s left",
                          durationText(elapsed * (1.0 - fraction) / fraction).c_str());
        std::fprintf(stderr, "\r  %s: %5.1f%%%s%-20s%s", label, permille / 10.0, eta, "", permille >= 1000 ? "\n" : "");
        std::fflush(stderr);
    };
}

int bitsLayersTopic(const CommandLine& cl) {
    mine::DropoutMlpOptions o;
    o.bits = cl.integer("bits", o.bits, 1, 1024);
    o.depth = cl.integer("depth", o.depth, 1, 1000);
    o.width = cl.integer("width", o.width, 1, 65536);
    o.dropout = real(cl, "dropout", o.dropout);
    o.trainSteps = cl.integer("train-steps", o.trainSteps, 1, kMaxCount);
    o.mine = mineOptions(cl, o.mine, "mine-steps");
    o.seed = o.mine.seed;
    o.threads = o.mine.threads;
    mine::validateOptions(o);

    const mine::DropoutMlpResult r = mine::runDropoutMlpExperiment(o, percentLine(cl.has("quiet"), "mine layers"));
    const double finalLoss = r.trainingLoss.empty() ? 0.0 : r.trainingLoss.back();
    std::printf("MINE per layer: %lld hidden layers of %lld units, dropout D = %g, carrying %lld bits (nats)\n\n",
                static_cast<long long>(o.depth), static_cast<long long>(o.width), o.dropout,
                static_cast<long long>(o.bits));
    std::printf("  H(X) = %lld ln 2 = %.4f; limit of a layer ln 2 x %lld x (1 - %g) = %.4f\n",
                static_cast<long long>(o.bits), r.inputEntropyNats, static_cast<long long>(o.width), o.dropout,
                r.layerLimitNats);
    std::printf("  bits read out right (dropout on): trained %.1f%%, untrained %.1f%%; last training loss %.4f\n",
                100.0 * r.trainedBitAccuracy, 100.0 * r.untrainedBitAccuracy, finalLoss);
    std::printf("  training %.1f s, MINE %.1f s\n\n", r.trainSeconds, r.mineSeconds);
    std::printf("  %5s  %10s  %10s  %10s\n", "layer", "trained", "untrained", "limit");
    nlohmann::json layers = nlohmann::json::array();
    for (std::size_t l = 0; l < r.trainedNats.size(); ++l) {
        std::printf("  %5zu  %10.4f  %10.4f  %10.4f\n", l + 1, r.trainedNats[l], r.untrainedNats[l], r.layerLimitNats);
        layers.push_back({{"layer", l + 1},
                          {"trained_nats", r.trainedNats[l]},
                          {"untrained_nats", r.untrainedNats[l]},
                          {"limit_nats", r.layerLimitNats}});
    }
    std::printf("\n  MINE gives lower bounds, each also bounded by H(X) and never rising with depth in truth (data\n"
                "  processing): where a later layer reads higher, the earlier layer's estimate is the looser one.\n");
    writeJson(cl, {{"topic", "mine layers"},
                   {"preset", "bits"},
                   {"estimator", "MINE: Donsker-Varadhan bound, bias-corrected moving-average gradient; nats"},
                   {"options",
                    {{"bits", o.bits},
                     {"depth", o.depth},
                     {"width", o.width},
                     {"dropout", o.dropout},
                     {"train_steps", o.trainSteps},
                     {"batch_size", o.batchSize},
                     {"learning_rate", o.learningRate},
                     {"seed", o.seed},
                     {"mine", mineOptionsJson(o.mine)}}},
                   {"input_entropy_nats", r.inputEntropyNats},
                   {"layer_limit_nats", r.layerLimitNats},
                   {"trained_bit_accuracy", r.trainedBitAccuracy},
                   {"untrained_bit_accuracy", r.untrainedBitAccuracy},
                   {"train_seconds", r.trainSeconds},
                   {"mine_seconds", r.mineSeconds},
                   {"layers", layers},
                   {"training_loss", r.trainingLoss}});
    return 0;
}

// "on"/"off" options.
bool onOff(const CommandLine& cl, const std::string& name, bool fallback) {
    if (!cl.has(name)) return fallback;
    const std::string value = cl.text(name);
    if (value == "on") return true;
    if (value == "off") return false;
    throw UsageError("--" + name + " must be on or off, got '" + value + "'");
}

nlohmann::json paperOptionsJson(const mine::PaperMlpOptions& o) {
    return {{"inputs", o.inputs},
            {"depth", o.depth},
            {"width", o.width},
            {"activation", "tanh"},
            {"dropout", o.dropout},
            {"dropout_every", o.dropoutEvery},
            {"epochs", o.epochs},
            {"samples", o.samples},
            {"batch_size", o.batchSize},
            {"learning_rate", o.learningRate},
            {"loss", "mse"},
            {"mine_hidden_layers", o.mineHiddenLayers},
            {"mine_hidden_units", o.mineHiddenUnits},
            {"mine_epochs", o.mineEpochs},
            {"mine_learning_rate", o.mineLearningRate},
            {"mine_fine_epochs", o.mineFineEpochs},
            {"mine_fine_learning_rate", o.mineFineLearningRate},
            {"mine_samples", o.mineSamples},
            {"mine_batch_size", o.mineBatchSize},
            {"held_out_samples", o.heldOutSamples},
            {"measure_with_dropout", o.measureWithDropout},
            {"unit_bits", o.unitBits},
            {"seed", o.seed},
            {"threads", o.threads}};
}

int paperLayersTopic(const CommandLine& cl) {
    mine::PaperMlpOptions o;
    o.inputs = cl.integer("inputs", o.inputs, 1, 1000000);
    o.depth = cl.integer("depth", o.depth, 1, 1000000);
    o.width = cl.integer("width", o.width, 1, 65536);
    o.dropout = real(cl, "dropout", o.dropout);
    o.dropoutEvery = cl.integer("dropout-every", o.dropoutEvery, 1, 1000000);
    o.epochs = cl.integer("epochs", o.epochs, 1, 1000000);
    o.samples = cl.integer("samples", o.samples, 1, kMaxCount);
    o.batchSize = cl.integer("batch", o.batchSize, 1, kMaxCount);
    o.mineHiddenLayers = cl.integer("mine-layers", o.mineHiddenLayers, 1, 64);
    o.mineHiddenUnits = cl.integer("hidden", o.mineHiddenUnits, 1, 65536);
    o.mineEpochs = cl.integer("mine-epochs", o.mineEpochs, 1, 1000000);
    o.mineFineEpochs = cl.integer("mine-fine-epochs", o.mineFineEpochs, 0, 1000000);
    o.mineSamples = cl.integer("mine-samples", o.mineSamples, 2, kMaxCount);
    o.mineBatchSize = cl.integer("mine-batch", o.mineBatchSize, 2, kMaxCount);
    o.heldOutSamples = cl.integer("held-out", o.heldOutSamples, 2, kMaxCount);
    o.measureWithDropout = onOff(cl, "measure-dropout", o.measureWithDropout);
    o.unitBits = real(cl, "unit-bits", o.unitBits);
    o.seed = static_cast<std::uint64_t>(cl.integer("seed", 0, 0, std::numeric_limits<std::int64_t>::max()));
    o.threads = static_cast<int>(cl.integer("threads", 1, 0, 1024));
    mine::validateOptions(o);
    const std::vector<std::string> differences = mine::differencesFromTheAuthors(o);
    const std::vector<std::string> choices = mine::implementationChoices(o);

    const bool quiet = cl.has("quiet");
    if (!quiet)
        std::fprintf(stderr, "  mine layers --preset paper: about %s on one core (estimate)\n",
                     durationText(mine::estimatedSeconds(o)).c_str());
    // Each training epoch's time on its own line (the progress line, on a terminal, is redrawn under it).
    const mine::EpochCallback epochLine = [quiet, &o](std::int64_t epoch, double seconds) {
        if (quiet) return;
        std::fprintf(stderr, "\r  training epoch %lld/%lld: %.1f s%30s\n", static_cast<long long>(epoch),
                     static_cast<long long>(o.epochs), seconds, "");
        std::fflush(stderr);
    };
    const mine::PaperMlpResult r =
        mine::runPaperMlpExperiment(o, percentLine(quiet, "mine layers (paper)"), nullptr, epochLine);
    const mine::Eq2Reference& ref = r.reference;
    double epochMean = 0;
    for (double seconds : r.epochSeconds)
        epochMean += seconds / static_cast<double>(r.epochSeconds.size());

    std::printf("Supplementary Fig. 1 as the authors ran it: %lld inputs U(-1, 1) regressed onto themselves through "
                "%lld Dense(%lld, tanh)\nlayers, Dropout(%g) every %lld layers; MINE per layer, trained and "
                "untrained (nats)\n\n",
                static_cast<long long>(o.inputs), static_cast<long long>(o.depth), static_cast<long long>(o.width),
                o.dropout, static_cast<long long>(o.dropoutEvery));
    std::printf("  differs from the authors' run: %s\n", differences.empty() ? "nothing" : "");
    for (const std::string& line : differences)
        std::printf("    - %s\n", line.c_str());
    std::printf("  the implementation's own choices (the authors' record is silent):\n");
    for (const std::string& line : choices)
        std::printf("    - %s\n", line.c_str());
    std::printf("  held-out MSE (dropout off): trained %.4g, untrained %.4g\n", r.trainedHeldOutMse,
                r.untrainedHeldOutMse);
    std::printf("  training %.1f s (%.2f s per epoch of %lld samples), MINE %.1f s (%.2f s per epoch)\n",
                r.trainSeconds, epochMean, static_cast<long long>(o.samples), r.mineSeconds, r.mineSecondsPerEpoch);
    std::printf("  eq. 2 with C = %lld units x %g bit = %.4f nats: with error correction C (1 - D), without "
                "C (1 - D)^N\n\n",
                static_cast<long long>(o.width), o.unitBits, ref.capacityNats);
    std::printf("  %5s  %7s  %3s  %10s  %10s  %12s  %12s\n", "layer", "dropout", "N", "trained", "untrained",
                "eq.2 C(1-D)", "C(1-D)^N");
    nlohmann::json layers = nlohmann::json::array();
    for (std::size_t l = 0; l < r.layers.size(); ++l) {
        const mine::PaperLayer& layer = r.layers[l];
        std::printf("  %5lld  %7s  %3lld  %10.4f  %10.4f  %12.4f  %12.4f\n", static_cast<long long>(layer.index),
                    layer.dropoutAfter ? "yes" : "", static_cast<long long>(layer.dropoutLayersUpTo), r.trainedNats[l],
                    r.untrainedNats[l], ref.withCorrectionNats[l], ref.withoutCorrectionNats[l]);
        layers.push_back({{"layer", layer.index},
                          {"units", layer.units},
                          {"dropout_after", layer.dropoutAfter},
                          {"dropout_layers_up_to", layer.dropoutLayersUpTo},
                          {"trained_nats", r.trainedNats[l]},
                          {"untrained_nats", r.untrainedNats[l]},
                          {"eq2_with_correction_nats", ref.withCorrectionNats[l]},
                          {"eq2_without_correction_nats", ref.withoutCorrectionNats[l]}});
    }
    std::printf("\n  MINE gives lower bounds (here the mean over held-out batches, a little under a pooled bound).\n");
    writeJson(
        cl, {{"topic", "mine layers"},
             {"preset", "paper"},
             {"experiment", "Supplementary Fig. 1 as the authors ran it (Estimate-MI-of-NN-Layers.py)"},
             {"estimator", "MINE: Donsker-Varadhan bound, bias-corrected moving-average gradient; running "
                           "mean over held-out batches; nats"},
             {"options", paperOptionsJson(o)},
             {"mine", mineOptionsJson(mine::paperMineOptions(o))},
             {"differs_from_the_authors", differences},
             {"implementation_choices", choices},
             {"eq2",
              {{"capacity_nats", ref.capacityNats},
               {"unit_bits", o.unitBits},
               {"with_correction", "C (1 - D) behind N >= 1 dropout layers, C before the first (eq. 2)"},
               {"without_correction", "C (1 - D)^N (text above eq. 2)"},
               {"with_correction_nats", ref.withCorrectionNats},
               {"without_correction_nats", ref.withoutCorrectionNats}}},
             {"trained", {{"nats", r.trainedNats}, {"held_out_mse", r.trainedHeldOutMse}, {"epoch_loss", r.epochLoss}}},
             {"untrained",
              {{"nats", r.untrainedNats},
               {"held_out_mse", r.untrainedHeldOutMse},
               {"note", "the same initial weights, never trained"}}},
             {"seconds_per_epoch", r.epochSeconds},
             {"train_seconds", r.trainSeconds},
             {"mine_seconds", r.mineSeconds},
             {"mine_seconds_per_epoch", r.mineSecondsPerEpoch},
             {"layers", layers}});
    return 0;
}

} // namespace

int runMineCommand(const std::vector<std::string>& args) {
    if (args.empty()) throw UsageError("mine needs a topic: channel or layers (see --help)");
    const std::string& topic = args[0];
    if (topic == "--help" || topic == "-h") {
        std::fputs(kMineHelp, stdout);
        return 0;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    const std::set<std::string> shared = {"steps", "hidden", "samples", "seed", "threads", "json"};
    if (topic == "channel") {
        std::set<std::string> options = shared;
        options.insert({"kind", "uses", "p", "erasure", "sigma", "batch", "lr"});
        const CommandLine cl(rest, options, {"help"});
        if (cl.has("help")) {
            std::fputs(kChannelHelp, stdout);
            return 0;
        }
        return channelTopic(cl);
    }
    if (topic == "layers") {
        // Each preset's own options; a preset's option given to the other is a mistake, not something to ignore.
        const std::set<std::string> common = {"preset", "depth", "width",   "dropout",
                                              "hidden", "seed",  "threads", "json"};
        const std::set<std::string> bitsOnly = {"bits", "train-steps", "mine-steps"};
        const std::set<std::string> paperOnly = {"inputs",      "dropout-every", "epochs",           "batch",
                                                 "mine-layers", "mine-epochs",   "mine-fine-epochs", "mine-samples",
                                                 "mine-batch",  "held-out",      "measure-dropout",  "unit-bits"};
        std::set<std::string> options = common;
        options.insert(bitsOnly.begin(), bitsOnly.end());
        options.insert(paperOnly.begin(), paperOnly.end());
        options.insert("samples");
        const CommandLine cl(rest, options, {"help", "quiet"});
        if (cl.has("help")) {
            std::fputs(kLayersHelp, stdout);
            return 0;
        }
        const std::string preset = cl.text("preset", "bits");
        if (preset != "bits" && preset != "paper")
            throw UsageError("--preset must be bits or paper, got '" + preset + "'");
        for (const std::string& option : preset == "bits" ? paperOnly : bitsOnly)
            if (cl.has(option))
                throw UsageError("--" + option + " applies to --preset " + (preset == "bits" ? "paper" : "bits") +
                                 ", not " + preset);
        return preset == "paper" ? paperLayersTopic(cl) : bitsLayersTopic(cl);
    }
    throw UsageError("unknown mine topic '" + topic + "' (channel or layers)");
}

} // namespace codescope::cli
