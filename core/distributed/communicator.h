#pragma once
// The processes one analysis is sharded over (issue 15): each takes a contiguous slice of the samples, and these few
// collectives merge what they found. The interface holds no MPI type, so core and every header the app includes stay
// free of mpi.h; the MPI implementation lives in app/mpi (linked by codescope-cli only), and a process on its own uses
// soloCommunicator(). Every rank must call the same collectives in the same order.
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace codescope::distributed {

/// Called on rank 0 once per rank, in rank order (rank 0's own block first): that rank's block of `count` bytes.
using BlockReceiver = std::function<void(int rank, const char* bytes, std::int64_t count)>;

class Communicator {
public:
    virtual ~Communicator() = default;
    virtual int rank() const = 0; ///< this process, 0 .. size() - 1
    virtual int size() const = 0; ///< processes in the job
    /// Rank 0's `values` (count doubles) become the element-wise sum over every rank's; the others' are left
    /// unspecified. Counts beyond MPI's int limit are sent in chunks.
    virtual void sumToRoot(double* values, std::int64_t count) = 0;
    /// Every rank's `values` become the element-wise sum over all ranks (small counts: progress, counters).
    virtual void sumEverywhere(double* values, std::int64_t count) = 0;
    /// Every rank's `bytes` (count bytes, the same count on every rank) become `root`'s.
    virtual void broadcast(void* bytes, std::int64_t count, int root) = 0;
    /// Every rank's block (count bytes, any count) reaches rank 0, where `receive` is called with each in rank order;
    /// `receive` is not called on the other ranks. Blocks beyond MPI's int limit travel in chunks.
    virtual void gatherToRoot(const void* bytes, std::int64_t count, const BlockReceiver& receive) = 0;
    /// The lowest rank whose `flagged` is true, on every rank; size() when none is.
    virtual int lowestFlagged(bool flagged) = 0;
};

/// This process alone (rank 0 of 1): every collective is the identity.
std::unique_ptr<Communicator> soloCommunicator();

/// True for rank 0 or for no communicator (a process on its own): the rank that solves, fits and writes results.
inline bool isRoot(const Communicator* communicator) {
    return communicator == nullptr || communicator->rank() == 0;
}

/// True when the work is split over several ranks; false for no communicator or a process alone.
inline bool isSharded(const Communicator* communicator) {
    return communicator != nullptr && communicator->size() > 1;
}

/// Inputs [first, first + count) of `total` that `rank` of `size` takes: contiguous slices in rank order, sizes
/// differing by at most one.
struct Slice {
    std::int64_t first = 0;
    std::int64_t count = 0;
};
Slice sliceOf(std::int64_t total, int rank, int size);

/// Like sliceOf, but every slice but the last non-empty one holds ceil(total / size) inputs, so rank 0 has inputs
/// whenever there are any (the ranks at the end may have none). For work whose shape only a rank that ran an input
/// learns and rank 0 must report.
Slice leadingSliceOf(std::int64_t total, int rank, int size);

/// Thrown on every rank together when one rank failed (agree()): what() is "rank R of N: REASON", one line.
/// `input` tells a user's error (a bad or unreadable file: exit 2) from an internal one (exit 1). Only rank 0 needs
/// to report it; the others hold the same text.
class RankFailure : public std::runtime_error {
public:
    RankFailure(const std::string& what, int failedRank, bool input)
        : std::runtime_error(what), m_rank(failedRank), m_input(input) {}
    int failedRank() const { return m_rank; }
    bool input() const { return m_input; }

private:
    int m_rank;
    bool m_input;
};

/// The agreement after a step every rank ran: `local` is this rank's failure (null if it succeeded). When no rank
/// failed, returns. When one did, every rank throws the lowest failed rank's RankFailure (or, on a process alone,
/// rethrows `local` itself, so that a run without a launcher fails exactly as it always did). A Cancelled rank
/// makes every rank throw Cancelled.
void agree(Communicator* communicator, std::exception_ptr local);

/// Runs `step` on this rank, then agree()s: a rank that throws stops every rank at this point, not at a collective
/// that would wait for it forever.
template <typename Step> void together(Communicator* communicator, Step&& step) {
    std::exception_ptr failure;
    try {
        step();
    } catch (...) {
        failure = std::current_exception();
    }
    agree(communicator, failure);
}

/// Runs `steps` steps on every rank in lockstep: `step(s)` for s in [0, steps) returns the work units it did (0 for
/// a rank with nothing left), then the ranks agree (a rank that throws stops the others within one step) and
/// `done(units)` receives the units of every rank summed, so that rank 0's progress covers all ranks. On a process
/// alone the units are its own. Every rank must pass the same `steps`.
template <typename Step, typename Done>
void inLockstep(Communicator* communicator, std::int64_t steps, Step&& step, Done&& done) {
    for (std::int64_t s = 0; s < steps; ++s) {
        double units = 0;
        together(communicator, [&] { units = step(s); });
        if (isSharded(communicator)) communicator->sumEverywhere(&units, 1);
        done(units);
    }
}

/// The text of the lowest rank whose `local` is not empty, on every rank ("" when every rank's is empty): for a
/// status that the first sample where it happened decides (the slices are in sample order).
std::string firstMessage(Communicator* communicator, const std::string& local);

} // namespace codescope::distributed
