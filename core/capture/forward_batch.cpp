#include "core/capture/forward_batch.h"

#include <algorithm>

namespace codescope::capture {

namespace {

std::int64_t featureSum(const std::vector<models::LayerInfo>& layers) {
    std::int64_t sum = 0;
    for (const models::LayerInfo& layer : layers)
        sum += layer.features();
    return sum;
}

} // namespace

ForwardBatch forwardBatch(const std::vector<models::LayerInfo>& discovered,
                          const std::vector<models::LayerInfo>& captured, std::int64_t rowsPerInput,
                          std::int64_t memoryBudgetBytes, std::int64_t requested) {
    ForwardBatch batch;
    batch.bytesPerInput =
        std::max<std::int64_t>(1, rowsPerInput) * (4 * featureSum(discovered) + 8 * featureSum(captured));
    // A quarter of the budget: the rest is for what the pass accumulates (covariances, kept rows, a coding record's
    // frames). At most 256: beyond that a batch gains no speed and delays the first progress report.
    batch.inputs =
        requested > 0
            ? requested
            : std::clamp<std::int64_t>(memoryBudgetBytes / 4 / std::max<std::int64_t>(1, batch.bytesPerInput), 1, 256);
    return batch;
}

} // namespace codescope::capture
