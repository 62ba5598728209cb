#include "core/explain/explanation_score.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/explain/explanation_prompts.h"
#include "core/explain/simulation_values.h"
#include "core/io/atomic_file.h"
#include "core/results/json_values.h"

namespace codescope::explain {

namespace {

/// Throws InputError for a unit that cannot be explained or scored (checked for every unit before any request,
/// so that a bad unit late in the list does not waste the endpoint's time on the ones before it).
void checkUnit(const language::UnitRecords& unit) {
    const std::string name = "explanation of " + unit.layer + " " + unit.unit + ": ";
    if (unit.trainTop.empty()) throw InputError(name + "no top-activating records to explain");
    std::size_t validationTokens = 0;
    for (const auto* records : {&unit.trainTop, &unit.validationTop, &unit.validationRandom})
        for (const language::ActivationRecord& record : *records) {
            if (record.tokens.size() != record.activations.size())
                throw InputError(name + "a record has " + std::to_string(record.tokens.size()) + " tokens but " +
                                 std::to_string(record.activations.size()) + " activations");
            if (records != &unit.trainTop) validationTokens += record.tokens.size();
        }
    if (validationTokens == 0) throw InputError(name + "no validation tokens to score the explanation on");
}

} // namespace

double pearsonCorrelation(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size())
        throw InputError("correlation of series of different lengths (" + std::to_string(a.size()) + " and " +
                         std::to_string(b.size()) + ")");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (a.size() < 2) return nan;
    const auto n = static_cast<double>(a.size());
    double meanA = 0, meanB = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        meanA += a[i];
        meanB += b[i];
    }
    meanA /= n;
    meanB /= n;
    // Centred sums (two passes) rather than sum(x^2) - n mean^2, which cancels badly for large offsets.
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double da = a[i] - meanA, db = b[i] - meanB;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
    }
    if (!(saa > 0) || !(sbb > 0)) return nan;
    return std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
}

double scoreExplanation(const std::vector<language::ActivationRecord>& records,
                        const std::vector<std::vector<double>>& simulated) {
    if (records.size() != simulated.size())
        throw InputError("explanation score: " + std::to_string(simulated.size()) + " simulations for " +
                         std::to_string(records.size()) + " records");
    std::vector<double> pooledTrue, pooledSimulated;
    for (std::size_t r = 0; r < records.size(); ++r) {
        if (simulated[r].size() != records[r].activations.size())
            throw InputError("explanation score: record " + std::to_string(r) + " has " +
                             std::to_string(records[r].activations.size()) + " activations but " +
                             std::to_string(simulated[r].size()) + " simulated values");
        pooledTrue.insert(pooledTrue.end(), records[r].activations.begin(), records[r].activations.end());
        pooledSimulated.insert(pooledSimulated.end(), simulated[r].begin(), simulated[r].end());
    }
    return pearsonCorrelation(pooledSimulated, pooledTrue);
}

std::vector<UnitExplanation> explainUnits(const std::vector<language::UnitRecords>& units,
                                          const EndpointSettings& settings, const ProgressCallback& progress,
                                          const CancelToken* cancel) {
    std::size_t totalRequests = 0;
    for (const language::UnitRecords& unit : units) {
        checkUnit(unit);
        totalRequests += 1 + unit.validationTop.size() + unit.validationRandom.size();
    }
    ChatClient client(settings, cancel);
    if (settings.explainerModel.empty())
        throw EndpointError("explanation endpoint " + client.url() + ": no explainer model name given");
    const std::string simulatorModel =
        settings.simulatorModel.empty() ? settings.explainerModel : settings.simulatorModel;
    std::size_t requestsDone = 0;
    const auto requestDone = [&] {
        ++requestsDone;
        if (progress) progress(static_cast<double>(requestsDone) / static_cast<double>(totalRequests));
    };

    std::vector<UnitExplanation> results;
    for (const language::UnitRecords& unit : units) {
        UnitExplanation result;
        result.layer = unit.layer;
        result.depth = unit.depth;
        result.unit = unit.unit;
        result.isProjection = unit.isProjection;
        try {
            result.explanation = client.completeParsed(
                ChatRequest{settings.explainerModel, explainerMessages(unit), kExplainerMaxTokens}, parseExplanation);
            requestDone();

            std::vector<language::ActivationRecord> validation = unit.validationTop;
            validation.insert(validation.end(), unit.validationRandom.begin(), unit.validationRandom.end());
            std::vector<std::vector<double>> simulated;
            for (const language::ActivationRecord& record : validation) {
                if (record.tokens.empty()) {
                    simulated.emplace_back();
                } else {
                    const std::size_t count = record.tokens.size();
                    SimulatedRecord values = client.exchangeParsed(
                        ChatRequest{simulatorModel, simulatorMessages(result.explanation, record.tokens),
                                    simulatorMaxTokens(count), kSimulatorTopLogprobs},
                        [count](const ChatReply& reply) { return simulatedActivations(reply, count); });
                    result.expectedValueTokens += values.expectedValues;
                    result.parsedValueTokens += values.parsedValues;
                    simulated.push_back(std::move(values.values));
                }
                requestDone();
            }
            result.score = scoreExplanation(validation, simulated);
        } catch (const EndpointError& e) {
            result.error = e.what();
            results.push_back(std::move(result));
            return results; // stop: see the header for why
        }
        results.push_back(std::move(result));
    }
    return results;
}

std::string simulationMethod(const std::vector<UnitExplanation>& units) {
    std::size_t expected = 0, parsed = 0;
    for (const UnitExplanation& unit : units) {
        expected += unit.expectedValueTokens;
        parsed += unit.parsedValueTokens;
    }
    if (expected > 0 && parsed == 0) return "expected_value";
    if (expected > 0) return "mixed";
    return "parsed_integers";
}

std::string simulationDescription(const std::vector<UnitExplanation>& units) {
    std::size_t expected = 0, parsed = 0;
    for (const UnitExplanation& unit : units) {
        expected += unit.expectedValueTokens;
        parsed += unit.parsedValueTokens;
    }
    const std::string method = simulationMethod(units);
    if (expected + parsed == 0)
        return "simulated activations: how they were read is not recorded (no simulated token, or a file of an "
               "older version)";
    if (method == "expected_value")
        return "simulated activations: expected values over 0-10 from the simulator's log-probabilities (Bills et "
               "al.), " +
               std::to_string(expected) + " tokens";
    if (method == "parsed_integers")
        return "simulated activations: the simulator's written numbers 0-10, " + std::to_string(parsed) +
               " tokens (the endpoint returned no log-probabilities; Bills et al. use their expected value)";
    return "simulated activations: expected values from log-probabilities for " + std::to_string(expected) +
           " tokens, the written numbers for " + std::to_string(parsed) + " (no usable log-probabilities there)";
}

std::string explanationsJson(const std::vector<UnitExplanation>& results, const EndpointSettings& settings,
                             std::size_t requestedUnits) {
    bool complete = results.size() == requestedUnits;
    nlohmann::json units = nlohmann::json::array();
    for (const UnitExplanation& r : results) {
        complete = complete && r.error.empty();
        units.push_back({{"layer", r.layer},
                         {"depth", r.depth},
                         {"unit", r.unit},
                         {"is_projection", r.isProjection},
                         {"explanation", r.explanation},
                         {"score", results::numberOrNull(r.score)},
                         {"error", r.error.empty() ? nlohmann::json() : nlohmann::json(r.error)},
                         {"simulated_tokens",
                          {{"expected_value", r.expectedValueTokens}, {"parsed_integer", r.parsedValueTokens}}}});
    }
    nlohmann::json json;
    json["method"] = "Bills et al. 2023 explain-simulate-score: explainer shown the even-ranked top-activating "
                     "records (scaled to 0..10 by their maximum), all-at-once simulation of the odd-ranked ones and "
                     "random ones, correlation over their pooled tokens";
    json["simulation"] = simulationMethod(results);
    json["simulation_note"] = simulationDescription(results);
    json["endpoint"] = {{"url", settings.baseUrl},
                        {"explainer_model", settings.explainerModel},
                        {"simulator_model", settings.simulatorModel},
                        {"max_attempts", settings.maxAttempts},
                        {"timeout_seconds", settings.timeoutSeconds}};
    json["complete"] = complete;
    json["units"] = units;
    return json.dump(1) + "\n";
}

void writeExplanationsJson(const std::string& path, const std::vector<UnitExplanation>& results,
                           const EndpointSettings& settings, std::size_t requestedUnits) {
    io::writeFileAtomically(path, explanationsJson(results, settings, requestedUnits));
}

} // namespace codescope::explain
