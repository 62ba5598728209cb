#pragma once
// A minimal client for an OpenAI-compatible chat-completions endpoint (POST {baseUrl}/chat/completions), used by the
// explanation score of units (paper Fig. 7b; the automated-interpretability method of Bills et al. 2023). Any server
// speaking that protocol works: OpenAI itself, or a local llama.cpp / vLLM / Ollama server. libcurl stays in the .cpp.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/common/input_error.h"
#include "core/common/job_control.h"

namespace codescope::explain {

/// Where the explainer and simulator models are served and how hard to try. Echoed (without the key) into results.
struct EndpointSettings {
    std::string baseUrl;                           ///< e.g. "http://127.0.0.1:8080/v1"; "/chat/completions" is appended
    std::string explainerModel;                    ///< the "model" field of explainer requests
    std::string simulatorModel;                    ///< the "model" field of simulator requests
    std::string apiKeyVariable = "OPENAI_API_KEY"; ///< environment variable holding the bearer token (may be unset)
    double timeoutSeconds = 60;                    ///< per attempt, connecting and transferring together
    int maxAttempts = 4;                           ///< attempts per request, the first included (values < 1 count as 1)
    double initialBackoffSeconds = 1; ///< sleep before the 2nd attempt; doubled before each further one (max 60 s)
};

/// The endpoint could not give a usable reply: after the last attempt (connection failure, timeout, HTTP 429/5xx,
/// malformed reply), or at once on HTTP 4xx other than 429 or an unusable URL. what() is one line naming the URL,
/// the number of attempts and the last problem.
class EndpointError : public InputError {
public:
    using InputError::InputError;
};

/// Thrown by a reply parser (see ChatClient::complete) when a reply's content cannot be used; the request is then
/// retried like a failed one. what() says what was wrong, for the final EndpointError.
class MalformedReply : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One message of a chat conversation; role is "system", "user" or "assistant".
struct ChatMessage {
    std::string role;
    std::string content;
};

/// One chat-completions request. It is sent with temperature 0 (the replies of Bills et al. are deterministic).
struct ChatRequest {
    std::string model;
    std::vector<ChatMessage> messages;
    int maxTokens = 256; ///< the request's max_tokens
    /// > 0: also ask for the log-probabilities of the reply's tokens and of this many alternatives at each
    /// ("logprobs": true, "top_logprobs": N; OpenAI, vLLM and llama.cpp's server answer it). 0: not asked.
    int topLogprobs = 0;
};

/// One token of a reply with its log-probability and the most likely tokens at its place (an entry of the OpenAI
/// chat API's choices[0].logprobs.content).
struct TokenLogprob {
    std::string text;   ///< the token's text: its "bytes" where given (exact UTF-8), else its "token" string
    double logprob = 0; ///< natural logarithm of its probability
    /// top_logprobs: (text, natural log-probability) of the alternatives, most likely first as the endpoint lists
    /// them; at temperature 0 the token itself is usually the first.
    std::vector<std::pair<std::string, double>> alternatives;
};

/// What a chat-completions reply holds for the caller.
struct ChatReply {
    std::string content; ///< choices[0].message.content
    /// The reply's tokens with log-probabilities, in order; nullopt when they were not asked for, the endpoint
    /// returned none (null, missing, or refused the request's logprobs), or returned them in a shape not understood.
    std::optional<std::vector<TokenLogprob>> logprobs;
};

/// The settings from the environment: CODESCOPE_EXPLAIN_URL (base URL), CODESCOPE_EXPLAINER_MODEL and
/// CODESCOPE_SIMULATOR_MODEL (defaults to the explainer model when unset); other fields keep their defaults.
/// Returns nullopt when CODESCOPE_EXPLAIN_URL is unset or empty: the feature is not configured (show
/// endpointNotConfiguredMessage()). When the URL is set but CODESCOPE_EXPLAINER_MODEL is not, the models are left
/// empty for the caller to fill (e.g. from a command-line flag); explainUnits rejects an empty explainer model.
/// Throws nothing.
std::optional<EndpointSettings> endpointFromEnvironment();

/// One line telling the user how to configure the endpoint, for the CLI's stderr or the GUI's dialog.
std::string endpointNotConfiguredMessage();

/// Sends chat-completions requests to one endpoint, retrying with exponential back-off. One client per thread (it
/// owns one curl handle); the client may be reused for many requests (connections are kept alive).
class ChatClient {
public:
    /// `cancel` (may be null, must outlive the client) interrupts transfers and back-off sleeps: complete() then
    /// throws Cancelled. Throws EndpointError when the settings' baseUrl is empty.
    explicit ChatClient(EndpointSettings settings, const CancelToken* cancel = nullptr);
    ~ChatClient();
    ChatClient(const ChatClient&) = delete;
    ChatClient& operator=(const ChatClient&) = delete;

    /// The URL requests go to: baseUrl (without trailing '/') + "/chat/completions".
    const std::string& url() const;

    /// Sends `request` and returns the reply's content and, when asked for and given, its log-probabilities.
    /// Retries (up to maxAttempts in all, sleeping initialBackoffSeconds * 2^(attempt-1) between attempts) on
    /// connection failure, timeout, HTTP 429/5xx, a body that is not JSON or has no string content, and when `check`
    /// (may be empty) throws MalformedReply for the reply. An endpoint that refuses the log-probabilities (HTTP 400 or
    /// 422 whose body mentions "logprobs") is asked again at once without them, and so are all later requests of
    /// this client (logprobsRefused()). Throws EndpointError after the last attempt or at once on another HTTP 4xx
    /// than 429; Cancelled when cancelled.
    ChatReply exchange(const ChatRequest& request, const std::function<void(const ChatReply&)>& check = {});

    /// exchange() for the content alone; `check` sees the content.
    std::string complete(const ChatRequest& request, const std::function<void(const std::string&)>& check = {});

    /// complete() with a parser: returns parse(content) for the first content it accepts (it throws MalformedReply
    /// for content it rejects, which is retried). Throws as complete().
    template <class Parse>
    auto completeParsed(const ChatRequest& request, Parse parse) -> decltype(parse(std::string())) {
        std::optional<decltype(parse(std::string()))> parsed;
        complete(request, [&](const std::string& content) { parsed = parse(content); });
        return std::move(*parsed);
    }

    /// exchange() with a parser of the whole reply (content and log-probabilities), as completeParsed.
    template <class Parse>
    auto exchangeParsed(const ChatRequest& request, Parse parse) -> decltype(parse(ChatReply())) {
        std::optional<decltype(parse(ChatReply()))> parsed;
        exchange(request, [&](const ChatReply& reply) { parsed = parse(reply); });
        return std::move(*parsed);
    }

    /// True once the endpoint has refused a request's log-probabilities: later requests no longer ask for them.
    bool logprobsRefused() const;

    /// Number of HTTP attempts made by this client so far (for tests and logs).
    int attemptsMade() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace codescope::explain
