#pragma once
// What the language-model commands (trajectories, explain) share: the model, its token data and the chosen layers,
// read from the same options as `analyze` into the core's one request type.
#include <string>
#include <vector>

#include "app/cli/command_line.h"
#include "core/pipeline/analysis_request.h"

namespace codescope::cli {

/// Option names the function below reads, for a command's valueOptions: model, run, text, tokenizer, context,
/// dataset, layers.
extern const std::vector<std::string> kLanguageValueOptions;

/// The request for --model FILE | --run DIR as a token model with --text FILE [--tokenizer DIR] or --dataset
/// tokens:FILE.npy, and --layers (auto, left empty: every GELU, or ReLU, output). Throws UsageError.
pipeline::AnalysisRequest languageRequestFromFlags(const CommandLine& cl);

/// The help lines for those options.
extern const char* const kLanguageOptionsHelp;

} // namespace codescope::cli
