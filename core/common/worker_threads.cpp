#include "core/common/worker_threads.h"

#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace codescope {

void runOnThreads(int threads, const std::function<void(const std::atomic<bool>& failed)>& work) {
    std::atomic<bool> failed{false};
    std::mutex lock; // guards first
    std::exception_ptr first;
    auto guarded = [&] {
        try {
            work(failed);
        } catch (...) {
            const std::lock_guard<std::mutex> guard(lock);
            if (!first) first = std::current_exception();
            failed = true;
        }
    };
    std::vector<std::thread> helpers;
    try {
        for (int t = 1; t < threads; ++t)
            helpers.emplace_back(guarded);
    } catch (...) { // a thread that cannot start: the started ones stop, are joined, and the caller hears why
        failed = true;
        for (std::thread& helper : helpers)
            helper.join();
        throw;
    }
    guarded();
    for (std::thread& helper : helpers)
        helper.join();
    if (first) std::rethrow_exception(first);
}

} // namespace codescope
