#include "app/mpi/launched_job.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/common/input_error.h"

#ifdef CODESCOPE_WITH_MPI
// The C API only: MPI's deprecated C++ bindings do not compile cleanly under -Werror.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include "core/common/third_party_warnings_off.h"
#include <mpi.h>
#include "core/common/third_party_warnings_on.h"
#endif

namespace codescope::mpi {

namespace {

int environmentCount(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::atoi(value) : 0;
}

#ifdef CODESCOPE_WITH_MPI

// MPI counts are ints: a larger buffer goes in chunks of at most this many elements (well below INT_MAX).
constexpr std::int64_t kChunk = std::int64_t(1) << 28;

int chunkOf(std::int64_t remaining) {
    return static_cast<int>(std::min(kChunk, remaining));
}

class MpiWorld : public distributed::Communicator {
public:
    MpiWorld() {
        MPI_Init(nullptr, nullptr);
        MPI_Comm_rank(MPI_COMM_WORLD, &m_rank);
        MPI_Comm_size(MPI_COMM_WORLD, &m_size);
    }
    ~MpiWorld() override { MPI_Finalize(); }
    MpiWorld(const MpiWorld&) = delete;
    MpiWorld& operator=(const MpiWorld&) = delete;

    int rank() const override { return m_rank; }
    int size() const override { return m_size; }

    void sumToRoot(double* values, std::int64_t count) override {
        for (std::int64_t done = 0; done < count;) {
            const int n = chunkOf(count - done);
            MPI_Reduce(m_rank == 0 ? MPI_IN_PLACE : values + done, values + done, n, MPI_DOUBLE, MPI_SUM, 0,
                       MPI_COMM_WORLD);
            done += n;
        }
    }

    void sumEverywhere(double* values, std::int64_t count) override {
        for (std::int64_t done = 0; done < count;) {
            const int n = chunkOf(count - done);
            MPI_Allreduce(MPI_IN_PLACE, values + done, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
            done += n;
        }
    }

    void broadcast(void* bytes, std::int64_t count, int root) override {
        char* data = static_cast<char*>(bytes);
        for (std::int64_t done = 0; done < count;) {
            const int n = chunkOf(count - done);
            MPI_Bcast(data + done, n, MPI_BYTE, root, MPI_COMM_WORLD);
            done += n;
        }
    }

    void gatherToRoot(const void* bytes, std::int64_t count, const distributed::BlockReceiver& receive) override {
        std::vector<std::int64_t> counts(m_rank == 0 ? m_size : 0);
        MPI_Gather(&count, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
        if (m_rank != 0) {
            const char* data = static_cast<const char*>(bytes);
            for (std::int64_t done = 0; done < count;) {
                const int n = chunkOf(count - done);
                MPI_Send(data + done, n, MPI_BYTE, 0, kGatherTag, MPI_COMM_WORLD);
                done += n;
            }
            return;
        }
        receive(0, static_cast<const char*>(bytes), count);
        std::vector<char> buffer;
        for (int source = 1; source < m_size; ++source) {
            buffer.resize(static_cast<std::size_t>(counts[source]));
            for (std::int64_t done = 0; done < counts[source];) {
                const int n = chunkOf(counts[source] - done);
                MPI_Recv(buffer.data() + done, n, MPI_BYTE, source, kGatherTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                done += n;
            }
            receive(source, buffer.data(), counts[source]);
        }
    }

    int lowestFlagged(bool flagged) override {
        int mine = flagged ? m_rank : m_size;
        MPI_Allreduce(MPI_IN_PLACE, &mine, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        return mine;
    }

private:
    static constexpr int kGatherTag = 15;
    int m_rank = 0;
    int m_size = 1;
};

#endif

} // namespace

int launchedProcesses() {
    int count = 1;
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"})
        count = std::max(count, environmentCount(name));
    return count;
}

std::unique_ptr<distributed::Communicator> joinLaunchedJob() {
    if (launchedProcesses() <= 1) return distributed::soloCommunicator();
#ifdef CODESCOPE_WITH_MPI
    return std::make_unique<MpiWorld>();
#else
    throw InputError("started as " + std::to_string(launchedProcesses()) +
                     " processes, but this codescope-cli was built without MPI (CODESCOPE_MPI=OFF): run it alone, "
                     "or rebuild it with mpi-default-dev installed");
#endif
}

void settleAfterError(int exitCode, double seconds) {
#ifdef CODESCOPE_WITH_MPI
    int initialised = 0;
    int finalised = 0;
    MPI_Initialized(&initialised);
    MPI_Finalized(&finalised);
    if (!initialised || finalised) return;
    MPI_Request arrived;
    MPI_Ibarrier(MPI_COMM_WORLD, &arrived);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        int done = 0;
        MPI_Test(&arrived, &done, MPI_STATUS_IGNORE);
        if (done) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    MPI_Abort(MPI_COMM_WORLD, exitCode);
#else
    (void)exitCode;
    (void)seconds;
#endif
}

} // namespace codescope::mpi
