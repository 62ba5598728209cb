// The merges of a sharded analysis (distributed/statistics_merge.h) and the failure agreement
// (distributed/communicator.h), with ranks that are threads (support/thread_ranks.h): each rank holds a contiguous
// slice of one data set, and what rank 0 ends with must equal what one process computes from the whole of it.
#include <gtest/gtest.h>

#include <new>
#include <random>
#include <stdexcept>

#include "core/common/input_error.h"
#include "core/distributed/communicator.h"
#include "core/distributed/statistics_merge.h"
#include "support/thread_ranks.h"

namespace {

using codescope::distributed::Communicator;
using codescope::spectrum::CovarianceAccumulator;
using codescope::spectrum::RowStore;

Eigen::MatrixXd data(Eigen::Index rows, Eigen::Index cols, double offset, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd out(rows, cols);
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < cols; ++j)
            out(i, j) = static_cast<float>(offset + normal(rng) * (1.0 + j)); // float values: RowStore keeps float32
    return out;
}

// Rows [first, first + count) of `all` that `rank` of `size` holds, split unevenly (rank 1 of 3 holds none).
codescope::distributed::Slice unevenSlice(Eigen::Index rows, int rank, int size) {
    if (size == 3) {
        const Eigen::Index cut = rows / 3;
        if (rank == 0) return {0, cut};
        if (rank == 1) return {cut, 0};
        return {cut, rows - cut};
    }
    return codescope::distributed::sliceOf(rows, rank, size);
}

TEST(DistributedMerge, SlicesAreContiguousAndEven) {
    for (std::int64_t total : {0, 1, 7, 600, 1000003})
        for (int size : {1, 2, 3, 16}) {
            std::int64_t next = 0;
            for (int rank = 0; rank < size; ++rank) {
                const auto slice = codescope::distributed::sliceOf(total, rank, size);
                EXPECT_EQ(slice.first, next);
                EXPECT_LE(slice.count, total / size + 1);
                EXPECT_GE(slice.count, total / size);
                next += slice.count;
            }
            EXPECT_EQ(next, total);
        }
}

TEST(DistributedMerge, LeadingSlicesGiveRankZeroInputsWheneverThereAreAny) {
    // 2 batches over 3 ranks: sliceOf leaves rank 0 empty, leadingSliceOf the last rank.
    EXPECT_EQ(codescope::distributed::sliceOf(2, 0, 3).count, 0);
    for (std::int64_t total : {0, 1, 2, 7, 600, 1000003})
        for (int size : {1, 2, 3, 16}) {
            std::int64_t next = 0;
            const std::int64_t each = (total + size - 1) / size;
            for (int rank = 0; rank < size; ++rank) {
                const auto slice = codescope::distributed::leadingSliceOf(total, rank, size);
                EXPECT_EQ(slice.first, next);
                EXPECT_LE(slice.count, each);
                if (rank == 0) {
                    EXPECT_EQ(slice.count, std::min<std::int64_t>(total, each));
                }
                next += slice.count;
            }
            EXPECT_EQ(next, total);
        }
}

TEST(DistributedMerge, PooledCovarianceEqualsOneProcessFarFromTheOrigin) {
    // Mean 1e4 against unit spread: a merge by raw sums of squares would lose 8 digits here.
    const Eigen::MatrixXd all = data(301, 9, 1e4, 3);
    CovarianceAccumulator whole(9);
    whole.add(all);
    for (int size : {2, 3}) {
        codescope::testing::ThreadRanks ranks(size);
        Eigen::MatrixXd merged;
        Eigen::VectorXd mean;
        std::int64_t samples = 0;
        ranks.run([&](Communicator& communicator) {
            const auto slice = unevenSlice(all.rows(), communicator.rank(), size);
            CovarianceAccumulator mine(9);
            for (Eigen::Index first = 0; first < slice.count; first += 40)
                mine.add(all.middleRows(slice.first + first, std::min<Eigen::Index>(40, slice.count - first)));
            codescope::distributed::mergeToRoot(&communicator, mine);
            if (communicator.rank() != 0) return;
            merged = mine.covariance();
            mean = mine.mean();
            samples = mine.samples();
        });
        EXPECT_EQ(samples, 301);
        EXPECT_LT((mean - whole.mean()).cwiseAbs().maxCoeff(), 1e-12 * 1e4);
        EXPECT_LT((merged - whole.covariance()).cwiseAbs().maxCoeff(), 1e-11 * whole.covariance().cwiseAbs().maxCoeff())
            << size << " ranks";
    }
}

TEST(DistributedMerge, GatheredRowsAreInSampleOrderInMemoryAndInAFile) {
    const Eigen::MatrixXd all = data(77, 5, 0.5, 4);
    for (std::int64_t memory : {std::int64_t(1) << 30, std::int64_t(0)}) {
        codescope::testing::ThreadRanks ranks(3);
        Eigen::MatrixXd gathered;
        bool spilled = false;
        ranks.run([&](Communicator& communicator) {
            const auto slice = unevenSlice(all.rows(), communicator.rank(), 3);
            RowStore mine(std::max<std::int64_t>(1, slice.count), 5, RowStore::Precision::Single, 1 << 30);
            mine.add(all.middleRows(slice.first, slice.count));
            const std::unique_ptr<RowStore> store = codescope::distributed::gatherRows(&communicator, mine, 77, memory);
            if (communicator.rank() != 0) {
                EXPECT_EQ(store, nullptr);
                return;
            }
            gathered.resize(store->rows(), 5);
            store->centredRows(0, Eigen::VectorXd::Zero(5), gathered);
            spilled = store->spilled();
        });
        EXPECT_EQ(spilled, memory == 0);
        ASSERT_EQ(gathered.rows(), 77);
        EXPECT_EQ(gathered, all) << "the rows are float32 values: they must come back exactly";
    }
}

TEST(DistributedMerge, GatheredScoresAndBroadcastBasis) {
    const Eigen::MatrixXf all = data(50, 3, 0.0, 5).cast<float>();
    const Eigen::MatrixXd basis = data(4, 3, 1.0, 6);
    codescope::testing::ThreadRanks ranks(3);
    Eigen::MatrixXf stacked;
    ranks.run([&](Communicator& communicator) {
        const auto slice = unevenSlice(all.rows(), communicator.rank(), 3);
        const Eigen::MatrixXf scores = all.middleRows(slice.first, slice.count);
        Eigen::MatrixXf result = codescope::distributed::gatherRowBlocks(&communicator, scores);
        Eigen::MatrixXd received = communicator.rank() == 0 ? basis : Eigen::MatrixXd();
        codescope::distributed::broadcastFromRoot(&communicator, received);
        EXPECT_EQ(received, basis) << "rank " << communicator.rank();
        if (communicator.rank() == 0)
            stacked = result;
        else
            EXPECT_EQ(result.size(), 0);
    });
    EXPECT_EQ(stacked, all);
}

// A slice without a batch never ran the model, so its rank (rank 0 too) does not know the width: it passes an empty
// matrix of no columns, and the rows of the others still arrive whole on rank 0.
TEST(DistributedMerge, GatheredRowsWhereRankZeroHasNoneAndKnowsNoWidth) {
    const Eigen::MatrixXf all = data(7, 5, 0.0, 8).cast<float>();
    codescope::testing::ThreadRanks ranks(3);
    Eigen::MatrixXf stacked;
    ranks.run([&](Communicator& communicator) {
        const int rank = communicator.rank();
        const Eigen::MatrixXf mine = rank == 0 ? Eigen::MatrixXf() : rank == 1 ? all.topRows(3) : all.bottomRows(4);
        Eigen::MatrixXf result = codescope::distributed::gatherRowBlocks(&communicator, mine);
        if (rank == 0) stacked = result;
    });
    ASSERT_EQ(stacked.cols(), 5);
    EXPECT_EQ(stacked, all);
}

// What every rank threw after together() with `fail` deciding, per rank, what its step throws.
std::vector<std::string> outcomes(int size, const std::function<void(int rank)>& fail, std::vector<int>* codes) {
    codescope::testing::ThreadRanks ranks(size);
    std::vector<std::string> what(size);
    codes->assign(size, 0);
    ranks.run([&](Communicator& communicator) {
        const int rank = communicator.rank();
        try {
            codescope::distributed::together(&communicator, [&] { fail(rank); });
            what[rank] = "ok";
        } catch (const codescope::distributed::RankFailure& error) {
            what[rank] = error.what();
            (*codes)[rank] = error.input() ? 2 : 1;
        } catch (const codescope::Cancelled&) {
            what[rank] = "cancelled";
        }
    });
    return what;
}

TEST(DistributedMerge, EveryRankStopsWithTheLowestFailedRanksReason) {
    std::vector<int> codes;
    const auto none = outcomes(
        3, [](int) {}, &codes);
    EXPECT_EQ(none, std::vector<std::string>(3, "ok"));

    const auto bad = outcomes(
        3,
        [](int rank) {
            if (rank == 2) throw codescope::InputError("shard.npy: truncated");
            if (rank == 1) throw std::runtime_error("a bug\nwith a backtrace");
        },
        &codes);
    EXPECT_EQ(bad, std::vector<std::string>(3, "rank 1 of 3: a bug")) << "the lowest rank, first line only";
    EXPECT_EQ(codes, std::vector<int>(3, 1)) << "an internal error";

    const auto input = outcomes(
        2,
        [](int rank) {
            if (rank == 1) throw codescope::InputError("shard.npy: truncated");
        },
        &codes);
    EXPECT_EQ(input, std::vector<std::string>(2, "rank 1 of 2: shard.npy: truncated"));
    EXPECT_EQ(codes, std::vector<int>(2, 2));

    // Out of memory, from C++ or from LibTorch's allocator: the user's to fix (exit 2), with a hint, not a backtrace.
    for (int thrower : {0, 1}) {
        const auto memory = outcomes(
            2,
            [thrower](int rank) {
                if (rank != 1) return;
                if (thrower == 0) throw std::bad_alloc();
                throw std::runtime_error("[enforce fail at alloc_cpu.cpp:75] DefaultCPUAllocator: can't allocate "
                                         "memory: you tried to allocate 68719476736 bytes.\nframe #0: ...");
            },
            &codes);
        EXPECT_EQ(memory, std::vector<std::string>(2, "rank 1 of 2: out of memory (try a smaller --max-features, "
                                                      "--max-components or --memory-budget)"));
        EXPECT_EQ(codes, std::vector<int>(2, 2));
    }

    const auto cancelled = outcomes(
        2,
        [](int rank) {
            if (rank == 0) throw codescope::Cancelled();
        },
        &codes);
    EXPECT_EQ(cancelled, std::vector<std::string>(2, "cancelled"));
}

TEST(DistributedMerge, AloneAFailureIsRethrownAsItWas) {
    EXPECT_THROW(codescope::distributed::together(nullptr, [] { throw codescope::InputError("x.npy: bad"); }),
                 codescope::InputError);
    const auto solo = codescope::distributed::soloCommunicator();
    EXPECT_THROW(codescope::distributed::together(solo.get(), [] { throw std::logic_error("bug"); }), std::logic_error);
}

TEST(DistributedMerge, FirstMessageIsTheLowestRanks) {
    codescope::testing::ThreadRanks ranks(3);
    std::vector<std::string> seen(3);
    ranks.run([&](Communicator& communicator) {
        const std::string mine =
            communicator.rank() == 0 ? "" : "non-finite in sample " + std::to_string(100 * communicator.rank());
        seen[communicator.rank()] = codescope::distributed::firstMessage(&communicator, mine);
    });
    EXPECT_EQ(seen, std::vector<std::string>(3, "non-finite in sample 100"));
}

} // namespace
