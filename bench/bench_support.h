#pragma once
// What every Codescope benchmark needs: wall time of one call and its few command-line options.
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace codescope::bench {

/// Wall-clock seconds that `work()` takes.
template <typename F> double seconds(F&& work) {
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The integer after `name` on the command line, or `fallback`.
inline long argument(int argc, char** argv, const char* name, long fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return std::strtol(argv[i + 1], nullptr, 10);
    return fallback;
}

/// Whether `name` is on the command line.
inline bool flag(int argc, char** argv, const char* name) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return true;
    return false;
}

} // namespace codescope::bench
