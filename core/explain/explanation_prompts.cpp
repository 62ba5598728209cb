#include "core/explain/explanation_prompts.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <sstream>

namespace codescope::explain {

namespace {

// The lead-in the explainer completes (Bills et al.'s explainer prompt ends with it).
constexpr const char* kLeadIn = "the main thing this neuron does is find";

// Bills et al.'s system prompts, with the reply format spelled out for a chat model.
constexpr const char* kExplainerSystem =
    "We're studying neurons in a neural network. Each neuron looks for some particular thing in a short document. "
    "Look at the parts of the document the neuron activates for and summarize in a single sentence what the neuron "
    "is looking for. Don't list examples of words.\n\n"
    "The activation format is token<tab>activation. Activation values range from 0 to 10. A neuron finding what "
    "it's looking for is represented by a non-zero activation value. The higher the activation value, the stronger "
    "the match. Reply with the explanation only: a short phrase completing the last sentence.";

constexpr const char* kSimulatorSystem =
    "We're studying neurons in a neural network. Each neuron looks for some particular thing in a short document. "
    "Look at an explanation of what the neuron does, and try to predict its activations on each token.\n\n"
    "The activation format is token<tab>activation, activations go from 0 to 10, \"unknown\" indicates an unknown "
    "activation. Most activations will be 0. Reply with exactly one line per token, in the same order, each "
    "token<tab>activation with activation an integer from 0 to 10, and nothing else.";

std::string trim(const std::string& text) {
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    const auto begin = std::find_if(text.begin(), text.end(), notSpace);
    const auto end = std::find_if(text.rbegin(), text.rend(), notSpace).base();
    return begin < end ? std::string(begin, end) : std::string();
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

/// The lines of `text` as (offset of the first byte, length without the line break and a trailing '\r').
std::vector<std::pair<std::size_t, std::size_t>> lineSpans(const std::string& text) {
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\n', start);
        const std::size_t next = end == std::string::npos ? text.size() : end + 1;
        if (end == std::string::npos) end = text.size();
        if (end > start && text[end - 1] == '\r') --end;
        spans.emplace_back(start, end - start);
        start = next;
    }
    return spans;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream stream(text);
    std::string line;
    while (std::getline(stream, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        result.push_back(line);
    }
    return result;
}

/// The number `text` holds in full (surrounding spaces allowed), or nullopt.
std::optional<double> parseNumber(const std::string& text) {
    const std::string value = trim(text);
    if (value.empty()) return std::nullopt;
    char* end = nullptr;
    const double number = std::strtod(value.c_str(), &end);
    if (end != value.c_str() + value.size() || !std::isfinite(number)) return std::nullopt;
    return number;
}

void appendRecordLines(std::ostringstream& out, const language::ActivationRecord& record, double maxActivation,
                       bool skipZeros) {
    const std::vector<int> scaled = scaledActivations(record, maxActivation);
    out << "<start>\n";
    for (std::size_t i = 0; i < record.tokens.size(); ++i)
        if (!skipZeros || scaled[i] != 0) out << displayToken(record.tokens[i]) << '\t' << scaled[i] << '\n';
    out << "<end>\n";
}

} // namespace

double explainerScale(const language::UnitRecords& unit) {
    double scale = -std::numeric_limits<double>::infinity();
    for (const language::ActivationRecord& record : unit.trainTop)
        scale = std::max(scale, record.maxActivation());
    return scale;
}

std::vector<int> scaledActivations(const language::ActivationRecord& record, double maxActivation) {
    std::vector<int> scaled(record.activations.size(), 0);
    if (!(maxActivation > 0) || !std::isfinite(maxActivation)) return scaled;
    for (std::size_t i = 0; i < scaled.size(); ++i) {
        const double a = record.activations[i];
        if (!(a > 0)) continue; // negative and NaN activations show as 0 (Bills et al. apply a ReLU)
        scaled[i] = static_cast<int>(std::min(10.0, std::floor(10.0 * a / maxActivation)));
    }
    return scaled;
}

std::string displayToken(const std::string& token) {
    std::string shown;
    for (const char c : token) {
        if (c == '\t')
            shown += "\\t";
        else if (c == '\n')
            shown += "\\n";
        else if (c == '\r')
            shown += "\\r";
        else
            shown += c;
    }
    return shown;
}

std::vector<ChatMessage> explainerMessages(const language::UnitRecords& unit) {
    std::ostringstream user;
    const double scale = explainerScale(unit);
    user << "Neuron\nActivations:\n";
    for (const language::ActivationRecord& record : unit.trainTop)
        appendRecordLines(user, record, scale, /*skipZeros=*/false);
    user << "\nSame activations, but with all zeros filtered out:\n";
    for (const language::ActivationRecord& record : unit.trainTop)
        appendRecordLines(user, record, scale, /*skipZeros=*/true);
    user << "\nExplanation of neuron behavior: " << kLeadIn;
    return {{"system", kExplainerSystem}, {"user", user.str()}};
}

std::string parseExplanation(const std::string& reply) {
    std::string explanation;
    for (const std::string& line : lines(reply)) {
        explanation = trim(line);
        if (!explanation.empty()) break;
    }
    // A model may repeat the lead-in, quote its answer or end it as a sentence; none of that is the explanation.
    const std::string leadIn = kLeadIn;
    for (bool changed = true; changed && !explanation.empty();) {
        changed = false;
        if (lower(explanation).rfind(leadIn, 0) == 0) {
            explanation = trim(explanation.substr(leadIn.size()));
            changed = true;
        }
        // Only a matching pair of quotes is removed: "the word 'cat'" keeps its inner quote.
        const std::string quotes = "\"'`";
        if (explanation.size() >= 2 && quotes.find(explanation.front()) != std::string::npos &&
            explanation.back() == explanation.front()) {
            explanation = explanation.substr(1, explanation.size() - 2);
            changed = true;
        }
        if (!explanation.empty() && explanation.back() == '.') {
            explanation.pop_back();
            changed = true;
        }
        explanation = trim(explanation);
    }
    if (explanation.empty()) throw MalformedReply("no explanation in the reply");
    return explanation;
}

std::vector<ChatMessage> simulatorMessages(const std::string& explanation, const std::vector<std::string>& tokens) {
    std::ostringstream user;
    user << "Neuron\nExplanation of neuron behavior: " << kLeadIn << ' ' << explanation << "\nActivations:\n<start>\n";
    for (const std::string& token : tokens)
        user << displayToken(token) << "\tunknown\n";
    user << "<end>\n\nFill in the activations: the same " << tokens.size()
         << " lines, each \"unknown\" replaced by a number from 0 to 10.";
    return {{"system", kSimulatorSystem}, {"user", user.str()}};
}

std::vector<SimulationField> parseSimulationFields(const std::string& reply, std::size_t tokenCount) {
    const bool tabbed = reply.find('\t') != std::string::npos;
    std::vector<SimulationField> fields;
    for (const auto& [start, length] : lineSpans(reply)) {
        const std::string line = reply.substr(start, length);
        std::size_t fieldStart = 0; // in `line`
        if (tabbed) {
            const std::size_t tab = line.rfind('\t');
            if (tab == std::string::npos) continue; // <start>, <end>, a preamble
            fieldStart = tab + 1;
        } else {
            const std::string trimmed = trim(line);
            if (trimmed.empty() || trimmed == "<start>" || trimmed == "<end>") continue;
            const std::size_t last = line.find_last_not_of(" \t\v\f");
            const std::size_t space = line.find_last_of(" \t", last);
            fieldStart = space == std::string::npos ? 0 : space + 1;
        }
        const std::string field = line.substr(fieldStart);
        const std::optional<double> value = parseNumber(field);
        if (!value)
            throw MalformedReply("token " + std::to_string(fields.size() + 1) + ": \"" + trim(field) +
                                 "\" is not a number");
        const std::size_t lead = field.find_first_not_of(" \t\v\f");
        const std::string text = trim(field);
        fields.push_back({start + fieldStart + lead, text.size(), std::clamp(*value, 0.0, 10.0)});
    }
    if (fields.size() != tokenCount)
        throw MalformedReply(std::to_string(fields.size()) + " values for " + std::to_string(tokenCount) + " tokens");
    return fields;
}

std::vector<double> parseSimulation(const std::string& reply, std::size_t tokenCount) {
    std::vector<double> values;
    for (const SimulationField& field : parseSimulationFields(reply, tokenCount))
        values.push_back(field.value);
    return values;
}

int simulatorMaxTokens(std::size_t tokenCount) {
    // A token line is the token (a few model tokens at most) + TAB + a number + newline.
    return static_cast<int>(std::min<std::size_t>(tokenCount * 8 + 64, 16384));
}

} // namespace codescope::explain
