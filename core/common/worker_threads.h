#pragma once
// One piece of work run on several threads at once, with the first failure carried back to the caller: the pattern
// of the side-by-side layer solves, the bootstrap's resamples and the random projections' draws.
#include <atomic>
#include <functional>

namespace codescope {

/// Runs `work` on `threads` threads at once (the calling thread is one of them; a count below 1 counts as 1) and
/// returns when every call has returned. `work` decides itself what it takes next (a shared atomic counter, a queue
/// under its own lock). The flag it gets turns true once any call has thrown, so that the others stop taking new
/// items; the first exception is rethrown here after all threads have ended (later ones are dropped). Thread start
/// failures are rethrown the same way.
void runOnThreads(int threads, const std::function<void(const std::atomic<bool>& failed)>& work);

} // namespace codescope
