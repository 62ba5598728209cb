#include "app/cli/mine_command.h"

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

namespace codescope::cli {

const char* const kMineHelp = R"(usage: codescope-cli mine TOPIC [options] [--json FILE]

MINE, mutual information neural estimation (Belghazi et al. 2018; the paper's Supplementary Fig. 1): a statistics
network T is trained to maximise the Donsker-Varadhan bound I(X; Y) >= E_joint[T] - ln E_marginals[exp T], with the
MINE paper's bias-corrected moving-average gradient, and the bound is then evaluated on fresh samples. Mutual
information is in nats (1 bit = ln 2 = 0.693 nats); the estimate is a lower bound up to sampling noise.

topics:
  channel   estimates on channels whose mutual information is known exactly (bsc, erasure, gaussian)
  layers    I(input; layer) for every layer of a deep dropout MLP, trained and untrained, next to ln 2 x width x (1 - D)

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

const char* const kLayersHelp = R"(usage: codescope-cli mine layers [options]

Supplementary Fig. 1: an MLP of --depth hidden layers of --width units, each a ReLU followed by dropout D, is trained
with Adam (batches of 256, learning rate 0.003) to carry --bits uniform random bits, fed as {-1, +1}, from its input
to a linear read-out (binary cross-entropy, dropout on). MINE then estimates I(X; h_l) in nats for every hidden
layer h_l, with dropout on, for the trained network and for an untrained copy with the same initial weights. Each is
at most H(X) = bits ln 2, and a layer of one-bit units behind dropout carries at most ln 2 x width x (1 - D)
(eq. 2, Theorem 3): the limit column. All layers of a copy are estimated in one MINE run. The defaults take about
two minutes on one CPU core.

options:
  --bits K          input bits carried through the network               [6]
  --depth L         hidden layers                                        [20]
  --width W         units per hidden layer                               [32]
  --dropout D       dropout rate after every hidden layer, in [0, 1)     [0.25]
  --train-steps N   Adam steps training the MLP                          [6000]
  --mine-steps N    Adam steps of the statistics networks                [1500]
  --hidden N        units in each of T's two hidden layers               [64]
  --samples N       fresh samples for each final estimate                [16384]
  --seed S          seed of the MLP, its training and MINE               [0]
  --threads N       LibTorch threads, 0: its default (more rarely help)  [1]
  --quiet           no progress line on stderr
  --json FILE       write the per-layer table, the options and the training loss as JSON (written atomically)
  --help            this text
)";

constexpr std::int64_t kMaxCount = 1'000'000'000;

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
    return {{"steps", o.steps},
            {"batch_size", o.batchSize},
            {"hidden_units", o.hiddenUnits},
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

// A percentage on stderr, redrawn in place when stderr is a terminal (nothing otherwise, or with --quiet).
ProgressCallback percentLine(bool quiet) {
    if (quiet || !::isatty(STDERR_FILENO)) return {};
    auto shown = std::make_shared<int>(-1);
    return [shown](double fraction) {
        const int percent = static_cast<int>(fraction * 100.0 + 1e-9);
        if (percent == *shown) return;
        *shown = percent;
        std::fprintf(stderr, "\r  mine layers: %3d%%%s", percent, percent >= 100 ? "\n" : "");
        std::fflush(stderr);
    };
}

int layersTopic(const CommandLine& cl) {
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

    const mine::DropoutMlpResult r = mine::runDropoutMlpExperiment(o, percentLine(cl.has("quiet")));
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
        std::set<std::string> options = shared;
        options.erase("steps");
        options.insert({"bits", "depth", "width", "dropout", "train-steps", "mine-steps"});
        const CommandLine cl(rest, options, {"help", "quiet"});
        if (cl.has("help")) {
            std::fputs(kLayersHelp, stdout);
            return 0;
        }
        return layersTopic(cl);
    }
    throw UsageError("unknown mine topic '" + topic + "' (channel or layers)");
}

} // namespace codescope::cli
