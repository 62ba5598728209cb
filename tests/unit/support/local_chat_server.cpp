#include "tests/unit/support/local_chat_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace codescope::test {

namespace {

constexpr int kPollSliceMs = 10;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string trim(const std::string& text) {
    const std::size_t begin = text.find_first_not_of(" \t");
    const std::size_t end = text.find_last_not_of(" \t");
    return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

/// Waits up to kPollSliceMs for `fd` to be readable.
bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, kPollSliceMs) > 0;
}

/// True when the peer has closed `fd` (an orderly shutdown or a reset).
bool peerClosed(int fd) {
    if (!readable(fd)) return false;
    char c = 0;
    return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

void sendAll(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return; // the client went away; nothing to do
        sent += static_cast<std::size_t>(n);
    }
}

const char* reason(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

} // namespace

ScriptedReply ScriptedReply::completion(const std::string& content, int delayMs) {
    const nlohmann::json body = {
        {"id", "chatcmpl-test"},
        {"object", "chat.completion"},
        {"choices",
         {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}}};
    ScriptedReply reply;
    reply.body = body.dump();
    reply.delayMs = delayMs;
    return reply;
}

ScriptedReply ScriptedReply::completionWithLogprobs(const std::string& content,
                                                    const std::vector<ScriptedToken>& tokens) {
    const auto bytes = [](const std::string& text) {
        std::vector<int> values;
        for (const char c : text)
            values.push_back(static_cast<unsigned char>(c));
        return values;
    };
    nlohmann::json entries = nlohmann::json::array();
    for (const ScriptedToken& token : tokens) {
        nlohmann::json top = nlohmann::json::array();
        for (const auto& [text, logprob] : token.top)
            top.push_back({{"token", text}, {"logprob", logprob}, {"bytes", bytes(text)}});
        entries.push_back(
            {{"token", token.text}, {"logprob", token.logprob}, {"bytes", bytes(token.text)}, {"top_logprobs", top}});
    }
    nlohmann::json body = nlohmann::json::parse(completion(content).body);
    body["choices"][0]["logprobs"] = {{"content", entries}};
    ScriptedReply reply;
    reply.body = body.dump();
    return reply;
}

ScriptedReply ScriptedReply::httpError(int status) {
    ScriptedReply reply;
    reply.status = status;
    reply.body = R"({"error": {"message": "scripted error )" + std::to_string(status) + R"("}})";
    return reply;
}

ScriptedReply ScriptedReply::rawBody(const std::string& body) {
    ScriptedReply reply;
    reply.body = body;
    return reply;
}

ScriptedReply ScriptedReply::closeWithoutReply() {
    ScriptedReply reply;
    reply.kind = Kind::CloseWithoutReply;
    return reply;
}

LocalChatServer::LocalChatServer(Handler handler) : m_handler(std::move(handler)) {
    m_listenFd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (m_listenFd < 0) throw std::runtime_error("local chat server: socket() failed");
    const int yes = 1;
    ::setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0; // ephemeral: tests may run in parallel
    socklen_t length = sizeof address;
    if (::bind(m_listenFd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(m_listenFd, 16) != 0 ||
        ::getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(m_listenFd);
        throw std::runtime_error(std::string("local chat server: cannot listen: ") + std::strerror(errno));
    }
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
}

LocalChatServer::~LocalChatServer() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
    ::close(m_listenFd);
}

std::string LocalChatServer::baseUrl() const {
    return "http://127.0.0.1:" + std::to_string(m_port) + "/v1";
}

std::vector<HttpRequest> LocalChatServer::requests() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_requests;
}

std::size_t LocalChatServer::requestCount() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_requests.size();
}

LocalChatServer::Handler LocalChatServer::queue(std::vector<ScriptedReply> replies, ScriptedReply whenEmpty) {
    auto pending = std::make_shared<std::deque<ScriptedReply>>(replies.begin(), replies.end());
    auto mutex = std::make_shared<std::mutex>();
    return [pending, mutex, whenEmpty](const HttpRequest&) {
        std::lock_guard<std::mutex> lock(*mutex);
        if (pending->empty()) return whenEmpty;
        ScriptedReply next = pending->front();
        pending->pop_front();
        return next;
    };
}

void LocalChatServer::serve() {
    while (!m_stop) {
        if (!readable(m_listenFd)) continue;
        const int fd = ::accept(m_listenFd, nullptr, nullptr);
        if (fd < 0) continue;
        serveConnection(fd);
        ::close(fd);
    }
}

void LocalChatServer::serveConnection(int fd) {
    std::string buffer;
    // Reads until `buffer` holds at least `size` bytes; false when the client closed or the server stops.
    const auto fill = [&](std::size_t size) {
        char chunk[4096];
        while (buffer.size() < size) {
            if (m_stop) return false;
            if (!readable(fd)) continue;
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return false;
            buffer.append(chunk, static_cast<std::size_t>(n));
        }
        return true;
    };
    while (!m_stop) {
        std::size_t headerEnd;
        while ((headerEnd = buffer.find("\r\n\r\n")) == std::string::npos)
            if (!fill(buffer.size() + 1)) return;
        HttpRequest request;
        const std::string head = buffer.substr(0, headerEnd);
        std::size_t lineEnd = head.find("\r\n");
        const std::string requestLine = head.substr(0, lineEnd);
        const std::size_t space1 = requestLine.find(' ');
        const std::size_t space2 = requestLine.find(' ', space1 + 1);
        request.method = requestLine.substr(0, space1);
        request.path = requestLine.substr(space1 + 1, space2 - space1 - 1);
        while (lineEnd != std::string::npos) {
            const std::size_t next = head.find("\r\n", lineEnd + 2);
            const std::string line =
                head.substr(lineEnd + 2, next == std::string::npos ? std::string::npos : next - lineEnd - 2);
            const std::size_t colon = line.find(':');
            if (colon != std::string::npos)
                request.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
            lineEnd = next;
        }
        if (lower(request.headers["expect"]) == "100-continue") sendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n");
        const std::size_t bodyLength =
            request.headers.count("content-length") ? std::stoul(request.headers["content-length"]) : 0;
        if (!fill(headerEnd + 4 + bodyLength)) return;
        request.body = buffer.substr(headerEnd + 4, bodyLength);
        buffer.erase(0, headerEnd + 4 + bodyLength);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_requests.push_back(request);
        }

        const ScriptedReply reply = m_handler(request);
        if (reply.kind == ScriptedReply::Kind::CloseWithoutReply) return;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(reply.delayMs);
        while (std::chrono::steady_clock::now() < deadline) {
            if (m_stop || peerClosed(fd)) return; // the client gave up (its timeout): serve the next connection
        }
        sendAll(fd, "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) +
                        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(reply.body.size()) +
                        "\r\nConnection: keep-alive\r\n\r\n" + reply.body);
    }
}

} // namespace codescope::test
