#include "core/distributed/communicator.h"

#include <algorithm>
#include <new>
#include <vector>

#include "core/common/input_error.h"

namespace codescope::distributed {

namespace {

class SoloCommunicator : public Communicator {
public:
    int rank() const override { return 0; }
    int size() const override { return 1; }
    void sumToRoot(double*, std::int64_t) override {}
    void sumEverywhere(double*, std::int64_t) override {}
    void broadcast(void*, std::int64_t, int) override {}
    void gatherToRoot(const void* bytes, std::int64_t count, const BlockReceiver& receive) override {
        receive(0, static_cast<const char*>(bytes), count);
    }
    int lowestFlagged(bool flagged) override { return flagged ? 0 : 1; }
};

// What a rank's failure says, and whether it is the user's to fix (exit 2) or ours (exit 1). Only the first line of
// a library's message: a LibTorch backtrace is not a reason.
std::string reasonOf(std::exception_ptr failure, bool& input, bool& cancelled) {
    input = true;
    cancelled = false;
    try {
        std::rethrow_exception(failure);
    } catch (const Cancelled&) {
        cancelled = true;
        return "cancelled";
    } catch (const InputError& error) {
        return error.what();
    } catch (const std::bad_alloc&) {
        return "out of memory (try a smaller --max-features, --max-components or --memory-budget)";
    } catch (const std::exception& error) {
        const std::string what = error.what();
        if (what.find("DefaultCPUAllocator: can't allocate memory") != std::string::npos)
            return "out of memory (try a smaller --max-features, --max-components or --memory-budget)";
        input = false;
        return what.substr(0, what.find('\n'));
    } catch (...) {
        input = false;
        return "an unknown error";
    }
}

} // namespace

std::unique_ptr<Communicator> soloCommunicator() {
    return std::make_unique<SoloCommunicator>();
}

Slice sliceOf(std::int64_t total, int rank, int size) {
    // first = floor(total * rank / size), in two parts so that total * rank cannot overflow.
    auto start = [&](int r) { return (total / size) * r + (total % size) * r / size; };
    return {start(rank), start(rank + 1) - start(rank)};
}

Slice leadingSliceOf(std::int64_t total, int rank, int size) {
    const std::int64_t each = (total + size - 1) / size;
    const std::int64_t first = std::min(total, each * rank);
    return {first, std::min(each, total - first)};
}

void agree(Communicator* communicator, std::exception_ptr local) {
    if (communicator == nullptr || communicator->size() == 1) {
        if (local) std::rethrow_exception(local);
        return;
    }
    // A failure agreed on in a nested step is already held by every rank: it goes on up without another round.
    if (local) {
        try {
            std::rethrow_exception(local);
        } catch (const RankFailure&) {
            throw;
        } catch (...) {
        }
    }
    const int failed = communicator->lowestFlagged(local != nullptr);
    if (failed >= communicator->size()) return;
    // The failed rank sends its reason, its kind (input, internal, cancelled) and its length first.
    bool input = true;
    bool cancelled = false;
    std::string reason;
    if (communicator->rank() == failed) reason = reasonOf(local, input, cancelled);
    std::int64_t header[3] = {static_cast<std::int64_t>(reason.size()), input ? 1 : 0, cancelled ? 1 : 0};
    communicator->broadcast(header, sizeof header, failed);
    reason.resize(static_cast<std::size_t>(header[0]));
    communicator->broadcast(reason.data(), header[0], failed);
    if (header[2] != 0) throw Cancelled();
    throw RankFailure("rank " + std::to_string(failed) + " of " + std::to_string(communicator->size()) + ": " + reason,
                      failed, header[1] != 0);
}

std::string firstMessage(Communicator* communicator, const std::string& local) {
    if (communicator == nullptr || communicator->size() == 1) return local;
    const int first = communicator->lowestFlagged(!local.empty());
    if (first >= communicator->size()) return {};
    std::string text = communicator->rank() == first ? local : std::string();
    std::int64_t length = static_cast<std::int64_t>(text.size());
    communicator->broadcast(&length, sizeof length, first);
    text.resize(static_cast<std::size_t>(length));
    communicator->broadcast(text.data(), length, first);
    return text;
}

} // namespace codescope::distributed
