#include "core/io/input_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include "core/common/input_error.h"
#include "core/io/npy_reader.h"

namespace codescope::io {

InputFile::InputFile(const std::string& path) : m_path(path) {
    if (path.empty()) throw InputError("an empty file name was given");
    // O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, forever if none comes. For a regular
    // file the flag changes nothing, and anything else is refused below before a read.
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (m_fd < 0) throw InputError(oneLine(path) + ": cannot open for reading (" + std::strerror(errno) + ")");
    struct stat info {};
    std::string problem;
    if (::fstat(m_fd, &info) != 0) {
        problem = std::string("cannot stat (") + std::strerror(errno) + ")";
    } else if (S_ISDIR(info.st_mode)) {
        problem = "is a directory, not a file";
    } else if (S_ISFIFO(info.st_mode) || S_ISSOCK(info.st_mode)) {
        problem = "not a regular file (a pipe or socket cannot be read as an input)";
    } else if (!S_ISREG(info.st_mode)) {
        problem = "not a regular file (a device such as /dev/zero cannot be read as an input)";
    }
    if (!problem.empty()) {
        ::close(m_fd); // the destructor does not run when a constructor throws
        m_fd = -1;
        throw InputError(oneLine(path) + ": " + problem);
    }
    m_size = info.st_size;
}

InputFile::~InputFile() {
    if (m_fd >= 0) ::close(m_fd);
}

InputFile::InputFile(InputFile&& other) noexcept
    : m_path(std::move(other.m_path)), m_fd(std::exchange(other.m_fd, -1)), m_size(other.m_size) {}

InputFile& InputFile::operator=(InputFile&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_path = std::move(other.m_path);
        m_fd = std::exchange(other.m_fd, -1);
        m_size = other.m_size;
    }
    return *this;
}

void InputFile::read(std::int64_t offset, unsigned char* destination, std::size_t size) const {
    preadFully(m_fd, oneLine(m_path), offset, destination, size);
}

std::string InputFile::readAll(std::int64_t maxBytes, const std::string& what) const {
    if (m_size > maxBytes) {
        throw InputError(oneLine(m_path) + ": " + byteSizeText(m_size) + " is too large for " + what + " (at most " +
                         byteSizeText(maxBytes) + ")");
    }
    std::string bytes(static_cast<std::size_t>(m_size), '\0');
    read(0, reinterpret_cast<unsigned char*>(bytes.data()), bytes.size());
    return bytes;
}

std::string readInputFile(const std::string& path, std::int64_t maxBytes, const std::string& what) {
    return InputFile(path).readAll(maxBytes, what);
}

void checkInputFile(const std::string& path) {
    const InputFile file(path);
}

std::string byteSizeText(std::int64_t bytes) {
    const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    double value = static_cast<double>(bytes);
    int unit = -1;
    while (value >= 1024 && unit < 5) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
    return text;
}

std::string oneLine(const std::string& text, std::size_t maxBytes) {
    std::string result;
    for (const char c : text) {
        if (result.size() >= maxBytes) return result + "...";
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte != 0x7f) {
            result += c;
        } else if (c == '\n') {
            result += "\\n";
        } else if (c == '\t') {
            result += "\\t";
        } else if (c == '\r') {
            result += "\\r";
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            result += escaped;
        }
    }
    return result;
}

} // namespace codescope::io
