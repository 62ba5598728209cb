#pragma once
// The simulator's prediction for each token as Bills et al. 2023 compute it (paper Fig. 7b): not the one number the
// simulator wrote, but the expected value of 0..10 under its probabilities for those numbers at that place (their
// neuron-explainer reads them from the model's log-probabilities). Where an endpoint gives no log-probabilities the
// written number is used instead, and the counts say how many tokens each way was used for.
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/explain/chat_client.h"

namespace codescope::explain {

/// Alternatives asked for per token of a simulator reply (top_logprobs): Bills et al.'s 15.
constexpr int kSimulatorTopLogprobs = 15;

/// The expected value of the numbers 0..10 under a token's distribution: of `alternatives` (text, natural
/// log-probability), those whose text is one of "0", "1", ..., "10" (surrounding whitespace ignored; the same number
/// twice, e.g. "5" and " 5", adds up) are softmax-normalised among themselves, p_v = exp(l_v) / sum_u exp(l_u), and
/// the result is sum_v v p_v, in [0, 10]. nullopt when no alternative is such a number.
std::optional<double> expectedActivation(const std::vector<std::pair<std::string, double>>& alternatives);

/// One record's simulated activations and how they were obtained.
struct SimulatedRecord {
    std::vector<double> values;     ///< one per token, 0..10
    std::size_t expectedValues = 0; ///< tokens whose value is the expected value from log-probabilities
    std::size_t parsedValues = 0;   ///< tokens whose value is the number as written (no usable log-probabilities)
};

/// The simulated activations of `tokenCount` tokens in a simulator reply. Each value is located in the reply's text
/// (parseSimulationFields); where the reply has log-probabilities, the reply token holding the value's first byte is
/// found, and if the value lies wholly in that token, the value is expectedActivation of that token's alternatives
/// with the part of the token before the value (e.g. a TAB) removed from each (alternatives not starting with it are
/// not numbers in that place). Otherwise (no log-probabilities, token texts that do not spell out the content, a
/// number spread over several tokens such as "1" "0", or no number among the alternatives) the written number is
/// used. Throws MalformedReply as parseSimulationFields.
SimulatedRecord simulatedActivations(const ChatReply& reply, std::size_t tokenCount);

} // namespace codescope::explain
