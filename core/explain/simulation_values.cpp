#include "core/explain/simulation_values.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>

#include "core/explain/explanation_prompts.h"

namespace codescope::explain {

namespace {

std::string trimmed(const std::string& text) {
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    const auto begin = std::find_if(text.begin(), text.end(), notSpace);
    const auto end = std::find_if(text.rbegin(), text.rend(), notSpace).base();
    return begin < end ? std::string(begin, end) : std::string();
}

/// The number 0..10 that `text` spells exactly (Bills et al.'s valid activation tokens), or -1.
int activationNumber(const std::string& text) {
    const std::string value = trimmed(text);
    if (value == "10") return 10;
    if (value.size() == 1 && value[0] >= '0' && value[0] <= '9') return value[0] - '0';
    return -1;
}

} // namespace

std::optional<double> expectedActivation(const std::vector<std::pair<std::string, double>>& alternatives) {
    // Log-probabilities summed per number, then a softmax with the largest subtracted (no underflow to 0/0).
    std::array<double, 11> probability{};
    double largest = -std::numeric_limits<double>::infinity();
    for (const auto& [text, logprob] : alternatives)
        if (activationNumber(text) >= 0 && std::isfinite(logprob)) largest = std::max(largest, logprob);
    if (!std::isfinite(largest)) return std::nullopt;
    for (const auto& [text, logprob] : alternatives) {
        const int value = activationNumber(text);
        if (value >= 0 && std::isfinite(logprob))
            probability[static_cast<std::size_t>(value)] += std::exp(logprob - largest);
    }
    double total = 0, weighted = 0;
    for (std::size_t v = 0; v < probability.size(); ++v) {
        total += probability[v];
        weighted += static_cast<double>(v) * probability[v];
    }
    return weighted / total;
}

SimulatedRecord simulatedActivations(const ChatReply& reply, std::size_t tokenCount) {
    const std::vector<SimulationField> fields = parseSimulationFields(reply.content, tokenCount);
    SimulatedRecord record;
    // Where each reply token starts in the content, as far as the tokens spell the content out exactly.
    std::vector<std::size_t> starts;
    if (reply.logprobs) {
        std::size_t at = 0;
        for (const TokenLogprob& token : *reply.logprobs) {
            if (reply.content.compare(at, token.text.size(), token.text) != 0) break;
            starts.push_back(at);
            at += token.text.size();
        }
    }
    for (const SimulationField& field : fields) {
        std::optional<double> expected;
        // The last token starting at or before the value's first byte.
        const auto after = std::upper_bound(starts.begin(), starts.end(), field.offset);
        if (after != starts.begin()) {
            const std::size_t index = static_cast<std::size_t>(after - starts.begin()) - 1;
            const TokenLogprob& token = (*reply.logprobs)[index];
            const std::size_t start = starts[index];
            const std::string prefix = token.text.substr(0, std::min(token.text.size(), field.offset - start));
            const bool inside = field.offset < start + token.text.size();
            // The value must lie wholly in this token: "1" of a "1" "0" split says nothing about 10.
            const bool whole =
                inside && activationNumber(token.text.substr(prefix.size())) >= 0 &&
                trimmed(token.text.substr(prefix.size())) == reply.content.substr(field.offset, field.length);
            if (whole) {
                std::vector<std::pair<std::string, double>> inPlace;
                for (const auto& [text, logprob] : token.alternatives)
                    if (text.compare(0, prefix.size(), prefix) == 0)
                        inPlace.emplace_back(text.substr(prefix.size()), logprob);
                expected = expectedActivation(inPlace);
            }
        }
        if (expected) {
            record.values.push_back(*expected);
            ++record.expectedValues;
        } else {
            record.values.push_back(field.value);
            ++record.parsedValues;
        }
    }
    return record;
}

} // namespace codescope::explain
