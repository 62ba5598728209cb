#pragma once
// The explainer and simulator prompts of Bills et al. 2023 ("Language models can explain neurons in language
// models"), for a chat endpoint: the simulator writes one `token<TAB>value` line per token (their "all at once"
// simulation), and the value of each token is read from the log-probabilities of the numbers 0..10 at its place
// where the endpoint gives them (simulation_values.h), else from the text. Paper Fig. 7b.
#include <string>
#include <vector>

#include "core/explain/chat_client.h"
#include "core/language/activation_records.h"

namespace codescope::explain {

/// Bills et al.'s display scale: floor(10 * max(a, 0) / maxActivation), clipped to 0..10, one per activation of
/// `record`. All zeros when maxActivation is not a positive finite number (a unit that never fires).
std::vector<int> scaledActivations(const language::ActivationRecord& record, double maxActivation);

/// The maximum that scales the explainer's activations to 0..10: as Bills et al., the largest activation over the
/// explainer's own records (unit.trainTop), not over the data set; -inf without any activation.
double explainerScale(const language::UnitRecords& unit);

/// A token as shown in a prompt line: '\t', '\n' and '\r' written as the two characters "\t", "\n", "\r" so that
/// every token stays on its own `token<TAB>value` line.
std::string displayToken(const std::string& token);

/// The explainer conversation (system + user message): every record of `unit.trainTop` as lines
/// `token<TAB>activation` (activations on the 0..10 scale of explainerScale(unit)) between <start> and <end>, then the
/// same with zero lines left out, then "Explanation of neuron behavior: the main thing this neuron does is find".
std::vector<ChatMessage> explainerMessages(const language::UnitRecords& unit);

/// The explanation in an explainer reply: its first non-empty line, without surrounding whitespace and quotes, and
/// without a repeated "the main thing this neuron does is find" lead-in or a trailing period. Throws MalformedReply
/// when nothing is left.
std::string parseExplanation(const std::string& reply);

/// The simulator conversation for one record: the explanation and the record's tokens as lines
/// `token<TAB>unknown` between <start> and <end>, asking for the same lines with each "unknown" replaced by a
/// predicted activation 0..10.
std::vector<ChatMessage> simulatorMessages(const std::string& explanation, const std::vector<std::string>& tokens);

/// One token's value as written in a simulator reply.
struct SimulationField {
    std::size_t offset = 0; ///< byte offset in the reply of the value's first character (surrounding spaces excluded)
    std::size_t length = 0; ///< bytes of the value's text
    double value = 0;       ///< the number, clipped to 0..10
};

/// The simulated activations in a simulator reply, one per token in order, with where each stands in the reply.
/// Lines holding a TAB are token lines; their value is the text after the last TAB (other lines, such as
/// <start>/<end> or a preamble, are ignored). A reply without any TAB is read as one `token value` per non-empty
/// line, value after the last space. Throws MalformedReply when a value is not a number or the count differs from
/// `tokenCount`.
std::vector<SimulationField> parseSimulationFields(const std::string& reply, std::size_t tokenCount);

/// parseSimulationFields' values alone (0..10, one per token, in order). Throws as that.
std::vector<double> parseSimulation(const std::string& reply, std::size_t tokenCount);

/// max_tokens for a simulator request on `tokenCount` tokens: room for every line plus a margin.
int simulatorMaxTokens(std::size_t tokenCount);

/// max_tokens for an explainer request.
constexpr int kExplainerMaxTokens = 80;

} // namespace codescope::explain
