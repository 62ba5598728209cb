#pragma once
// A distributed::Communicator whose ranks are threads of this process: the sharded code paths (merges, gathers, the
// failure agreement) run in a unit test without MPI. Each collective is a shared slot per rank between two barriers.
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/distributed/communicator.h"

namespace codescope::testing {

class ThreadRanks {
public:
    explicit ThreadRanks(int size) : m_size(size), m_pointers(size), m_counts(size) {}

    /// Runs body(communicator) on `size` threads, one per rank, and waits for all.
    void run(const std::function<void(distributed::Communicator&)>& body) {
        std::vector<std::thread> threads;
        for (int rank = 0; rank < m_size; ++rank)
            threads.emplace_back([this, rank, &body] {
                Rank communicator(*this, rank);
                body(communicator);
            });
        for (std::thread& thread : threads)
            thread.join();
    }

private:
    class Rank : public distributed::Communicator {
    public:
        Rank(ThreadRanks& group, int rank) : m_group(group), m_rank(rank) {}
        int rank() const override { return m_rank; }
        int size() const override { return m_group.m_size; }
        void sumToRoot(double* values, std::int64_t count) override {
            publish(values, count);
            if (m_rank == 0)
                for (int other = 1; other < size(); ++other)
                    for (std::int64_t i = 0; i < count; ++i)
                        values[i] += static_cast<const double*>(m_group.m_pointers[other])[i];
            m_group.wait();
        }
        void sumEverywhere(double* values, std::int64_t count) override {
            publish(values, count);
            std::vector<double> sum(static_cast<std::size_t>(count), 0.0);
            for (int other = 0; other < size(); ++other)
                for (std::int64_t i = 0; i < count; ++i)
                    sum[i] += static_cast<const double*>(m_group.m_pointers[other])[i];
            m_group.wait();
            std::memcpy(values, sum.data(), sum.size() * sizeof(double));
        }
        void broadcast(void* bytes, std::int64_t count, int root) override {
            publish(bytes, count);
            if (m_rank != root) std::memcpy(bytes, m_group.m_pointers[root], static_cast<std::size_t>(count));
            m_group.wait();
        }
        void gatherToRoot(const void* bytes, std::int64_t count, const distributed::BlockReceiver& receive) override {
            publish(bytes, count);
            if (m_rank == 0)
                for (int other = 0; other < size(); ++other)
                    receive(other, static_cast<const char*>(m_group.m_pointers[other]), m_group.m_counts[other]);
            m_group.wait();
        }
        int lowestFlagged(bool flagged) override {
            int flag = flagged ? 1 : 0;
            publish(&flag, 1);
            int lowest = size();
            for (int other = size() - 1; other >= 0; --other)
                if (*static_cast<const int*>(m_group.m_pointers[other])) lowest = other;
            m_group.wait();
            return lowest;
        }

    private:
        // Shows this rank's buffer to the others; returns once every rank has shown its own.
        void publish(const void* pointer, std::int64_t count) {
            m_group.m_pointers[m_rank] = const_cast<void*>(pointer);
            m_group.m_counts[m_rank] = count;
            m_group.wait();
        }
        ThreadRanks& m_group;
        int m_rank;
    };

    void wait() {
        std::unique_lock<std::mutex> lock(m_mutex);
        const long generation = m_generation;
        if (++m_arrived == m_size) {
            m_arrived = 0;
            ++m_generation;
            m_changed.notify_all();
        } else {
            m_changed.wait(lock, [&] { return m_generation != generation; });
        }
    }

    int m_size;
    std::vector<void*> m_pointers;
    std::vector<std::int64_t> m_counts;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_arrived = 0;
    long m_generation = 0;
};

} // namespace codescope::testing
