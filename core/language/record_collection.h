#pragma once
// Collecting activation records (Bills et al. 2023, as used for the paper's Fig. 7b): one pass of a language model
// over token sequences, keeping for every chosen unit its most active sequences and a few random ones.
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/job_control.h"
#include "core/language/activation_records.h"
#include "core/language/token_data.h"

namespace codescope::models {
class CapturableModel; // models/capturable_model.h (LibTorch): only its .cpp needs the whole class
}

namespace codescope::language {

struct RecordOptions {
    int neurons = 10;            ///< single neurons per layer, drawn at random (seeded) without replacement
    int projections = 10;        ///< random projections per layer: projection k is projection::randomProjectionMatrix's
                                 ///< column k (1-D, seed), the same direction as token trajectory k
    int trainTop = 10;           ///< top-activating sequences shown to the explainer (the even ranks 0, 2, ...)
    int validationTop = 5;       ///< held-out top-activating sequences scored (the odd ranks 1, 3, ...)
    int validationRandom = 5;    ///< held-out random sequences scored
    std::int64_t sequences = 0;  ///< sequences of the data set to read; 0 = all
    std::int64_t batchSize = 16; ///< sequences per forward pass
    std::uint64_t seed = 0;
};

/// Runs `model` over `data` once and returns, for every layer in `layers` (names, any order; empty = every ReLU, else
/// every GELU: capture::defaultLayers), in depth order, and every chosen
/// unit (neurons first, then projections), its records. A record is one whole sequence (a text window of the
/// context length). The top sequences are ranked by their largest activation and alternate as in Bills et al.: ranks
/// 0, 2, 4, ... to the explainer (the first trainTop of them), ranks 1, 3, 5, ... held out (the first validationTop);
/// random sequences are drawn among those not in the top list. UnitRecords::maxActivation is over every token read.
/// Throws InputError (unknown layer, fewer sequences than topRecordsNeeded + validationRandom), Cancelled.
std::vector<UnitRecords> collectActivationRecords(models::CapturableModel& model, const TokenData& data,
                                                  const std::vector<std::string>& layers, const RecordOptions& options,
                                                  const ProgressCallback& progress = {},
                                                  const CancelToken* cancel = nullptr);

/// How many top-activating sequences per unit the alternation needs: max(2 trainTop - 1, 2 validationTop).
int topRecordsNeeded(const RecordOptions& options);

/// The records as JSON (layer, unit, max activation, records with tokens and activations), for explain's output.
std::string unitRecordsJson(const std::vector<UnitRecords>& units);

} // namespace codescope::language
