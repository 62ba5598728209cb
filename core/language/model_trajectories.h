#pragma once
// Token trajectories of a model's layers over a stretch of its token data: one forward pass, then
// tokenTrajectories per layer. What `codescope-cli trajectories` and the app's Tokens tab both run.
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/job_control.h"
#include "core/distributed/communicator.h"
#include "core/language/token_data.h"
#include "core/language/token_trajectories.h"

namespace codescope::models {
class CapturableModel; // models/capturable_model.h (LibTorch): only its .cpp needs the whole class
}

namespace codescope::language {

/// Runs sequences [first, first + count) of `data` through `model` (each sequence on its own, as the model's
/// context; in batches of 8 sequences) and returns, for every layer in `layers` (in the order given), the trajectories
/// of its per-token activations over the joined tokens; depth = position in `layers`. Throws InputError (range outside
/// the data, unknown layer, NaN activations), Cancelled (checked between layers). With a `communicator` of several
/// ranks every rank must call it: each runs a contiguous slice of the sequences, rank 0 gathers the activations in
/// sequence order and alone returns the trajectories (the others an empty list); a rank that fails stops every rank
/// with distributed::RankFailure.
std::vector<LayerTokenTrajectories> modelTokenTrajectories(models::CapturableModel& model, const TokenData& data,
                                                           const std::vector<std::string>& layers, std::int64_t first,
                                                           std::int64_t count, const TokenTrajectoryOptions& options,
                                                           const CancelToken* cancel = nullptr,
                                                           distributed::Communicator* communicator = nullptr);

} // namespace codescope::language
