#include "core/io/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include "core/common/input_error.h"
#include "core/io/input_file.h"

namespace codescope::io {

namespace {
std::string failure(const std::string& path, const char* what) {
    return oneLine(path) + ": cannot " + what + " (" + std::strerror(errno) + ")";
}
} // namespace

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path)) {
    if (m_path.empty()) throw InputError("an empty output file name was given");
    struct stat target {};
    if (::stat(m_path.c_str(), &target) == 0 && S_ISDIR(target.st_mode))
        throw InputError(oneLine(m_path) + ": is a directory, not a file to write");
    std::vector<char> templ(m_path.begin(), m_path.end());
    const std::string suffix = ".tmp.XXXXXX";
    templ.insert(templ.end(), suffix.begin(), suffix.end());
    templ.push_back('\0');
    m_fd = ::mkstemp(templ.data());
    if (m_fd < 0) throw InputError(failure(m_path, "create a temporary file beside it"));
    m_tempPath = templ.data();
    // mkstemp creates 0600; results are ordinary user files.
    ::fchmod(m_fd, 0644);
}

AtomicFile::~AtomicFile() {
    if (m_committed) return;
    if (m_fd >= 0) ::close(m_fd);
    ::unlink(m_tempPath.c_str());
}

void AtomicFile::write(const void* data, std::size_t size) {
    const char* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t written = ::write(m_fd, bytes, size);
        if (written < 0) {
            if (errno == EINTR) continue;
            throw InputError(failure(m_path, "write"));
        }
        bytes += written;
        size -= static_cast<std::size_t>(written);
    }
}

void AtomicFile::commit() {
    if (::fsync(m_fd) != 0) throw InputError(failure(m_path, "flush"));
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) throw InputError(failure(m_path, "close"));
    if (std::rename(m_tempPath.c_str(), m_path.c_str()) != 0) throw InputError(failure(m_path, "rename onto"));
    m_committed = true;
}

void writeFileAtomically(const std::string& path, const std::string& contents) {
    AtomicFile file(path);
    file.write(contents.data(), contents.size());
    file.commit();
}

} // namespace codescope::io
