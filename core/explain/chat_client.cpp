#include "core/explain/chat_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace codescope::explain {

namespace {

constexpr double kMaxBackoffSeconds = 60;
constexpr std::size_t kExcerptChars = 200;

std::string environmentValue(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

// curl_global_init is not thread-safe in older libcurl: run it once, before the first handle.
void initialiseCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

/// A body or message shortened to one line, so that the final error stays one line.
std::string oneLineExcerpt(const std::string& text) {
    std::string line;
    for (const char c : text.substr(0, kExcerptChars))
        line += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    if (text.size() > kExcerptChars) line += "...";
    return line;
}

std::size_t appendToString(char* data, std::size_t size, std::size_t count, void* target) {
    static_cast<std::string*>(target)->append(data, size * count);
    return size * count;
}

// Returning non-zero makes curl abort the transfer with CURLE_ABORTED_BY_CALLBACK.
int abortWhenCancelled(void* token, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* cancel = static_cast<const CancelToken*>(token);
    return (cancel && cancel->isCancelled()) ? 1 : 0;
}

/// A token's text from a logprobs entry: its "bytes" (a list of byte values, exact even for a token that splits a
/// UTF-8 character) where given, else its "token" string; nullopt when neither is usable.
std::optional<std::string> tokenText(const nlohmann::json& entry) {
    const auto bytes = entry.find("bytes");
    if (bytes != entry.end() && bytes->is_array()) {
        std::string text;
        for (const nlohmann::json& byte : *bytes) {
            if (!byte.is_number_integer() || byte.get<int>() < 0 || byte.get<int>() > 255) return std::nullopt;
            text += static_cast<char>(byte.get<int>());
        }
        return text;
    }
    const auto token = entry.find("token");
    if (token != entry.end() && token->is_string()) return token->get<std::string>();
    return std::nullopt;
}

/// choices[0].logprobs.content of a reply as TokenLogprobs; nullopt for null, missing or a shape not understood
/// (log-probabilities are an extra: their absence is reported by the caller, never an error).
std::optional<std::vector<TokenLogprob>> replyLogprobs(const nlohmann::json& choice) {
    const auto logprobs = choice.find("logprobs");
    if (logprobs == choice.end() || !logprobs->is_object()) return std::nullopt;
    const auto content = logprobs->find("content");
    if (content == logprobs->end() || !content->is_array()) return std::nullopt;
    std::vector<TokenLogprob> tokens;
    for (const nlohmann::json& entry : *content) {
        if (!entry.is_object() || !entry.contains("logprob") || !entry["logprob"].is_number()) return std::nullopt;
        const std::optional<std::string> text = tokenText(entry);
        if (!text) return std::nullopt;
        TokenLogprob token{*text, entry["logprob"].get<double>(), {}};
        const auto top = entry.find("top_logprobs");
        if (top != entry.end() && top->is_array())
            for (const nlohmann::json& alternative : *top) {
                if (!alternative.is_object() || !alternative.contains("logprob") || !alternative["logprob"].is_number())
                    continue;
                if (const std::optional<std::string> other = tokenText(alternative))
                    token.alternatives.emplace_back(*other, alternative["logprob"].get<double>());
            }
        tokens.push_back(std::move(token));
    }
    return tokens;
}

/// choices[0].message.content of an OpenAI chat-completions reply with its log-probabilities, or a description of
/// what is missing.
std::optional<ChatReply> parseReply(const std::string& body, std::string& problem) {
    const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
        problem = "malformed reply (not JSON): " + oneLineExcerpt(body);
        return std::nullopt;
    }
    if (!json.is_object() || !json.contains("choices") || !json["choices"].is_array() || json["choices"].empty() ||
        !json["choices"][0].is_object() || !json["choices"][0].contains("message") ||
        !json["choices"][0]["message"].is_object() || !json["choices"][0]["message"].contains("content") ||
        !json["choices"][0]["message"]["content"].is_string()) {
        problem = "malformed reply (no choices[0].message.content): " + oneLineExcerpt(body);
        return std::nullopt;
    }
    return ChatReply{json["choices"][0]["message"]["content"].get<std::string>(), replyLogprobs(json["choices"][0])};
}

/// Whether an HTTP error body says that the request's log-probabilities are the problem (an endpoint or model that
/// does not offer them), rather than anything else about the request.
bool refusesLogprobs(long status, const std::string& body) {
    if (status != 400 && status != 422) return false;
    std::string lower = body;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower.find("logprob") != std::string::npos;
}

std::string requestBody(const ChatRequest& request, bool askLogprobs) {
    nlohmann::json messages = nlohmann::json::array();
    for (const ChatMessage& message : request.messages)
        messages.push_back({{"role", message.role}, {"content", message.content}});
    nlohmann::json json = {
        {"model", request.model}, {"messages", messages}, {"temperature", 0}, {"max_tokens", request.maxTokens}};
    if (askLogprobs) {
        json["logprobs"] = true;
        json["top_logprobs"] = request.topLogprobs;
    }
    return json.dump();
}

} // namespace

std::optional<EndpointSettings> endpointFromEnvironment() {
    EndpointSettings settings;
    settings.baseUrl = environmentValue("CODESCOPE_EXPLAIN_URL");
    if (settings.baseUrl.empty()) return std::nullopt;
    settings.explainerModel = environmentValue("CODESCOPE_EXPLAINER_MODEL");
    settings.simulatorModel = environmentValue("CODESCOPE_SIMULATOR_MODEL");
    if (settings.simulatorModel.empty()) settings.simulatorModel = settings.explainerModel;
    return settings;
}

std::string endpointNotConfiguredMessage() {
    return "explanation scores need an OpenAI-compatible chat endpoint, which is not configured: set "
           "CODESCOPE_EXPLAIN_URL (e.g. http://127.0.0.1:8080/v1), CODESCOPE_EXPLAINER_MODEL, optionally "
           "CODESCOPE_SIMULATOR_MODEL, and OPENAI_API_KEY if the endpoint needs a key";
}

struct ChatClient::Impl {
    EndpointSettings settings;
    const CancelToken* cancel = nullptr;
    std::string url;
    CURL* curl = nullptr;
    int attempts = 0;
    bool logprobsRefused = false;

    /// Why one attempt failed, and whether another attempt may help.
    struct Failure {
        std::string problem;
        bool retryable = true;
        bool logprobsRefused = false; ///< HTTP 400/422 about the request's log-probabilities
    };

    /// One HTTP exchange: the accepted reply, or the failure.
    std::optional<ChatReply> attempt(const std::string& body, const std::function<void(const ChatReply&)>& check,
                                     Failure& failure) {
        ++attempts;
        curl_easy_reset(curl); // keeps the connection cache: a retry reuses a live connection
        std::string received;
        char errorBuffer[CURL_ERROR_SIZE] = {};
        curl_slist* headers = nullptr;
        headers = curl_slist_append(headers, "Content-Type: application/json");
        headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip for large prompts
        const std::string key =
            settings.apiKeyVariable.empty() ? "" : environmentValue(settings.apiKeyVariable.c_str());
        const std::string authorization = "Authorization: Bearer " + key;
        if (!key.empty()) headers = curl_slist_append(headers, authorization.c_str());
        const auto timeoutMs = static_cast<long>(std::max(1.0, std::ceil(settings.timeoutSeconds * 1000)));

        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, appendToString);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &received);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeoutMs);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeoutMs);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // no SIGALRM: safe in worker threads
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abortWhenCancelled);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, cancel);
        const CURLcode code = curl_easy_perform(curl);
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(headers);

        if (code == CURLE_ABORTED_BY_CALLBACK && cancel && cancel->isCancelled()) throw Cancelled();
        if (code != CURLE_OK) {
            std::ostringstream problem;
            if (code == CURLE_OPERATION_TIMEDOUT) problem << "timed out after " << settings.timeoutSeconds << " s: ";
            problem << (errorBuffer[0] ? errorBuffer : curl_easy_strerror(code));
            failure.problem = problem.str();
            // A URL curl cannot use will not become usable by waiting.
            failure.retryable =
                !(code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_NOT_BUILT_IN);
            return std::nullopt;
        }
        if (status < 200 || status >= 300) {
            failure.problem = "HTTP " + std::to_string(status) + ": " + oneLineExcerpt(received);
            failure.retryable = status == 429 || status >= 500; // rate limit or server trouble: worth waiting
            failure.logprobsRefused = refusesLogprobs(status, received);
            return std::nullopt;
        }
        failure.retryable = true; // a malformed reply may be a fluke of the server or of sampling
        failure.logprobsRefused = false;
        std::optional<ChatReply> reply = parseReply(received, failure.problem);
        if (!reply) return std::nullopt;
        if (check) {
            try {
                check(*reply);
            } catch (const MalformedReply& e) {
                failure.problem = std::string("malformed reply (") + e.what() + "): " + oneLineExcerpt(reply->content);
                return std::nullopt;
            }
        }
        return reply;
    }

    /// Sleeps `seconds` in short slices so that a cancel is noticed within ~10 ms.
    void backOff(double seconds) const {
        using Clock = std::chrono::steady_clock;
        const auto end =
            Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
        while (Clock::now() < end) {
            if (cancel) cancel->throwIfCancelled();
            const auto left = end - Clock::now();
            std::this_thread::sleep_for(std::min<Clock::duration>(left, std::chrono::milliseconds(10)));
        }
        if (cancel) cancel->throwIfCancelled();
    }
};

ChatClient::ChatClient(EndpointSettings settings, const CancelToken* cancel) : m_impl(std::make_unique<Impl>()) {
    if (settings.baseUrl.empty()) throw EndpointError("explanation endpoint: the base URL is empty");
    m_impl->settings = std::move(settings);
    m_impl->cancel = cancel;
    std::string base = m_impl->settings.baseUrl;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    m_impl->url = base + "/chat/completions";
    initialiseCurlOnce();
    m_impl->curl = curl_easy_init();
    if (!m_impl->curl) throw EndpointError("explanation endpoint " + m_impl->url + ": could not create a curl handle");
}

ChatClient::~ChatClient() {
    if (m_impl && m_impl->curl) curl_easy_cleanup(m_impl->curl);
}

const std::string& ChatClient::url() const {
    return m_impl->url;
}

int ChatClient::attemptsMade() const {
    return m_impl->attempts;
}

bool ChatClient::logprobsRefused() const {
    return m_impl->logprobsRefused;
}

std::string ChatClient::complete(const ChatRequest& request, const std::function<void(const std::string&)>& check) {
    if (!check) return exchange(request).content;
    return exchange(request, [&](const ChatReply& reply) { check(reply.content); }).content;
}

ChatReply ChatClient::exchange(const ChatRequest& request, const std::function<void(const ChatReply&)>& check) {
    bool askLogprobs = request.topLogprobs > 0 && !m_impl->logprobsRefused;
    std::string body = requestBody(request, askLogprobs);

    const int maxAttempts = std::max(1, m_impl->settings.maxAttempts);
    Impl::Failure failure;
    int attempt = 1;
    for (;; ++attempt) {
        if (m_impl->cancel) m_impl->cancel->throwIfCancelled();
        std::optional<ChatReply> reply = m_impl->attempt(body, check, failure);
        if (reply) return std::move(*reply);
        if (askLogprobs && failure.logprobsRefused) {
            // Log-probabilities are an extra: ask again without them (not counted as a failed attempt), and never
            // again on this client; the caller sees replies without them and falls back.
            askLogprobs = false;
            m_impl->logprobsRefused = true;
            body = requestBody(request, false);
            --attempt;
            continue;
        }
        if (!failure.retryable || attempt >= maxAttempts) break;
        const double backoff = std::min(kMaxBackoffSeconds, m_impl->settings.initialBackoffSeconds *
                                                                std::pow(2.0, static_cast<double>(attempt - 1)));
        m_impl->backOff(std::max(0.0, backoff));
    }
    throw EndpointError("explanation endpoint " + m_impl->url + " (model " + request.model + "): " + failure.problem +
                        " (" + std::to_string(attempt) + (attempt == 1 ? " attempt" : " attempts") + ")");
}

} // namespace codescope::explain
