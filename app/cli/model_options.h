#pragma once
// The options every model-running command shares (--model/--run, --input-shape, --normalize), parsed one way.
#include <cstdint>
#include <string>
#include <vector>

#include "app/cli/command_line.h"
#include "core/data/image_preprocessing.h"
#include "core/models/model_loader.h"

namespace codescope::cli {

/// The option names to add to a command's valueOptions for the functions below.
extern const std::vector<std::string> kModelValueOptions; // model, run, input-shape, normalize

/// --model FILE or --run DIR (exactly one), with --input-shape C,H,W. Throws UsageError.
models::ModelSpec modelSpec(const CommandLine& cl);

/// The loaded model's input shape, with --normalize none|imagenet (per-channel mean/std after scaling to [0, 1]).
/// Throws UsageError for another --normalize.
data::Preprocessing preprocessingFor(const CommandLine& cl, const models::LoadedModel& loaded);

/// "1x28x28".
std::string shapeText(const std::vector<std::int64_t>& shape);

} // namespace codescope::cli
