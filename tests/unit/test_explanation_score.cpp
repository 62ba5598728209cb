// Explanation scores of units (paper Fig. 7b; Bills et al. 2023): the correlation math against hand-computed values,
// the prompts and their parsers, and the explain-simulate-score job end to end against a scripted local
// OpenAI-compatible server, including retries, back-off, timeouts, malformed replies and partial results.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/common/job_control.h"
#include "core/explain/chat_client.h"
#include "core/explain/explanation_prompts.h"
#include "core/explain/explanation_score.h"
#include "core/explain/simulation_values.h"
#include "tests/unit/support/local_chat_server.h"

using namespace codescope;
using namespace codescope::explain;
using codescope::test::HttpRequest;
using codescope::test::LocalChatServer;
using codescope::test::ScriptedReply;
using codescope::test::ScriptedToken;

namespace {

language::ActivationRecord record(std::vector<std::string> tokens, std::vector<double> activations) {
    language::ActivationRecord r;
    r.tokens = std::move(tokens);
    r.activations = std::move(activations);
    return r;
}

/// A unit whose train record is about cats; `marker` is one extra token so a handler can tell units apart.
language::UnitRecords catUnit(const std::string& name, const std::string& marker = "cat") {
    language::UnitRecords unit;
    unit.layer = "blocks.3.mlp.gelu";
    unit.depth = 3;
    unit.unit = name;
    unit.maxActivation = 5;
    unit.trainTop = {record({"my", marker, "purrs"}, {0, 5, 2})};
    unit.validationTop = {record({"the", "cat", "sat"}, {0, 5, 1})};
    unit.validationRandom = {record({"a", "dog"}, {0.5, 1.5})};
    return unit;
}

/// Settings for the local server with a fast back-off and a short timeout.
EndpointSettings settingsFor(const LocalChatServer& server, int maxAttempts = 3) {
    EndpointSettings settings;
    settings.baseUrl = server.baseUrl();
    settings.explainerModel = "explainer-model";
    settings.simulatorModel = "simulator-model";
    settings.apiKeyVariable = "CODESCOPE_TEST_API_KEY";
    settings.timeoutSeconds = 5;
    settings.maxAttempts = maxAttempts;
    settings.initialBackoffSeconds = 0.01;
    return settings;
}

bool isSimulatorRequest(const HttpRequest& request) {
    const auto json = nlohmann::json::parse(request.body);
    return json["messages"][0]["content"].get<std::string>().find("predict its activations") != std::string::npos;
}

std::string userMessage(const HttpRequest& request) {
    return nlohmann::json::parse(request.body)["messages"][1]["content"].get<std::string>();
}

/// The fixed simulator: "cat" -> 10, "dog" -> 2, every other token 0, one `token<TAB>value` line per "unknown" line
/// of the prompt, wrapped in <start>/<end> and a preamble (which the parser must ignore).
std::string simulatedReply(const std::string& prompt) {
    std::istringstream lines(prompt);
    std::string line, reply = "Here you go:\n<start>\n";
    const std::string unknown = "\tunknown";
    while (std::getline(lines, line)) {
        if (line.size() < unknown.size() || line.compare(line.size() - unknown.size(), unknown.size(), unknown) != 0)
            continue;
        const std::string token = line.substr(0, line.size() - unknown.size());
        reply += token + "\t" + (token == "cat" ? "10" : token == "dog" ? "2" : "0") + "\n";
    }
    return reply + "<end>\n";
}

/// simulatedReply's content as a tokenised reply with log-probabilities, as vLLM or llama.cpp's server returns it:
/// "token\t" one token, the value another, "\n" a third. At each value: "cat" written 10 with {"10": 0.5, "8": 0.5},
/// "dog" written 2 with {"2": 0.75, "6": 0.25, "dog": tiny}, any other written 0 with {"0": 1}.
ScriptedReply simulatedReplyWithLogprobs(const std::string& prompt) {
    const std::string content = simulatedReply(prompt);
    std::vector<ScriptedToken> tokens;
    const auto plain = [&](const std::string& text) { tokens.push_back({text, 0.0, {{text, 0.0}}}); };
    std::istringstream lines(content);
    for (std::string line; std::getline(lines, line);) {
        const std::size_t tab = line.find('\t');
        if (tab == std::string::npos) {
            plain(line + "\n");
            continue;
        }
        const std::string token = line.substr(0, tab);
        plain(token + "\t");
        if (token == "cat")
            tokens.push_back({"10", std::log(0.5), {{"10", std::log(0.5)}, {"8", std::log(0.5)}}});
        else if (token == "dog")
            tokens.push_back({"2", std::log(0.75), {{"2", std::log(0.75)}, {"6", std::log(0.25)}, {"dog", -30}}});
        else
            tokens.push_back({"0", 0.0, {{"0", 0.0}}});
        plain("\n");
    }
    return ScriptedReply::completionWithLogprobs(content, tokens);
}

ScriptedReply fixedCompletions(const HttpRequest& request) {
    if (isSimulatorRequest(request)) return ScriptedReply::completion(simulatedReply(userMessage(request)));
    return ScriptedReply::completion("  \"words about cats.\"  \n");
}

// Hand computation for catUnit's validation tokens (the, cat, sat | a, dog) with fixedCompletions:
//   simulated s = [0, 10, 0, 0, 2], mean 2.4;  true t = [0, 5, 1, 0.5, 1.5], mean 1.6
//   s - 2.4 = [-2.4, 7.6, -2.4, -2.4, -0.4];  t - 1.6 = [-1.6, 3.4, -0.6, -1.1, -0.1]
//   sum ds*dt = 3.84 + 25.84 + 1.44 + 2.64 + 0.04 = 33.8
//   sum ds^2 = 5.76 + 57.76 + 5.76 + 5.76 + 0.16 = 75.2;  sum dt^2 = 2.56 + 11.56 + 0.36 + 1.21 + 0.01 = 15.7
//   r = 33.8 / sqrt(75.2 * 15.7) = 33.8 / sqrt(1180.64) = 0.98368931...
constexpr double kCatUnitScore = 0.98368931441746;

// The same with simulatedReplyWithLogprobs' expected values: cat 0.5 * 10 + 0.5 * 8 = 9, dog 0.75 * 2 + 0.25 * 6 = 3
// ("dog" is no number and is left out), the others 0:
//   s = [0, 9, 0, 0, 3], mean 2.4;  s - 2.4 = [-2.4, 6.6, -2.4, -2.4, 0.6];  t - 1.6 as above
//   sum ds*dt = 3.84 + 22.44 + 1.44 + 2.64 - 0.06 = 30.3;  sum ds^2 = 5.76 + 43.56 + 5.76 + 5.76 + 0.36 = 61.2
//   r = 30.3 / sqrt(61.2 * 15.7) = 30.3 / sqrt(960.84) = 0.97750073...
constexpr double kCatUnitExpectedValueScore = 0.9775007318561548;

/// Sets an environment variable for one test and restores the previous value after it.
class ScopedEnvironment {
public:
    ScopedEnvironment(std::string name, const char* value) : m_name(std::move(name)) {
        if (const char* old = std::getenv(m_name.c_str())) m_old = old;
        m_hadOld = std::getenv(m_name.c_str()) != nullptr;
        if (value)
            ::setenv(m_name.c_str(), value, 1);
        else
            ::unsetenv(m_name.c_str());
    }
    ~ScopedEnvironment() {
        if (m_hadOld)
            ::setenv(m_name.c_str(), m_old.c_str(), 1);
        else
            ::unsetenv(m_name.c_str());
    }

private:
    std::string m_name, m_old;
    bool m_hadOld = false;
};

std::string expectEndpointError(const std::function<void()>& call) {
    try {
        call();
    } catch (const EndpointError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no EndpointError";
    return {};
}

} // namespace

// ---- correlation and score -------------------------------------------------------------------------------------

TEST(PearsonCorrelation, MatchesHandComputation) {
    // a = [1,2,3] (mean 2), b = [2,4,7] (mean 13/3): da = [-1,0,1], db = [-7/3,-1/3,8/3]
    // sum da*db = 7/3 + 0 + 8/3 = 5; sum da^2 = 2; sum db^2 = (49+1+64)/9 = 38/3
    // r = 5 / sqrt(2 * 38/3) = sqrt(75/76) = 0.99339926779878...
    EXPECT_NEAR(pearsonCorrelation({1, 2, 3}, {2, 4, 7}), std::sqrt(75.0 / 76.0), 1e-12);
    EXPECT_NEAR(pearsonCorrelation({1, 2, 3}, {2, 4, 7}), 0.99339926779878, 1e-12);
}

TEST(PearsonCorrelation, PerfectAndAntiCorrelation) {
    EXPECT_NEAR(pearsonCorrelation({0, 1, 5, 2}, {3, 5, 13, 7}), 1.0, 1e-12);      // b = 2a + 3
    EXPECT_NEAR(pearsonCorrelation({0, 1, 5, 2}, {-1, -4, -16, -7}), -1.0, 1e-12); // b = -3a - 1
    // Invariant to a large common offset (centred sums, no cancellation).
    EXPECT_NEAR(pearsonCorrelation({1e9 + 1, 1e9 + 2, 1e9 + 3}, {2, 4, 7}), std::sqrt(75.0 / 76.0), 1e-9);
}

TEST(PearsonCorrelation, UndefinedCasesAreNanAndLengthMismatchThrows) {
    EXPECT_TRUE(std::isnan(pearsonCorrelation({1, 1, 1}, {1, 2, 3}))); // zero variance
    EXPECT_TRUE(std::isnan(pearsonCorrelation({1, 2, 3}, {4, 4, 4})));
    EXPECT_TRUE(std::isnan(pearsonCorrelation({1}, {2})));
    EXPECT_TRUE(std::isnan(pearsonCorrelation({}, {})));
    EXPECT_THROW(pearsonCorrelation({1, 2}, {1, 2, 3}), InputError);
}

TEST(ScoreExplanation, PoolsAllTokensOfAllRecords) {
    // The same pooled series as the hand computation above, split over two records.
    const std::vector<language::ActivationRecord> records = {record({"a", "b"}, {2, 4}), record({"c"}, {7})};
    EXPECT_NEAR(scoreExplanation(records, {{1, 2}, {3}}), std::sqrt(75.0 / 76.0), 1e-12);
    EXPECT_NEAR(scoreExplanation(records, {{2, 4}, {7}}), 1.0, 1e-12);
    EXPECT_NEAR(scoreExplanation(records, {{-2, -4}, {-7}}), -1.0, 1e-12);
    EXPECT_TRUE(std::isnan(scoreExplanation(records, {{0, 0}, {0}})));
    EXPECT_THROW(scoreExplanation(records, {{1, 2}}), InputError);
    EXPECT_THROW(scoreExplanation(records, {{1, 2}, {3, 4}}), InputError);
}

// ---- prompts -----------------------------------------------------------------------------------------------------

TEST(ExplanationPrompts, ActivationsScaledToZeroToTenByUnitMaximum) {
    // floor(10 * relu(a) / 4): -1 -> 0, 0 -> 0, 1 -> 2, 2.5 -> 6, 4 -> 10, 5 -> 12 clipped to 10
    EXPECT_EQ(scaledActivations(record({"a", "b", "c", "d", "e", "f"}, {-1, 0, 1, 2.5, 4, 5}), 4),
              (std::vector<int>{0, 0, 2, 6, 10, 10}));
    EXPECT_EQ(scaledActivations(record({"a", "b"}, {1, 2}), 0), (std::vector<int>{0, 0}));
}

TEST(ExplanationPrompts, ExplainerShowsTokenTabActivationLines) {
    language::UnitRecords unit = catUnit("neuron 1");
    unit.trainTop = {record({"my", "cat\tx", "purrs"}, {0, 5, 2})};
    const std::vector<ChatMessage> messages = explainerMessages(unit);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].role, "system");
    EXPECT_EQ(messages[1].role, "user");
    const std::string& user = messages[1].content;
    EXPECT_NE(user.find("<start>\nmy\t0\ncat\\tx\t10\npurrs\t4\n<end>"), std::string::npos) << user;
    EXPECT_NE(user.find("filtered out:\n<start>\ncat\\tx\t10\npurrs\t4\n<end>"), std::string::npos) << user;
    EXPECT_NE(user.find("the main thing this neuron does is find"), std::string::npos);
}

TEST(ExplanationPrompts, ExplanationParsedWithoutQuotesAndLeadIn) {
    EXPECT_EQ(parseExplanation("  \"words about cats.\"  \nsecond line"), "words about cats");
    EXPECT_EQ(parseExplanation("\n\nThe main thing this neuron does is find 'plural nouns'."), "plural nouns");
    EXPECT_EQ(parseExplanation("the word 'cat'"), "the word 'cat'");
    EXPECT_THROW(parseExplanation("  \n \"\" \n"), MalformedReply);
}

TEST(ExplanationPrompts, SimulatorPromptAndParser) {
    const std::vector<ChatMessage> messages = simulatorMessages("words about cats", {"the", "cat"});
    EXPECT_NE(messages[1].content.find("find words about cats"), std::string::npos);
    EXPECT_NE(messages[1].content.find("<start>\nthe\tunknown\ncat\tunknown\n<end>"), std::string::npos);

    EXPECT_EQ(parseSimulation("<start>\nthe\t0\ncat\t10\n<end>", 2), (std::vector<double>{0, 10}));
    EXPECT_EQ(parseSimulation("Sure:\r\nthe\t 3 \r\ncat\t12\r\n", 2), (std::vector<double>{3, 10})); // clipped
    EXPECT_EQ(parseSimulation("the 1\ncat 7.5\n", 2), (std::vector<double>{1, 7.5}));                // no TAB
    EXPECT_THROW(parseSimulation("the\t0\n", 2), MalformedReply);                                    // too few
    EXPECT_THROW(parseSimulation("the\t0\ncat\t1\nsat\t2\n", 2), MalformedReply);                    // too many
    EXPECT_THROW(parseSimulation("the\t0\ncat\thigh\n", 2), MalformedReply);                         // not a number
    EXPECT_THROW(parseSimulation("I cannot do that.", 2), MalformedReply);
}

TEST(ExplanationPrompts, ExplainerScaleIsTheMaximumOverTheExplainersRecords) {
    // Bills et al. scale by the explainer's own records, not by the data set's maximum (here 50).
    language::UnitRecords unit = catUnit("neuron 1");
    unit.maxActivation = 50;
    unit.trainTop.push_back(record({"a", "b"}, {1, 2.5}));
    EXPECT_EQ(explainerScale(unit), 5);
    const std::string user = explainerMessages(unit)[1].content;
    EXPECT_NE(user.find("my\t0\ncat\t10\npurrs\t4"), std::string::npos) << user;
    EXPECT_NE(user.find("a\t2\nb\t5"), std::string::npos) << user;
}

TEST(ExplanationPrompts, SimulationFieldsSayWhereEachValueIs) {
    const std::string reply = "Sure:\r\n<start>\nthe\t 3 \r\ncat\t10\n<end>";
    const std::vector<SimulationField> fields = parseSimulationFields(reply, 2);
    ASSERT_EQ(fields.size(), 2u);
    EXPECT_EQ(reply.substr(fields[0].offset, fields[0].length), "3");
    EXPECT_EQ(fields[0].value, 3);
    EXPECT_EQ(reply.substr(fields[1].offset, fields[1].length), "10");
    const std::string spaced = "the 1\n  cat   7.5  \n";
    const std::vector<SimulationField> untabbed = parseSimulationFields(spaced, 2);
    EXPECT_EQ(spaced.substr(untabbed[1].offset, untabbed[1].length), "7.5");
}

// ---- expected values from log-probabilities (Bills et al.) --------------------------------------------------------

TEST(SimulationValues, ExpectedValueMatchesHandComputation) {
    // Numbers among the alternatives: 3 with 0.5, 4 with 0.3 + 0.1 (" 4" is 4 too); "x" is no number. Normalised
    // over the numbers (0.9): E = (3 * 0.5 + 4 * 0.4) / 0.9 = 3.1 / 0.9 = 3.4444...
    EXPECT_NEAR(
        *expectedActivation({{"3", std::log(0.5)}, {"4", std::log(0.3)}, {" 4", std::log(0.1)}, {"x", std::log(0.1)}}),
        3.1 / 0.9, 1e-12);
    EXPECT_NEAR(
        *expectedActivation({{"3", std::log(0.5)}, {"4", std::log(0.3)}, {" 4", std::log(0.1)}, {"x", std::log(0.1)}}),
        3.4444444444444446, 1e-12);
    // Log-probabilities need not sum to 1: 0 with e^-1 and 10 with e^-2 give E = 10 e^-2 / (e^-1 + e^-2) =
    // 10 / (e + 1) = 2.6894142...
    EXPECT_NEAR(*expectedActivation({{"0", -1.0}, {"10", -2.0}}), 10.0 / (std::exp(1.0) + 1.0), 1e-12);
    EXPECT_NEAR(*expectedActivation({{"0", -1.0}, {"10", -2.0}}), 2.6894142136999513, 1e-12);
    // Only "0".."10" count: "11", "05", "-1" and "5.5" are not activation tokens. Very small probabilities stay exact
    // (the softmax subtracts the largest log-probability).
    EXPECT_NEAR(*expectedActivation({{"7", -800.0}, {"11", 0.0}, {"05", 0.0}, {"-1", 0.0}, {"5.5", 0.0}}), 7.0, 1e-12);
    EXPECT_NEAR(*expectedActivation({{"2", -800.0}, {"4", -800.0 + std::log(3.0)}}), 3.5, 1e-9);
    EXPECT_FALSE(expectedActivation({{"x", 0.0}, {"11", -1.0}}).has_value());
    EXPECT_FALSE(expectedActivation({}).has_value());
}

TEST(SimulationValues, EachValueIsReadFromTheTokenHoldingIt) {
    // "\t0" holds its TAB: its alternatives are read without it ("0" alone does not fit after "the" and is left
    // out): E = (0 * 0.6 + 1 * 0.3) / 0.9 = 1/3. "10" stands alone: E = 0.5 * 10 + 0.5 * 9 = 9.5.
    ChatReply reply;
    reply.content = "<start>\nthe\t0\ncat\t10\n<end>";
    reply.logprobs = std::vector<TokenLogprob>{
        {"<start>\n", 0, {}},
        {"the", 0, {}},
        {"\t0", std::log(0.6), {{"\t0", std::log(0.6)}, {"\t1", std::log(0.3)}, {"0", std::log(0.1)}}},
        {"\n", 0, {}},
        {"cat\t", 0, {}},
        {"10", std::log(0.5), {{"10", std::log(0.5)}, {"9", std::log(0.5)}}},
        {"\n<end>", 0, {}}};
    const SimulatedRecord simulated = simulatedActivations(reply, 2);
    ASSERT_EQ(simulated.values.size(), 2u);
    EXPECT_NEAR(simulated.values[0], 1.0 / 3.0, 1e-12);
    EXPECT_NEAR(simulated.values[1], 9.5, 1e-12);
    EXPECT_EQ(simulated.expectedValues, 2u);
    EXPECT_EQ(simulated.parsedValues, 0u);
}

TEST(SimulationValues, WrittenNumbersWhereLogprobsCannotBeUsed) {
    ChatReply reply;
    reply.content = "the\t3\ncat\t10\n";
    // No log-probabilities at all: the written numbers.
    SimulatedRecord simulated = simulatedActivations(reply, 2);
    EXPECT_EQ(simulated.values, (std::vector<double>{3, 10}));
    EXPECT_EQ(simulated.parsedValues, 2u);
    EXPECT_EQ(simulated.expectedValues, 0u);
    // "10" written as "1" "0" (a tokenizer that splits digits): "1" says nothing about 10, so that token is written
    // 10; the first value's token has no number among its alternatives: written 3.
    reply.logprobs = std::vector<TokenLogprob>{{"the\t", 0, {}},       {"3", 0, {{"three", 0.0}}},
                                               {"\ncat\t", 0, {}},     {"1", 0, {{"1", 0.0}, {"2", -1.0}}},
                                               {"0", 0, {{"0", 0.0}}}, {"\n", 0, {}}};
    simulated = simulatedActivations(reply, 2);
    EXPECT_EQ(simulated.values, (std::vector<double>{3, 10}));
    EXPECT_EQ(simulated.parsedValues, 2u);
    // Tokens that do not spell out the content: nothing after the first mismatch is used.
    reply.logprobs = std::vector<TokenLogprob>{{"the\t", 0, {}},
                                               {"3", 0, {{"3", std::log(0.5)}, {"5", std::log(0.5)}}},
                                               {"\nkat\t", 0, {}},
                                               {"10", 0, {{"10", std::log(0.5)}, {"8", std::log(0.5)}}},
                                               {"\n", 0, {}}};
    simulated = simulatedActivations(reply, 2);
    EXPECT_NEAR(simulated.values[0], 4.0, 1e-12);
    EXPECT_EQ(simulated.values[1], 10);
    EXPECT_EQ(simulated.expectedValues, 1u);
    EXPECT_EQ(simulated.parsedValues, 1u);
    EXPECT_THROW(simulatedActivations(reply, 3), MalformedReply);
}

// ---- configuration -----------------------------------------------------------------------------------------------

TEST(ExplainEndpoint, NotConfiguredSaysSoClearly) {
    const ScopedEnvironment url("CODESCOPE_EXPLAIN_URL", nullptr);
    EXPECT_FALSE(endpointFromEnvironment().has_value());
    const std::string message = endpointNotConfiguredMessage();
    EXPECT_NE(message.find("not configured"), std::string::npos);
    EXPECT_NE(message.find("CODESCOPE_EXPLAIN_URL"), std::string::npos);
    EXPECT_NE(message.find("CODESCOPE_EXPLAINER_MODEL"), std::string::npos);
    EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(ExplainEndpoint, SettingsFromEnvironment) {
    const ScopedEnvironment url("CODESCOPE_EXPLAIN_URL", "http://127.0.0.1:9/v1");
    const ScopedEnvironment simulator("CODESCOPE_SIMULATOR_MODEL", nullptr);
    {
        const ScopedEnvironment explainer("CODESCOPE_EXPLAINER_MODEL", nullptr);
        // Half configured: the URL comes back with empty models for the caller (e.g. a CLI flag) to fill in, and
        // explainUnits refuses to run without an explainer model.
        const std::optional<EndpointSettings> partial = endpointFromEnvironment();
        ASSERT_TRUE(partial.has_value());
        EXPECT_TRUE(partial->explainerModel.empty());
        const std::string message = expectEndpointError([&] { explainUnits({catUnit("neuron 1")}, *partial); });
        EXPECT_NE(message.find("no explainer model"), std::string::npos) << message;
    }
    const ScopedEnvironment explainer("CODESCOPE_EXPLAINER_MODEL", "big-model");
    const std::optional<EndpointSettings> settings = endpointFromEnvironment();
    ASSERT_TRUE(settings.has_value());
    EXPECT_EQ(settings->baseUrl, "http://127.0.0.1:9/v1");
    EXPECT_EQ(settings->explainerModel, "big-model");
    EXPECT_EQ(settings->simulatorModel, "big-model");
    EXPECT_EQ(settings->apiKeyVariable, "OPENAI_API_KEY");
}

// ---- the client against the local server -------------------------------------------------------------------------

TEST(ChatClient, SendsOpenAiRequestWithBearerKey) {
    const ScopedEnvironment key("CODESCOPE_TEST_API_KEY", "sk-test-123");
    LocalChatServer server(LocalChatServer::queue({}, ScriptedReply::completion("hello")));
    ChatClient client(settingsFor(server));
    EXPECT_EQ(client.url(), server.baseUrl() + "/chat/completions");
    EXPECT_EQ(client.complete({"m1", {{"system", "s"}, {"user", "u"}}, 17}), "hello");
    const std::vector<HttpRequest> requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].path, "/v1/chat/completions");
    EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer sk-test-123");
    const auto body = nlohmann::json::parse(requests[0].body);
    EXPECT_EQ(body["model"], "m1");
    EXPECT_EQ(body["temperature"], 0);
    EXPECT_EQ(body["max_tokens"], 17);
    EXPECT_EQ(body["messages"][1]["role"], "user");
    EXPECT_EQ(body["messages"][1]["content"], "u");
}

TEST(ChatClient, AsksForLogprobsAndReadsThem) {
    LocalChatServer server(LocalChatServer::queue(
        {}, ScriptedReply::completionWithLogprobs(
                "a\t7", {{"a\t", -0.1, {{"a\t", -0.1}}}, {"7", -0.2, {{"7", -0.2}, {"8", -1.9}}}})));
    ChatClient client(settingsFor(server));
    ChatRequest request{"m", {{"user", "u"}}, 8};
    request.topLogprobs = 5;
    const ChatReply reply = client.exchange(request);
    EXPECT_EQ(reply.content, "a\t7");
    ASSERT_TRUE(reply.logprobs.has_value());
    ASSERT_EQ(reply.logprobs->size(), 2u);
    EXPECT_EQ((*reply.logprobs)[1].text, "7");
    EXPECT_EQ((*reply.logprobs)[1].logprob, -0.2);
    ASSERT_EQ((*reply.logprobs)[1].alternatives.size(), 2u);
    EXPECT_EQ((*reply.logprobs)[1].alternatives[1].first, "8");
    EXPECT_EQ((*reply.logprobs)[1].alternatives[1].second, -1.9);
    const auto body = nlohmann::json::parse(server.requests().at(0).body);
    EXPECT_EQ(body["logprobs"], true);
    EXPECT_EQ(body["top_logprobs"], 5);
    // Not asked, not sent; a reply without them (or with "logprobs": null) has none.
    client.complete({"m", {{"user", "u"}}, 8});
    EXPECT_FALSE(nlohmann::json::parse(server.requests().at(1).body).contains("logprobs"));
    LocalChatServer plain(LocalChatServer::queue(
        {ScriptedReply::rawBody(R"({"choices": [{"message": {"content": "hi"}, "logprobs": null}]})")},
        ScriptedReply::completion("hello")));
    ChatClient plainClient(settingsFor(plain));
    EXPECT_FALSE(plainClient.exchange(request).logprobs.has_value());
    EXPECT_FALSE(plainClient.exchange(request).logprobs.has_value());
}

TEST(ChatClient, EndpointRefusingLogprobsIsAskedAgainWithout) {
    // A model without log-probabilities answers HTTP 400 naming them: the client asks again at once without them,
    // and no longer asks on later requests.
    LocalChatServer server([](const HttpRequest& request) {
        if (nlohmann::json::parse(request.body).contains("logprobs")) {
            ScriptedReply refusal = ScriptedReply::httpError(400);
            refusal.body = R"({"error": {"message": "This model does not support logprobs"}})";
            return refusal;
        }
        return ScriptedReply::completion("plain");
    });
    ChatClient client(settingsFor(server, 1));
    ChatRequest request{"m", {{"user", "u"}}, 8};
    request.topLogprobs = 15;
    const ChatReply reply = client.exchange(request);
    EXPECT_EQ(reply.content, "plain");
    EXPECT_FALSE(reply.logprobs.has_value());
    EXPECT_TRUE(client.logprobsRefused());
    EXPECT_EQ(server.requestCount(), 2u);
    EXPECT_EQ(client.exchange(request).content, "plain");
    EXPECT_EQ(server.requestCount(), 3u);
    EXPECT_FALSE(nlohmann::json::parse(server.requests().at(2).body).contains("logprobs"));
}

TEST(ChatClient, NoAuthorizationHeaderWithoutKey) {
    const ScopedEnvironment key("CODESCOPE_TEST_API_KEY", nullptr);
    LocalChatServer server(LocalChatServer::queue({}, ScriptedReply::completion("hello")));
    ChatClient client(settingsFor(server));
    client.complete({"m", {{"user", "u"}}, 8});
    EXPECT_EQ(server.requests().at(0).headers.count("authorization"), 0u);
}

TEST(ChatClient, RetriesServerErrorsWithExponentialBackoff) {
    LocalChatServer server(LocalChatServer::queue(
        {ScriptedReply::httpError(500), ScriptedReply::httpError(503), ScriptedReply::httpError(429)},
        ScriptedReply::completion("finally")));
    EndpointSettings settings = settingsFor(server, 4);
    settings.initialBackoffSeconds = 0.02;
    ChatClient client(settings);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(client.complete({"m", {{"user", "u"}}, 8}), "finally");
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(client.attemptsMade(), 4);
    EXPECT_EQ(server.requestCount(), 4u);
    EXPECT_GE(elapsed, 0.02 + 0.04 + 0.08 - 0.005); // back-off 20, 40, 80 ms
}

TEST(ChatClient, ClientErrorFailsAtOnceNamingTheUrl) {
    LocalChatServer server(LocalChatServer::queue({}, ScriptedReply::httpError(404)));
    ChatClient client(settingsFor(server, 4));
    const std::string message = expectEndpointError([&] { client.complete({"m", {{"user", "u"}}, 8}); });
    EXPECT_EQ(server.requestCount(), 1u);
    EXPECT_NE(message.find(client.url()), std::string::npos) << message;
    EXPECT_NE(message.find("HTTP 404"), std::string::npos) << message;
    EXPECT_NE(message.find("scripted error 404"), std::string::npos) << message; // the server's reason
    EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(ChatClient, MalformedRepliesGiveUpAfterMaxAttemptsWithAClearError) {
    LocalChatServer server(LocalChatServer::queue({}, ScriptedReply::rawBody("<html>oops</html>")));
    ChatClient client(settingsFor(server, 3));
    const std::string message = expectEndpointError([&] { client.complete({"m", {{"user", "u"}}, 8}); });
    EXPECT_EQ(server.requestCount(), 3u);
    EXPECT_NE(message.find(client.url()), std::string::npos) << message;
    EXPECT_NE(message.find("not JSON"), std::string::npos) << message;
    EXPECT_NE(message.find("3 attempts"), std::string::npos) << message;
}

TEST(ChatClient, ReplyWithoutContentOrRejectedByParserIsRetried) {
    LocalChatServer server(
        LocalChatServer::queue({ScriptedReply::rawBody(R"({"choices": []})"), ScriptedReply::completion("the\t1\n"),
                                ScriptedReply::completion("the\tmany\ncat\t2\n")},
                               ScriptedReply::completion("the\t1\ncat\t9\n")));
    ChatClient client(settingsFor(server, 4));
    const std::vector<double> values = client.completeParsed(
        {"m", {{"user", "u"}}, 8}, [](const std::string& reply) { return parseSimulation(reply, 2); });
    EXPECT_EQ(values, (std::vector<double>{1, 9}));
    EXPECT_EQ(client.attemptsMade(), 4);
}

TEST(ChatClient, ConnectionClosedWithoutReplyIsRetried) {
    LocalChatServer server(
        LocalChatServer::queue({ScriptedReply::closeWithoutReply()}, ScriptedReply::completion("after close")));
    ChatClient client(settingsFor(server));
    EXPECT_EQ(client.complete({"m", {{"user", "u"}}, 8}), "after close");
    EXPECT_EQ(client.attemptsMade(), 2);
}

TEST(ChatClient, ReplySlowerThanTimeoutIsRetriedThenReported) {
    {
        LocalChatServer server(
            LocalChatServer::queue({ScriptedReply::completion("late", 3000)}, ScriptedReply::completion("on time")));
        EndpointSettings settings = settingsFor(server);
        settings.timeoutSeconds = 0.2;
        ChatClient client(settings);
        EXPECT_EQ(client.complete({"m", {{"user", "u"}}, 8}), "on time");
        EXPECT_EQ(client.attemptsMade(), 2);
    }
    LocalChatServer server(LocalChatServer::queue({}, ScriptedReply::completion("always late", 3000)));
    EndpointSettings settings = settingsFor(server, 2);
    settings.timeoutSeconds = 0.2;
    ChatClient client(settings);
    const auto start = std::chrono::steady_clock::now();
    const std::string message = expectEndpointError([&] { client.complete({"m", {{"user", "u"}}, 8}); });
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(elapsed, 2.0); // two 0.2 s timeouts, not the server's 3 s
    EXPECT_NE(message.find("timed out"), std::string::npos) << message;
    EXPECT_NE(message.find(client.url()), std::string::npos) << message;
}

TEST(ChatClient, ConnectionRefusedIsRetriedThenReported) {
    std::string url;
    {
        LocalChatServer closed(LocalChatServer::queue({}, ScriptedReply::completion("unused")));
        url = closed.baseUrl();
    } // nothing listens on that port any more
    EndpointSettings settings;
    settings.baseUrl = url;
    settings.maxAttempts = 2;
    settings.initialBackoffSeconds = 0.01;
    ChatClient client(settings);
    const std::string message = expectEndpointError([&] { client.complete({"m", {{"user", "u"}}, 8}); });
    EXPECT_EQ(client.attemptsMade(), 2);
    EXPECT_NE(message.find(url), std::string::npos) << message;
}

TEST(ChatClient, CancelInterruptsBackoff) {
    LocalChatServer server(LocalChatServer::queue({}, ScriptedReply::httpError(500)));
    EndpointSettings settings = settingsFor(server, 4);
    settings.initialBackoffSeconds = 30;
    CancelToken cancel;
    ChatClient client(settings, &cancel);
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        cancel.cancel();
    });
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(client.complete({"m", {{"user", "u"}}, 8}), Cancelled);
    canceller.join();
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
}

// ---- the job end to end --------------------------------------------------------------------------------------------

TEST(ExplainUnits, EndToEndWithFixedCompletions) {
    LocalChatServer server(fixedCompletions);
    std::vector<double> fractions;
    const std::vector<UnitExplanation> results =
        explainUnits({catUnit("neuron 7")}, settingsFor(server), [&](double f) { fractions.push_back(f); });
    ASSERT_EQ(results.size(), 1u);
    const UnitExplanation& r = results[0];
    EXPECT_EQ(r.layer, "blocks.3.mlp.gelu");
    EXPECT_EQ(r.depth, 3);
    EXPECT_EQ(r.unit, "neuron 7");
    EXPECT_FALSE(r.isProjection);
    EXPECT_EQ(r.explanation, "words about cats");
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_NEAR(r.score, kCatUnitScore, 1e-12);
    EXPECT_EQ(fractions, (std::vector<double>{1.0 / 3, 2.0 / 3, 1.0})); // explainer + 2 simulated records
    // The server gave no log-probabilities: the 5 simulated tokens are the written numbers, and the JSON says so.
    EXPECT_EQ(r.parsedValueTokens, 5u);
    EXPECT_EQ(r.expectedValueTokens, 0u);
    EXPECT_EQ(simulationMethod(results), "parsed_integers");
    const nlohmann::json json = nlohmann::json::parse(explanationsJson(results, settingsFor(server), 1));
    EXPECT_EQ(json["simulation"], "parsed_integers");
    EXPECT_NE(json["simulation_note"].get<std::string>().find("no log-probabilities"), std::string::npos);
    EXPECT_EQ(json["units"][0]["simulated_tokens"]["parsed_integer"], 5);

    const std::vector<HttpRequest> requests = server.requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(nlohmann::json::parse(requests[0].body)["model"], "explainer-model");
    EXPECT_NE(userMessage(requests[0]).find("my\t0\ncat\t10\npurrs\t4"), std::string::npos); // scaled by max 5
    EXPECT_FALSE(nlohmann::json::parse(requests[0].body).contains("logprobs"));
    for (std::size_t i = 1; i < 3; ++i) {
        const auto body = nlohmann::json::parse(requests[i].body);
        EXPECT_EQ(body["model"], "simulator-model");
        EXPECT_EQ(body["logprobs"], true); // the simulator is asked for Bills et al.'s distribution
        EXPECT_EQ(body["top_logprobs"], kSimulatorTopLogprobs);
        EXPECT_NE(userMessage(requests[i]).find("find words about cats"), std::string::npos);
    }
}

TEST(ExplainUnits, ScoresTheExpectedValuesWhereTheEndpointGivesLogprobs) {
    LocalChatServer server([](const HttpRequest& request) {
        if (isSimulatorRequest(request)) return simulatedReplyWithLogprobs(userMessage(request));
        return fixedCompletions(request);
    });
    const std::vector<UnitExplanation> results = explainUnits({catUnit("neuron 7")}, settingsFor(server));
    ASSERT_EQ(results.size(), 1u);
    EXPECT_NEAR(results[0].score, kCatUnitExpectedValueScore, 1e-12);
    EXPECT_EQ(results[0].expectedValueTokens, 5u);
    EXPECT_EQ(results[0].parsedValueTokens, 0u);
    const nlohmann::json json = nlohmann::json::parse(explanationsJson(results, settingsFor(server), 1));
    EXPECT_EQ(json["simulation"], "expected_value");
    EXPECT_EQ(json["units"][0]["simulated_tokens"]["expected_value"], 5);
    EXPECT_NE(simulationDescription(results).find("log-probabilities"), std::string::npos);
    // A mixed run (one unit each way) says so.
    std::vector<UnitExplanation> mixed = results;
    mixed.push_back(results[0]);
    mixed[1].expectedValueTokens = 0;
    mixed[1].parsedValueTokens = 4;
    EXPECT_EQ(simulationMethod(mixed), "mixed");
}

TEST(ExplainUnits, StopsAtFirstEndpointErrorKeepingPartialResults) {
    // Unit "zebra" gets HTTP 500 for its explainer request, every time; the others are answered normally.
    LocalChatServer server([](const HttpRequest& request) {
        if (!isSimulatorRequest(request) && userMessage(request).find("zebra") != std::string::npos)
            return ScriptedReply::httpError(500);
        return fixedCompletions(request);
    });
    const std::vector<language::UnitRecords> units = {catUnit("neuron 1"), catUnit("neuron 2", "zebra"),
                                                      catUnit("neuron 3")};
    const EndpointSettings settings = settingsFor(server, 2);
    const std::vector<UnitExplanation> results = explainUnits(units, settings);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].explanation, "words about cats");
    EXPECT_NEAR(results[0].score, kCatUnitScore, 1e-12);
    EXPECT_TRUE(results[0].error.empty());
    EXPECT_EQ(results[1].unit, "neuron 2");
    EXPECT_TRUE(std::isnan(results[1].score));
    EXPECT_NE(results[1].error.find(server.baseUrl() + "/chat/completions"), std::string::npos) << results[1].error;
    EXPECT_NE(results[1].error.find("HTTP 500"), std::string::npos) << results[1].error;
    EXPECT_EQ(server.requestCount(), 3u + 2u); // unit 1: 3 requests; unit 2: 2 attempts; unit 3: none

    // The JSON report of the partial run: valid, marked incomplete, NaN as null, no key.
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "codescope_explanations_test";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "explanations.json").string();
    writeExplanationsJson(path, results, settings, units.size());
    std::ifstream in(path);
    const nlohmann::json json = nlohmann::json::parse(in);
    EXPECT_FALSE(json["complete"].get<bool>());
    EXPECT_EQ(json["endpoint"]["url"], server.baseUrl());
    EXPECT_EQ(json["endpoint"]["explainer_model"], "explainer-model");
    ASSERT_EQ(json["units"].size(), 2u);
    EXPECT_EQ(json["units"][0]["explanation"], "words about cats");
    EXPECT_NEAR(json["units"][0]["score"].get<double>(), kCatUnitScore, 1e-12);
    EXPECT_TRUE(json["units"][0]["error"].is_null());
    EXPECT_TRUE(json["units"][1]["score"].is_null());
    EXPECT_EQ(json["units"][1]["error"], results[1].error);
    std::filesystem::remove_all(dir);

    const nlohmann::json full = nlohmann::json::parse(explanationsJson({results[0]}, settings, 1));
    EXPECT_TRUE(full["complete"].get<bool>());
}

TEST(ExplainUnits, InvalidUnitsRejectedBeforeAnyRequest) {
    LocalChatServer server(fixedCompletions);
    language::UnitRecords noTrain = catUnit("neuron 1");
    noTrain.trainTop.clear();
    EXPECT_THROW(explainUnits({catUnit("neuron 0"), noTrain}, settingsFor(server)), InputError);
    language::UnitRecords noValidation = catUnit("neuron 2");
    noValidation.validationTop.clear();
    noValidation.validationRandom.clear();
    EXPECT_THROW(explainUnits({noValidation}, settingsFor(server)), InputError);
    language::UnitRecords ragged = catUnit("neuron 3");
    ragged.validationTop[0].activations.pop_back();
    EXPECT_THROW(explainUnits({ragged}, settingsFor(server)), InputError);
    EXPECT_EQ(server.requestCount(), 0u);
}

TEST(ExplainUnits, EmptyBaseUrlIsAnEndpointError) {
    EXPECT_THROW(explainUnits({catUnit("neuron 1")}, EndpointSettings{}), EndpointError);
}

TEST(ExplainUnits, EmptySimulatorModelMeansTheExplainers) {
    LocalChatServer server(fixedCompletions);
    EndpointSettings settings = settingsFor(server);
    settings.simulatorModel.clear();
    const std::vector<UnitExplanation> results = explainUnits({catUnit("neuron 1")}, settings);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_NEAR(results[0].score, kCatUnitScore, 1e-12);
    for (const HttpRequest& request : server.requests())
        EXPECT_EQ(nlohmann::json::parse(request.body)["model"], "explainer-model");
}
