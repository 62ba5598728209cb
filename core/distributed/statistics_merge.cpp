#include "core/distributed/statistics_merge.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace codescope::distributed {

namespace {

using RowMajorFloat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows a store is read back or refilled in at a time: bounds the double copy that RowStore's interface works in.
constexpr std::int64_t kRowsPerBlock = 4096;

} // namespace

void mergeToRoot(Communicator* communicator, spectrum::CovarianceAccumulator& accumulator) {
    if (!isSharded(communicator)) return;
    const Eigen::Index m = accumulator.features();
    const double count = static_cast<double>(accumulator.samples());
    // Counts are exact in a double up to 2^53 samples.
    std::vector<double> totals(static_cast<std::size_t>(m) + 1);
    totals[0] = count;
    Eigen::Map<Eigen::VectorXd>(totals.data() + 1, m) = count * accumulator.mean();
    communicator->sumEverywhere(totals.data(), static_cast<std::int64_t>(totals.size()));
    const double n = totals[0];
    if (n == 0) return;
    const Eigen::VectorXd mean = Eigen::Map<const Eigen::VectorXd>(totals.data() + 1, m) / n;
    // This rank's scatter about the pooled mean: its own plus the rank-one term of its mean's offset.
    const Eigen::VectorXd offset = accumulator.mean() - mean;
    const Eigen::MatrixXd& scatter = accumulator.scatter();
    std::vector<double> packed(static_cast<std::size_t>(m * (m + 1) / 2));
    std::size_t at = 0;
    for (Eigen::Index j = 0; j < m; ++j)
        for (Eigen::Index i = j; i < m; ++i)
            packed[at++] = scatter(i, j) + count * offset(i) * offset(j);
    communicator->sumToRoot(packed.data(), static_cast<std::int64_t>(packed.size()));
    if (communicator->rank() != 0) return;
    Eigen::MatrixXd pooled = Eigen::MatrixXd::Zero(m, m);
    at = 0;
    for (Eigen::Index j = 0; j < m; ++j)
        for (Eigen::Index i = j; i < m; ++i)
            pooled(i, j) = packed[at++];
    accumulator.setMoments(static_cast<std::int64_t>(n), mean, pooled);
}

std::unique_ptr<spectrum::RowStore> gatherRows(Communicator* communicator, const spectrum::RowStore& local,
                                               std::int64_t capacity, std::int64_t memoryLimitBytes) {
    const Eigen::Index width = local.features();
    RowMajorFloat rows(local.rows(), width);
    const Eigen::VectorXd zero = Eigen::VectorXd::Zero(width);
    Eigen::MatrixXd block;
    for (std::int64_t first = 0; first < local.rows(); first += kRowsPerBlock) {
        block.resize(std::min(kRowsPerBlock, local.rows() - first), width);
        local.centredRows(first, zero, block);
        rows.middleRows(first, block.rows()) = block.cast<float>();
    }
    std::unique_ptr<spectrum::RowStore> all;
    if (communicator == nullptr || communicator->rank() == 0)
        all = std::make_unique<spectrum::RowStore>(capacity, width, spectrum::RowStore::Precision::Single,
                                                   memoryLimitBytes);
    const BlockReceiver receive = [&](int, const char* bytes, std::int64_t count) {
        const std::int64_t received = count / static_cast<std::int64_t>(sizeof(float) * width);
        const Eigen::Map<const RowMajorFloat> values(reinterpret_cast<const float*>(bytes), received, width);
        for (std::int64_t first = 0; first < received; first += kRowsPerBlock)
            all->add(values.middleRows(first, std::min(kRowsPerBlock, received - first)).cast<double>());
    };
    if (communicator == nullptr)
        receive(0, reinterpret_cast<const char*>(rows.data()), static_cast<std::int64_t>(rows.size() * sizeof(float)));
    else
        communicator->gatherToRoot(rows.data(), static_cast<std::int64_t>(rows.size() * sizeof(float)), receive);
    return all;
}

Eigen::MatrixXf gatherRowBlocks(Communicator* communicator, const Eigen::MatrixXf& local) {
    if (!isSharded(communicator)) return local;
    // A rank with no rows may not know the width (its slice held no batch, so it never ran the model): the width is
    // that of the ranks that hold rows, the same on each.
    double widths[2] = {local.rows() > 0 ? static_cast<double>(local.cols()) : 0.0, local.rows() > 0 ? 1.0 : 0.0};
    communicator->sumEverywhere(widths, 2);
    const Eigen::Index cols =
        widths[1] > 0 ? static_cast<Eigen::Index>(std::llround(widths[0] / widths[1])) : local.cols();
    const RowMajorFloat rows = local;
    std::vector<RowMajorFloat> blocks;
    communicator->gatherToRoot(
        rows.data(), static_cast<std::int64_t>(rows.size() * sizeof(float)),
        [&](int, const char* bytes, std::int64_t count) {
            const Eigen::Index received = cols == 0 ? 0 : count / (sizeof(float) * cols);
            blocks.emplace_back(Eigen::Map<const RowMajorFloat>(reinterpret_cast<const float*>(bytes), received, cols));
        });
    if (communicator->rank() != 0) return {};
    Eigen::Index total = 0;
    for (const RowMajorFloat& block : blocks)
        total += block.rows();
    Eigen::MatrixXf stacked(total, cols);
    Eigen::Index at = 0;
    for (const RowMajorFloat& block : blocks) {
        stacked.middleRows(at, block.rows()) = block;
        at += block.rows();
    }
    return stacked;
}

namespace {

template <typename Dense> void broadcastDense(Communicator* communicator, Dense& dense) {
    if (!isSharded(communicator)) return;
    std::int64_t shape[2] = {dense.rows(), dense.cols()};
    communicator->broadcast(shape, sizeof shape, 0);
    if (communicator->rank() != 0) dense.resize(shape[0], shape[1]);
    communicator->broadcast(dense.data(), static_cast<std::int64_t>(dense.size() * sizeof(double)), 0);
}

} // namespace

void broadcastFromRoot(Communicator* communicator, Eigen::MatrixXd& matrix) {
    broadcastDense(communicator, matrix);
}

void broadcastFromRoot(Communicator* communicator, Eigen::VectorXd& vector) {
    broadcastDense(communicator, vector);
}

} // namespace codescope::distributed
