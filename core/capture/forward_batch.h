#pragma once
// How many inputs go through the model at once: one rule for every forward pass over captured layers (the data
// pass and the moving dot's frames), so both keep to the same memory budget.
#include <cstdint>
#include <vector>

#include "core/models/layer_info.h"

namespace codescope::capture {

/// One forward pass's share of the memory budget.
struct ForwardBatch {
    std::int64_t inputs = 1;        ///< inputs (images or token sequences) per forward pass
    std::int64_t bytesPerInput = 0; ///< memory one input holds during the pass, bytes (see forwardBatch)
    std::int64_t bytes() const { return inputs * bytesPerInput; } ///< memory the whole batch holds, bytes
};

/// The batch for a model whose forward pass produces `discovered` (every layer, features per row) and of which
/// `captured` are copied out, with `rowsPerInput` rows per input (1 for an image, the context length for tokens).
/// An input holds every discovered output in float32 (the pass's own intermediates) plus a double copy of each
/// captured one: bytesPerInput = rowsPerInput x (4 x sum of discovered features + 8 x sum of captured features).
/// inputs: `requested` when positive, else as many as fill a quarter of `memoryBudgetBytes`, clamped to 1..256.
ForwardBatch forwardBatch(const std::vector<models::LayerInfo>& discovered,
                          const std::vector<models::LayerInfo>& captured, std::int64_t rowsPerInput,
                          std::int64_t memoryBudgetBytes, std::int64_t requested = 0);

} // namespace codescope::capture
