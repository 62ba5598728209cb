#include "app/cli/toy_superposition_command.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/command_line.h"
#include "core/common/implementation_defaults.h"
#include "core/io/atomic_file.h"
#include "core/theory/toy_superposition.h"

namespace codescope::cli {

const char* const kToySuperpositionHelp = R"(usage: codescope-cli toy-superposition [options] [--json FILE]

Fig. 1c: the toy model of superposition of Elhage et al. 2022, x' = ReLU(W^T W x + b) with W of shape m x n,
trained with Adam on inputs whose n features are each 0 with probability S and U[0, 1] otherwise, loss the mean over
samples and features of I_i (x_i - x'_i)^2 with importance I_i = decay^i. One model per sparsity, each from the same
seeded start. For each S the table shows the dimensions per feature m / ||W||_F^2 (1: m features stored
orthogonally; below 1: superposition) next to eq. 1's optimal rate, R = 1 - S for large H and R(S, H) =
1 - S + h(S)/H, the number of features the model stores (columns of W with norm > 0.5) and the final loss on 16384
held-out samples. The model cannot store more than n features, so its dimensions per feature cannot go below the
floor m/n (all n features at unit norm): rows on the floor (within 5%) are marked "floor", and there the number
shows the model's size (m units shared by n features), not eq. 1, whose R(S) keeps falling below it. n = 20 and
m = 5 are Elhage et al.'s demonstration sizes, this implementation's defaults (the paper does not give them). The
default sweep (9 models) takes about 25 s on one core.

options:
  --features N          n, input features (Codescope's own default: the paper   [{features}]
                        re-plots Elhage et al.'s data without n; theirs is a demo size)
  --hidden M            m, hidden dimensions (Codescope's own default, likewise)  [{hidden}]
  --importance-decay D  importance I_i = D^i, D > 0; 1 = all features alike   [1]  (Elhage et al.'s demo: 0.7)
  --sparsity LIST       comma-separated S in [0, 1)     [1 - S = 10^(-j/4), j = 0..8: 0, 0.438, ..., 0.99]
  --steps N             Adam steps per model                                  [10000]
  --batch N             samples per step                                      [1024]
  --lr X                Adam learning rate                                    [0.001]
  --seed N              seed of the initial W and of the samples              [0]
  --bits H              H of eq. 1 in bits, > 0                               [32]
  --json FILE           write the table, options and trained W, b as JSON (written atomically)
  --quiet               no progress line on stderr
  --help                this text

exit status: 0 success, 2 bad input or usage (one-line error on stderr).
)";

namespace {

double realOption(const std::string& option, const std::string& text) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (text.empty() || used != text.size() || !std::isfinite(value))
        throw UsageError("--" + option + ": '" + text + "' is not a number");
    return value;
}

std::vector<double> sparsityList(const CommandLine& cl) {
    if (!cl.has("sparsity")) return theory::defaultToySparsities();
    std::vector<double> values;
    std::stringstream stream(cl.text("sparsity") + ",");
    std::string item;
    while (std::getline(stream, item, ',')) {
        const double value = realOption("sparsity", item);
        if (!(value >= 0.0 && value < 1.0))
            throw UsageError("--sparsity values must be in [0, 1) (S = 1 leaves nothing to learn), got " + item);
        values.push_back(value);
    }
    return values;
}

double positiveOption(const CommandLine& cl, const std::string& option, double fallback) {
    if (!cl.has(option)) return fallback;
    const double value = realOption(option, cl.text(option));
    if (value <= 0.0) throw UsageError("--" + option + " must be > 0, got " + cl.text(option));
    return value;
}

int intOption(const CommandLine& cl, const std::string& option, int fallback, int max) {
    return static_cast<int>(cl.integer(option, fallback, 1, max));
}

theory::ToySuperpositionOptions parseOptions(const CommandLine& cl) {
    theory::ToySuperpositionOptions options;
    options.features = intOption(cl, "features", options.features, 100000);
    options.hidden = intOption(cl, "hidden", options.hidden, 100000);
    options.importanceDecay = positiveOption(cl, "importance-decay", options.importanceDecay);
    options.sparsities = sparsityList(cl);
    options.steps = intOption(cl, "steps", options.steps, 100000000);
    options.batch = intOption(cl, "batch", options.batch, 1000000);
    options.learningRate = positiveOption(cl, "lr", options.learningRate);
    options.seed = static_cast<std::uint64_t>(cl.integer("seed", 0, 0, INT64_MAX));
    options.entropyBits = positiveOption(cl, "bits", options.entropyBits);
    return options;
}

// "\r  model i/N (S = s)  xx%" on stderr, at most ten times a second, erased once the sweep is done.
ProgressCallback progressLine(bool quiet, const std::vector<double>& sparsities) {
    if (quiet) return {};
    using Clock = std::chrono::steady_clock;
    struct State {
        Clock::time_point last = Clock::now() - std::chrono::hours(1);
        bool erased = false;
    };
    auto state = std::make_shared<State>();
    return [sparsities, state](double fraction) {
        const auto now = Clock::now();
        if (state->erased || (now - state->last < std::chrono::milliseconds(100) && fraction < 1.0)) return;
        state->last = now;
        const std::size_t models = sparsities.size();
        const std::size_t model = std::min(models - 1, static_cast<std::size_t>(fraction * models));
        std::fprintf(stderr, "\r  model %zu/%zu (S = %.4g)  %5.1f%%", model + 1, models, sparsities[model],
                     100.0 * fraction);
        if (fraction >= 1.0) {
            std::fprintf(stderr, "\r%50s\r", "");
            state->erased = true;
        }
        std::fflush(stderr);
    };
}

nlohmann::json matrixJson(const Eigen::MatrixXd& matrix) {
    nlohmann::json rows = nlohmann::json::array();
    for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
        const Eigen::RowVectorXd row = matrix.row(i);
        rows.push_back(std::vector<double>(row.data(), row.data() + row.size()));
    }
    return rows;
}

// What a point on the floor means (printed under the table and stored in the JSON).
std::string floorNote(int features, int hidden) {
    char text[320];
    std::snprintf(text, sizeof text,
                  "floor m/n = %d/%d = %.4g: a model cannot go below it (it stores at most n features). Points on "
                  "the floor show the model's size, not eq. 1.",
                  hidden, features, theory::toyDimensionsPerFeatureFloor(features, hidden));
    return text;
}

} // namespace

int runToySuperpositionCommand(const std::vector<std::string>& args) {
    const CommandLine cl(
        args, {"features", "hidden", "importance-decay", "sparsity", "steps", "batch", "lr", "seed", "bits", "json"},
        {"help", "quiet"});
    if (cl.has("help")) {
        std::string help = kToySuperpositionHelp;
        const std::pair<std::string, int> defaults[] = {{"{features}", implementation::kToyFeatures},
                                                        {"{hidden}", implementation::kToyHidden}};
        for (const auto& [field, value] : defaults)
            help.replace(help.find(field), field.size(), std::to_string(value));
        std::fputs(help.c_str(), stdout);
        return 0;
    }
    const theory::ToySuperpositionOptions options = parseOptions(cl);
    const auto start = std::chrono::steady_clock::now();
    const theory::ToySuperpositionResult result =
        theory::runToySuperposition(options, progressLine(cl.has("quiet"), options.sparsities));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::printf("Fig. 1c: toy model of superposition x' = ReLU(W^T W x + b) (Elhage et al. 2022), n = %d features,"
                " m = %d hidden\n",
                options.features, options.hidden);
    char importance[48];
    if (options.importanceDecay == 1.0)
        std::snprintf(importance, sizeof importance, "uniform importance");
    else
        std::snprintf(importance, sizeof importance, "importance %g^i", options.importanceDecay);
    std::printf("%s, %d Adam steps x %d samples, lr %g, seed %llu; eq. 1 with H = %g bits; %.1f s\n\n", importance,
                options.steps, options.batch, options.learningRate, static_cast<unsigned long long>(options.seed),
                options.entropyBits, seconds);
    char rateHeader[32];
    std::snprintf(rateHeader, sizeof rateHeader, "R(S,H=%g)", options.entropyBits);
    const double floorValue = theory::toyDimensionsPerFeatureFloor(options.features, options.hidden);
    std::printf("  %8s  %8s  %12s  %11s  %11s  %7s  %11s  %s\n", "S", "1 - S", "dims/feature", "R limit 1-S",
                rateHeader, "stored", "final loss", "");
    nlohmann::json rows = nlohmann::json::array();
    for (const theory::ToySparsityResult& row : result.rows) {
        const bool atFloor = theory::isAtToyFloor(row.dimensionsPerFeature, options.features, options.hidden);
        std::printf("  %8.4f  %8.4f  %12.4f  %11.4f  %11.4f  %4d/%-2d  %11.4g  %s\n", row.sparsity, 1.0 - row.sparsity,
                    row.dimensionsPerFeature, row.rateLimit, row.rate, row.representedFeatures, options.features,
                    row.finalLoss, atFloor ? "floor" : "");
        rows.push_back(
            {{"sparsity", row.sparsity},
             {"feature_probability", 1.0 - row.sparsity},
             {"dimensions_per_feature", row.dimensionsPerFeature},
             {"frobenius_squared", row.frobeniusSquared},
             {"represented_features", row.representedFeatures},
             {"rate_limit", row.rateLimit},
             {"rate", row.rate},
             {"initial_loss", row.initialLoss},
             {"final_loss", row.finalLoss},
             {"at_floor", theory::isAtToyFloor(row.dimensionsPerFeature, options.features, options.hidden)},
             {"weights", matrixJson(row.model.weights)},
             {"bias", std::vector<double>(row.model.bias.data(), row.model.bias.data() + row.model.bias.size())}});
    }
    std::printf("\n  dims/feature = m / ||W||_F^2; stored = columns of W with norm > 0.5.\n  %s\n",
                floorNote(options.features, options.hidden).c_str());
    if (cl.has("json")) {
        const nlohmann::json json = {
            {"command", "toy-superposition"},
            {"model", "x' = ReLU(W^T W x + b), W hidden x features (Elhage et al. 2022); Fig. 1c"},
            {"equation", "eq. 1: R = 1 - S + h(S)/H (bits); limit 1 - S"},
            {"options",
             {{"features", options.features},
              {"hidden", options.hidden},
              {"importance_decay", options.importanceDecay},
              {"sparsity", options.sparsities},
              {"steps", options.steps},
              {"batch", options.batch},
              {"learning_rate", options.learningRate},
              {"seed", options.seed},
              {"evaluation_samples", options.evaluationSamples},
              {"entropy_bits", options.entropyBits}}},
            {"seconds", seconds},
            {"floor",
             {{"dimensions_per_feature", floorValue},
              {"rule", "m / n: all n features stored at unit norm; a row within 5% of it (or below) is at_floor"},
              {"note", floorNote(options.features, options.hidden)}}},
            {"rows", rows}};
        io::writeFileAtomically(cl.text("json"), json.dump(2) + "\n");
    }
    return 0;
}

} // namespace codescope::cli
