// A stand-in OpenAI-compatible endpoint for the CLI's end-to-end test of `explain`: it prints its base URL, then
// answers explainer prompts with a fixed explanation and simulator prompts with one value per token (the token's
// length up to 10, so the score is a real correlation), until it is killed. Like vLLM and llama.cpp's server, it
// returns the log-probabilities of the reply's tokens when a request asks for them: at each value, the written value
// v has probability 0.7, v - 1 (v + 1 for v = 0) 0.2 and the non-number "x" 0.1, so the expected value is
// (0.7 v + 0.2 (v -/+ 1)) / 0.9. With --no-logprobs it never returns them (an endpoint without log-probabilities).
// Test code only.
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

#include "tests/unit/support/local_chat_server.h"

using codescope::test::HttpRequest;
using codescope::test::LocalChatServer;
using codescope::test::ScriptedReply;
using codescope::test::ScriptedToken;

namespace {

bool g_logprobs = true;

ScriptedToken plainToken(const std::string& text) {
    return {text, 0.0, {{text, 0.0}}};
}

ScriptedReply answer(const HttpRequest& request) {
    const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.contains("messages")) return ScriptedReply::httpError(400);
    const std::string prompt = body["messages"].back()["content"].get<std::string>();
    if (prompt.find("\tunknown") == std::string::npos) return ScriptedReply::completion("letters and spaces");
    // The simulator: the last <start> ... <end> block, "unknown" replaced by a value.
    const std::size_t start = prompt.rfind("<start>\n");
    const std::size_t end = prompt.find("<end>", start);
    std::istringstream lines(prompt.substr(start + 8, end - start - 8));
    std::string reply = "<start>\n";
    std::vector<ScriptedToken> tokens = {plainToken("<start>\n")};
    for (std::string line; std::getline(lines, line);) {
        const std::size_t tab = line.rfind('\t');
        if (tab == std::string::npos) continue;
        const std::size_t value = std::min<std::size_t>(10, tab);
        const std::size_t other = value == 0 ? 1 : value - 1;
        reply += line.substr(0, tab) + "\t" + std::to_string(value) + "\n";
        tokens.push_back(plainToken(line.substr(0, tab) + "\t"));
        tokens.push_back(
            {std::to_string(value),
             std::log(0.7),
             {{std::to_string(value), std::log(0.7)}, {std::to_string(other), std::log(0.2)}, {"x", std::log(0.1)}}});
        tokens.push_back(plainToken("\n"));
    }
    reply += "<end>";
    tokens.push_back(plainToken("<end>"));
    const bool asked = body.contains("logprobs") && body["logprobs"].is_boolean() && body["logprobs"].get<bool>();
    if (g_logprobs && asked) return ScriptedReply::completionWithLogprobs(reply, tokens);
    return ScriptedReply::completion(reply);
}

} // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--no-logprobs") == 0) {
            g_logprobs = false;
        } else {
            std::fprintf(stderr, "usage: %s [--no-logprobs]\n", argv[0]);
            return 2;
        }
    }
    LocalChatServer server(answer);
    std::printf("%s\n", server.baseUrl().c_str());
    std::fflush(stdout);
    for (;;)
        pause(); // until killed
}
