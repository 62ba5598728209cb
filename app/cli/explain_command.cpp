#include "app/cli/explain_command.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <unistd.h>

#include "app/cli/command_line.h"
#include "app/cli/language_inputs.h"
#include "core/explain/chat_client.h"
#include "core/explain/explanation_score.h"
#include "core/io/atomic_file.h"
#include "core/language/record_collection.h"
#include "core/pipeline/layer_jobs.h"

namespace codescope::cli {

namespace {

const char* const kHelpHead =
    R"(usage: codescope-cli explain (--model FILE | --run DIR) (--text FILE | --dataset tokens:FILE.npy) [options]

Explanation scores (paper Fig. 7b; Bills et al. 2023, "Language models can explain neurons in language models"):
runs the language model once over the token sequences and keeps, for N random neurons and N random projections of
every chosen layer, their top-activating sequences (activation records) and a few random ones. As in Bills et al.,
the top records alternate: ranks 0, 2, 4, ... go to the explainer, ranks 1, 3, 5, ... are held out. An explainer
model reads its records (activations scaled to 0..10 by their maximum) and writes a short explanation; a simulator
model, given only the explanation, predicts the activation at every token of the held-out and random records; the
score is the correlation between simulated and true activations. Each simulated value is, as in Bills et al., the
expected value of 0..10 under the simulator's log-probabilities for those numbers ("logprobs" / "top_logprobs" of
the API, which OpenAI, vLLM and llama.cpp's server return); an endpoint without them gets the numbers as written,
and the output says which was used. Both models are reached through an OpenAI-compatible chat-completions API
(OpenAI, or a local llama.cpp / vLLM / Ollama server).

options:
)";

const char* const kHelpTail =
    R"(  --endpoint URL        base URL of the API, e.g. http://127.0.0.1:8080/v1   [$CODESCOPE_EXPLAIN_URL]
  --explainer-model M   model name for explanations                        [$CODESCOPE_EXPLAINER_MODEL]
  --simulator-model M   model name for simulations              [$CODESCOPE_SIMULATOR_MODEL, else the explainer]
  --api-key-env VAR     environment variable holding the API key (sent as a bearer token if set) [OPENAI_API_KEY]
  --timeout S           seconds per HTTP attempt                                              [60]
  --attempts N          attempts per request; failures back off 1 s, 2 s, 4 s, ...            [4]
  --neurons N           random single neurons per layer                                       [5]
  --projections N       random projections per layer (projection k = trajectories' projection k, same --seed) [5]
  --train-top N, --validation-top N, --validation-random N   records per unit                 [10, 5, 5]
                        (the alternation reads the top max(2 train - 1, 2 validation) sequences of each unit)
  --sequences N         sequences of the data to read (0: all)                                [0]
  --seed N              which neurons and projections                                         [0]
  --records FILE        the activation records as JSON (atomic write); without an endpoint, only these are made
  --json FILE           explanations and scores as JSON (atomic; written even when the endpoint fails part way,
                        with "complete": false)
  --quiet               no progress line

exit status: 0 success, 2 bad input or usage, no endpoint configured, or an endpoint that failed after its retries
(the units done before are kept in --json and printed).
)";

void printScores(const std::vector<explain::UnitExplanation>& results) {
    struct Sums {
        double neurons = 0, projections = 0;
        int neuronCount = 0, projectionCount = 0;
        int depth = 0;
    };
    std::map<std::string, Sums> byLayer;
    std::vector<std::string> order;
    for (const auto& unit : results) {
        if (!byLayer.count(unit.layer)) order.push_back(unit.layer);
        Sums& sums = byLayer[unit.layer];
        sums.depth = unit.depth;
        if (!std::isfinite(unit.score)) continue;
        (unit.isProjection ? sums.projections : sums.neurons) += unit.score;
        ++(unit.isProjection ? sums.projectionCount : sums.neuronCount);
    }
    std::printf("  %5s  %-28s %14s %18s\n", "depth", "layer", "neuron score", "projection score");
    for (const std::string& layer : order) {
        const Sums& s = byLayer[layer];
        auto mean = [](double sum, int count) { return count ? sum / count : NAN; };
        std::printf("  %5d  %-28s %14.3f %18.3f\n", s.depth, layer.c_str(), mean(s.neurons, s.neuronCount),
                    mean(s.projections, s.projectionCount));
    }
}

} // namespace

int runExplainCommand(const std::vector<std::string>& args) {
    std::set<std::string> values(kLanguageValueOptions.begin(), kLanguageValueOptions.end());
    values.insert({"endpoint", "explainer-model", "simulator-model", "api-key-env", "timeout", "attempts", "neurons",
                   "projections", "train-top", "validation-top", "validation-random", "sequences", "seed", "records",
                   "json"});
    const CommandLine cl(args, values, {"help", "quiet"});
    if (cl.has("help")) {
        std::fputs(kHelpHead, stdout);
        std::fputs(kLanguageOptionsHelp, stdout);
        std::fputs(kHelpTail, stdout);
        return 0;
    }
    std::optional<explain::EndpointSettings> endpoint = explain::endpointFromEnvironment();
    if (cl.has("endpoint")) {
        if (!endpoint) endpoint = explain::EndpointSettings{};
        endpoint->baseUrl = cl.text("endpoint");
    }
    if (endpoint) {
        endpoint->explainerModel = cl.text("explainer-model", endpoint->explainerModel);
        endpoint->simulatorModel = cl.text("simulator-model", endpoint->simulatorModel);
        if (endpoint->simulatorModel.empty()) endpoint->simulatorModel = endpoint->explainerModel;
        if (endpoint->explainerModel.empty())
            throw UsageError("give the explainer's model name with --explainer-model NAME (or "
                             "CODESCOPE_EXPLAINER_MODEL)");
        endpoint->apiKeyVariable = cl.text("api-key-env", endpoint->apiKeyVariable);
        endpoint->timeoutSeconds = static_cast<double>(cl.integer("timeout", 60, 1, 3600));
        endpoint->maxAttempts = static_cast<int>(cl.integer("attempts", 4, 1, 20));
    } else if (!cl.has("records")) {
        throw UsageError(explain::endpointNotConfiguredMessage() + " (or give --records FILE for the records alone)");
    }

    language::RecordOptions options;
    options.neurons = static_cast<int>(cl.integer("neurons", 5, 0, 100000));
    options.projections = static_cast<int>(cl.integer("projections", 5, 0, 100000));
    options.trainTop = static_cast<int>(cl.integer("train-top", 10, 1, 1000));
    options.validationTop = static_cast<int>(cl.integer("validation-top", 5, 0, 1000));
    options.validationRandom = static_cast<int>(cl.integer("validation-random", 5, 0, 1000));
    options.sequences = cl.integer("sequences", 0, 0, INT64_MAX);
    options.seed = static_cast<std::uint64_t>(cl.integer("seed", 0, 0, INT64_MAX));
    if (options.neurons + options.projections == 0) throw UsageError("--neurons and --projections are both 0");

    const pipeline::AnalysisRequest request = languageRequestFromFlags(cl);
    const bool showProgress = !cl.has("quiet") && ::isatty(STDERR_FILENO);
    auto progressLine = [&](const char* what) {
        return [=](double fraction) {
            if (!showProgress) return;
            std::fprintf(stderr, "\r  %s %5.1f%%", what, 100.0 * fraction);
            if (fraction >= 1.0) std::fprintf(stderr, "\r%40s\r", "");
            std::fflush(stderr);
        };
    };
    const pipeline::ActivationRecordRun run = pipeline::activationRecordsOf(request, options, progressLine("records"));
    const std::vector<language::UnitRecords>& units = run.units;
    std::printf("%s on %s: %zu units in %zu layers\n", run.model.c_str(), run.data.c_str(), units.size(),
                run.layers.size());
    if (cl.has("records")) io::writeFileAtomically(cl.text("records"), language::unitRecordsJson(units));
    if (!endpoint) {
        std::fprintf(stderr, "note: %s; wrote the activation records only\n",
                     explain::endpointNotConfiguredMessage().c_str());
        return 0;
    }

    const std::vector<explain::UnitExplanation> results =
        explain::explainUnits(units, *endpoint, progressLine("explanations"));
    if (cl.has("json")) explain::writeExplanationsJson(cl.text("json"), results, *endpoint, units.size());
    printScores(results);
    std::printf("%s\n", explain::simulationDescription(results).c_str());
    if (!results.empty() && !results.back().error.empty()) {
        std::fprintf(stderr, "codescope-cli: error: %s (%zu of %zu units done%s)\n", results.back().error.c_str(),
                     results.size() - 1, units.size(), cl.has("json") ? ", kept in --json" : "");
        return 2;
    }
    return 0;
}

} // namespace codescope::cli
