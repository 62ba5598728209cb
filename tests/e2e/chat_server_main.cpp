// A stand-in OpenAI-compatible endpoint for the CLI's end-to-end test of `explain`: it prints its base URL, then
// answers explainer prompts with a fixed explanation and simulator prompts with one value per token (the token's
// length, so the score is a real correlation), until it is killed. Test code only.
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

#include "tests/unit/support/local_chat_server.h"

using codescope::test::HttpRequest;
using codescope::test::LocalChatServer;
using codescope::test::ScriptedReply;

namespace {

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
    for (std::string line; std::getline(lines, line);) {
        const std::size_t tab = line.rfind('\t');
        if (tab == std::string::npos) continue;
        reply += line.substr(0, tab) + "\t" + std::to_string(std::min<std::size_t>(10, tab)) + "\n";
    }
    return ScriptedReply::completion(reply + "<end>");
}

} // namespace

int main() {
    LocalChatServer server(answer);
    std::printf("%s\n", server.baseUrl().c_str());
    std::fflush(stdout);
    for (;;) pause(); // until killed
}
