#pragma once
// Wall-clock seconds for the timings results report (a steady clock: never set back while a job runs).
#include <chrono>

namespace codescope {

/// Seconds elapsed since `start`, a point of std::chrono::steady_clock.
inline double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace codescope
