#pragma once
// The per-layer statistics of a sharded analysis, brought together on rank 0 (distributed/communicator.h): the
// covariance side's moments merged exactly (Chan et al.'s pooled merge), the Gram side's kept rows and the
// bootstrap's per-sample scores gathered in rank order, which is sample order because each rank holds a contiguous
// slice. On a single process every function here leaves its argument as it is.
#include <Eigen/Core>
#include <cstdint>
#include <memory>

#include "core/distributed/communicator.h"
#include "core/spectrum/covariance_accumulator.h"
#include "core/spectrum/row_store.h"

namespace codescope::distributed {

/// Pools `accumulator` (features m, the same on every rank) over every rank: on rank 0 it becomes the accumulator of
/// all ranks' samples, n = sum n_r, mean = sum n_r mean_r / n, scatter = sum (S_r + n_r d_r d_r^T) with
/// d_r = mean_r - mean: exact, and free of the cancellation a raw sum of squares suffers. The other ranks' are left
/// unspecified. Sends m + 1 doubles to every rank and m (m + 1) / 2 (the scatter's lower triangle) to rank 0.
void mergeToRoot(Communicator* communicator, spectrum::CovarianceAccumulator& accumulator);

/// The rows of every rank's `local` store (float32 values, the same width everywhere), in rank order, in one new store
/// on rank 0 of `capacity` rows (> 0; at least the total) kept in memory up to memoryLimitBytes (RowStore); nullptr
/// on the other ranks. A rank sends its rows as float32 (capture's stores are Single: nothing is lost).
std::unique_ptr<spectrum::RowStore> gatherRows(Communicator* communicator, const spectrum::RowStore& local,
                                               std::int64_t capacity, std::int64_t memoryLimitBytes);

/// Every rank's rows of `local` (rows_r x cols, the same cols on every rank that has rows; a rank without rows may
/// pass an empty matrix of any width) stacked in rank order on rank 0 (sum rows_r x cols); an empty matrix on the
/// other ranks.
Eigen::MatrixXf gatherRowBlocks(Communicator* communicator, const Eigen::MatrixXf& local);

/// Rank 0's `matrix` (any shape) on every rank.
void broadcastFromRoot(Communicator* communicator, Eigen::MatrixXd& matrix);
/// Rank 0's `vector` (any length) on every rank.
void broadcastFromRoot(Communicator* communicator, Eigen::VectorXd& vector);

} // namespace codescope::distributed
