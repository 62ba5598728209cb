#include "app/cli/progress_line.h"

#include <cmath>
#include <cstdio>

namespace codescope::cli {

void ProgressLine::operator()(double fraction, double unitsPerSecond) {
    if (!m_show) return;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    if (fraction < 1.0 && now - m_last < std::chrono::milliseconds(250)) return;
    m_last = now;
    char eta[32] = "";
    if (fraction > 0.001 && fraction < 1.0) {
        const long left = std::lround(elapsed * (1.0 - fraction) / fraction);
        std::snprintf(eta, sizeof eta, "  ETA %ld:%02ld", left / 60, left % 60);
    }
    char rate[48] = "";
    if (unitsPerSecond >= 0) std::snprintf(rate, sizeof rate, "  %8.1f %s/s", unitsPerSecond, m_unit);
    std::fprintf(stderr, "\r  %5.1f%%%s%-16s", 100.0 * fraction, rate, eta);
    if (fraction >= 1.0) std::fprintf(stderr, "\r%50s\r", "");
    std::fflush(stderr);
}

void ProgressLine::byFraction(double fraction) {
    (*this)(fraction, -1.0);
}

} // namespace codescope::cli
