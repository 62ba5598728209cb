#pragma once
// Explanation scores of units (paper Fig. 7b; Bills et al. 2023): an explainer model reads a unit's top-activating
// text windows and writes a short explanation; a simulator model, given only the explanation, predicts the unit's
// activation at every token of held-out windows; the score is the correlation of simulated and true activations.
#include <limits>
#include <string>
#include <vector>

#include "core/common/job_control.h"
#include "core/explain/chat_client.h"
#include "core/language/activation_records.h"

namespace codescope::explain {

/// Pearson correlation of two equally long series. NaN when they are shorter than 2 or either has zero variance
/// (the correlation is undefined there: a simulator predicting a constant explains nothing, and the caller decides
/// how to show that). Throws InputError when the lengths differ.
double pearsonCorrelation(const std::vector<double>& a, const std::vector<double>& b);

/// Bills et al.'s "all at once" score: the correlation between `simulated` and the true activations over all
/// tokens of `records` pooled (validation top + random windows, in that order). `simulated` holds one vector per
/// record, each as long as its record. NaN as pearsonCorrelation. Throws InputError on a shape mismatch.
double scoreExplanation(const std::vector<language::ActivationRecord>& records,
                        const std::vector<std::vector<double>>& simulated);

/// One unit's explanation and score.
struct UnitExplanation {
    std::string layer;                                       ///< as in UnitRecords
    int depth = 0;                                           ///< as in UnitRecords
    std::string unit;                                        ///< as in UnitRecords, e.g. "neuron 17"
    bool isProjection = false;                               ///< as in UnitRecords
    std::string explanation;                                 ///< the explainer's text; empty if it failed
    double score = std::numeric_limits<double>::quiet_NaN(); ///< correlation in [-1, 1]; NaN if undefined or failed
    std::string error; ///< empty on success; else the EndpointError's one line that stopped the run
    /// Simulated tokens whose value is the expected value over 0..10 from the simulator's log-probabilities (Bills
    /// et al.'s), and those whose value is the number as written (the endpoint gave no usable log-probabilities).
    std::size_t expectedValueTokens = 0;
    std::size_t parsedValueTokens = 0;
};

/// How the simulated activations of `units` were read: "expected_value" (every simulated token from
/// log-probabilities, as Bills et al.), "parsed_integers" (none: the endpoint returned no log-probabilities, or no
/// token was simulated), or "mixed".
std::string simulationMethod(const std::vector<UnitExplanation>& units);

/// One line saying the same for a person, with the token counts, e.g. "simulated activations: expected values over
/// 0-10 from the simulator's log-probabilities (Bills et al.), 120 tokens"; for units read from a file that does not
/// record it, says so.
std::string simulationDescription(const std::vector<UnitExplanation>& units);

/// Explains and scores every unit in order: one explainer request on unit.trainTop, then one simulator request per
/// record of validationTop and validationRandom (asking for kSimulatorTopLogprobs log-probabilities per token; each
/// token's value is simulatedActivations', the expected value where the endpoint gives them), scored with
/// scoreExplanation over both (pooled).
/// Stops at the first EndpointError (after the client's retries; an endpoint failing for one unit almost always
/// fails for the next): the result then holds every unit done so far, and as its last element the failing unit with
/// `error` set (its explanation kept if the explainer had answered). Units after it are absent, so
/// result.size() < units.size() or !result.back().error.empty() tells a stopped run.
/// `progress` (may be empty) gets the fraction of requests done in [0, 1] after each request.
/// Throws InputError before any request when a unit has no trainTop record, no validation token, or a record whose
/// tokens and activations differ in length; EndpointError when the settings' baseUrl or explainerModel is empty (an
/// empty simulatorModel means the explainer's); Cancelled when
/// `cancel` (may be null) is set (during a request or a back-off sleep), losing the results (the job convention).
std::vector<UnitExplanation> explainUnits(const std::vector<language::UnitRecords>& units,
                                          const EndpointSettings& settings, const ProgressCallback& progress = {},
                                          const CancelToken* cancel = nullptr);

/// JSON object {"method", "simulation": simulationMethod, "simulation_note": simulationDescription, "endpoint":
/// {"url", "explainer_model", "simulator_model", "max_attempts", "timeout_seconds"}, "complete" (no unit has an
/// error and none is missing), "units": [{"layer", "depth", "unit", "is_projection", "explanation", "score" (null
/// where NaN), "error" (null where none), "simulated_tokens": {"expected_value", "parsed_integer"}}]}. The API key
/// is never written. `requestedUnits` is how many units the run was asked for (complete is false when fewer are
/// present).
std::string explanationsJson(const std::vector<UnitExplanation>& results, const EndpointSettings& settings,
                             std::size_t requestedUnits);

/// Writes explanationsJson(...) to `path` atomically (a partial run's file is still valid JSON). Throws InputError
/// when the file cannot be written.
void writeExplanationsJson(const std::string& path, const std::vector<UnitExplanation>& results,
                           const EndpointSettings& settings, std::size_t requestedUnits);

} // namespace codescope::explain
