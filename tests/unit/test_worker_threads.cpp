// runOnThreads: every item is done once, on at most the threads asked for, and a failure on any thread reaches the
// caller after the others have stopped.
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/common/worker_threads.h"

namespace {

TEST(WorkerThreads, EveryItemIsDoneOnceOnAtMostTheThreadsAskedFor) {
    constexpr int kItems = 1000;
    std::vector<int> done(kItems, 0);
    std::atomic<int> next{0};
    std::mutex lock;
    std::set<std::thread::id> seen;
    codescope::runOnThreads(3, [&](const std::atomic<bool>& failed) {
        {
            const std::lock_guard<std::mutex> guard(lock);
            seen.insert(std::this_thread::get_id());
        }
        for (int i = next++; i < kItems && !failed; i = next++)
            ++done[static_cast<std::size_t>(i)];
    });
    for (int count : done)
        ASSERT_EQ(count, 1);
    // Each call registers first, so all three ran, and the caller was one of them.
    EXPECT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen.count(std::this_thread::get_id()), 1u);
}

TEST(WorkerThreads, ACountBelowOneRunsTheWorkOnceOnTheCaller) {
    int calls = 0;
    std::thread::id where;
    codescope::runOnThreads(0, [&](const std::atomic<bool>&) {
        ++calls;
        where = std::this_thread::get_id();
    });
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(where, std::this_thread::get_id());
}

TEST(WorkerThreads, TheFirstFailureReachesTheCallerAndStopsTheOthers) {
    std::atomic<int> next{0};
    std::atomic<int> done{0};
    constexpr int kItems = 1000000;
    try {
        codescope::runOnThreads(2, [&](const std::atomic<bool>& failed) {
            for (int i = next++; i < kItems && !failed; i = next++) {
                if (i == 10) throw std::runtime_error("item 10 is bad");
                ++done;
            }
        });
        FAIL() << "the failure was swallowed";
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(), "item 10 is bad");
    }
    EXPECT_LT(done.load(), kItems - 1); // the other thread stopped taking items
}

} // namespace
