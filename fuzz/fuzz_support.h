#pragma once
// What every fuzz target shares: the input as a file the readers can open by path (an in-memory file, so the
// fuzzer's thousands of runs a second touch no disk), and the rule that InputError is the only allowed failure.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace codescope::fuzz {

/// The bytes as the contents of an in-memory regular file (memfd), reached through /proc/self/fd/N. `slot` picks one
/// of several files for targets that need more than one.
inline std::string asFile(const std::uint8_t* data, std::size_t size, int slot = 0) {
    static int fds[4] = {-1, -1, -1, -1};
    int& fd = fds[slot];
    if (fd < 0) fd = ::memfd_create("codescope-fuzz", 0);
    if (fd < 0 || ::ftruncate(fd, 0) != 0) std::abort();
    for (std::size_t done = 0; done < size;) {
        const ssize_t written = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
        if (written <= 0) std::abort();
        done += static_cast<std::size_t>(written);
    }
    return "/proc/self/fd/" + std::to_string(fd);
}

} // namespace codescope::fuzz
