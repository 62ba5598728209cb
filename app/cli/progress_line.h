#pragma once

#include <chrono>

namespace codescope::cli {

/// The progress line on stderr of a long command: percent done, the rate in `unit` per second (for a sharded job,
/// summed over the ranks) and the time left at the rate so far; at most a few updates a second. Cleared at 100%.
class ProgressLine {
public:
    /// `show` false: prints nothing (--quiet, not a terminal, or not rank 0). `unit`: e.g. "samples", "images".
    ProgressLine(bool show, const char* unit) : m_show(show), m_unit(unit) {}

    /// `fraction` in [0, 1]; `unitsPerSecond` as the job measured it (negative: unknown, not shown).
    void operator()(double fraction, double unitsPerSecond);

    /// For a job that reports only its fraction (of all ranks' work): percent and time left, no rate.
    void byFraction(double fraction);

private:
    bool m_show;
    const char* m_unit;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_last{};
};

} // namespace codescope::cli
