#pragma once
// The options every model-running command shares (--model/--run, --input-shape, --normalize), parsed one way.
#include <cstdint>
#include <string>
#include <vector>

#include "app/cli/command_line.h"
#include "core/data/image_preprocessing.h"
#include "core/language/token_data.h"
#include "core/models/model_spec.h"

namespace codescope::cli {

/// The option names to add to a command's valueOptions for the functions below.
extern const std::vector<std::string> kModelValueOptions; // model, run, input-shape, normalize

/// The options of a language model's token data (--text FILE, --tokenizer DIR, --context T).
extern const std::vector<std::string> kTokenValueOptions;

/// --model FILE or --run DIR (exactly one), with --input-shape C,H,W. Without it models::imageInputShape decides, from
/// dataShape, which a caller with image data sets once it has opened them. A model given token data (--text,
/// --context, or --dataset tokens:FILE.npy) takes token ids. Throws UsageError.
models::ModelSpec modelSpec(const CommandLine& cl);

/// The token data the options name: --dataset tokens:FILE.npy or --text FILE with --tokenizer DIR, cut into
/// sequences of --context tokens (0 = the model's or the file's own).
language::TokenDataSpec tokenDataSpec(const CommandLine& cl);

/// True when the options name token data (a language model's input).
bool hasTokenData(const CommandLine& cl);

/// --normalize none|imagenet (per-channel mean/std after scaling to [0, 1]). Throws UsageError for another value.
data::Normalization normalizationOption(const CommandLine& cl);

/// Prints "note: NOTE" on stderr (data::inputChangeNote: how images are changed to fit the model); nothing when empty.
void printInputNote(const std::string& note);

using data::shapeText; // "1x28x28"

} // namespace codescope::cli
