#pragma once
// Cooperative cancellation and progress reporting for long core jobs (capture, spectrum, training, MINE).
// The GUI sets the token from its own thread; the job polls it between chunks and throws Cancelled.
#include <atomic>
#include <functional>

#include "core/common/input_error.h"

namespace codescope {

/// Set from any thread to ask a running job to stop at its next checkpoint.
class CancelToken {
public:
    void cancel() noexcept { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const noexcept { return m_cancelled.load(std::memory_order_relaxed); }
    /// Throws Cancelled if cancel() was called.
    void throwIfCancelled() const {
        if (isCancelled()) throw Cancelled();
    }

private:
    std::atomic<bool> m_cancelled{false};
};

/// Called by a job with the fraction done in [0, 1]; may be called from a worker thread.
using ProgressCallback = std::function<void(double fraction)>;

} // namespace codescope
