#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 for the explanation-score tests: it plays an OpenAI-compatible
// chat-completions endpoint with fixed replies and can misbehave on purpose (HTTP errors, malformed bodies, a closed
// connection, a reply slower than the client's timeout). POSIX sockets, one background thread, one connection at a
// time (keep-alive honoured). Test code only.
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace codescope::test {

/// One request as the server received it. Header names are lower-case.
struct HttpRequest {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;
    std::string body;
};

/// One token of a scripted reply's log-probabilities (choices[0].logprobs.content[i] of the OpenAI chat API).
struct ScriptedToken {
    std::string text;
    double logprob = 0;
    std::vector<std::pair<std::string, double>> top; ///< top_logprobs: (token, log-probability)
};

/// What the server does with one request.
struct ScriptedReply {
    enum class Kind { Respond, CloseWithoutReply };
    Kind kind = Kind::Respond;
    int status = 200;
    std::string body;
    int delayMs = 0; ///< wait before answering; abandoned early if the client hangs up

    /// 200 with an OpenAI chat-completions body whose choices[0].message.content is `content`.
    static ScriptedReply completion(const std::string& content, int delayMs = 0);
    /// completion() with choices[0].logprobs.content = `tokens` (each with "token", "logprob", "bytes" and
    /// "top_logprobs"); their texts should spell out `content`.
    static ScriptedReply completionWithLogprobs(const std::string& content, const std::vector<ScriptedToken>& tokens);
    /// `status` with a short JSON error body.
    static ScriptedReply httpError(int status);
    /// 200 with `body` as is (e.g. not JSON, or JSON without content).
    static ScriptedReply rawBody(const std::string& body);
    /// Closes the connection after reading the request, without a byte of reply.
    static ScriptedReply closeWithoutReply();
};

class LocalChatServer {
public:
    using Handler = std::function<ScriptedReply(const HttpRequest&)>;

    /// Listens on 127.0.0.1 on an ephemeral port and serves `handler`'s replies from a background thread.
    /// Throws std::runtime_error when the socket cannot be set up.
    explicit LocalChatServer(Handler handler);
    /// Stops the thread and closes the socket.
    ~LocalChatServer();
    LocalChatServer(const LocalChatServer&) = delete;
    LocalChatServer& operator=(const LocalChatServer&) = delete;

    int port() const { return m_port; }
    /// "http://127.0.0.1:<port>/v1", the base URL for EndpointSettings.
    std::string baseUrl() const;
    /// Every request received so far, in order.
    std::vector<HttpRequest> requests() const;
    std::size_t requestCount() const;

    /// A handler answering with `replies` in order, then `whenEmpty` for every further request.
    static Handler queue(std::vector<ScriptedReply> replies, ScriptedReply whenEmpty);

private:
    void serve();
    void serveConnection(int fd);

    Handler m_handler;
    int m_listenFd = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::vector<HttpRequest> m_requests;
    std::thread m_thread;
};

} // namespace codescope::test
