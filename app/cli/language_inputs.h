#pragma once
// What the language-model commands (trajectories, explain) share: the model, its token data and the chosen layers,
// opened one way from the same options as `analyze`.
#include <string>
#include <vector>

#include "app/cli/command_line.h"
#include "core/language/token_data.h"
#include "core/models/model_loader.h"

namespace codescope::cli {

/// Option names the functions below read, for a command's valueOptions: model, run, text, tokenizer, context,
/// dataset, layers.
extern const std::vector<std::string> kLanguageValueOptions;

struct LanguageInputs {
    models::LoadedModel loaded;
    language::TokenData data;
    std::vector<std::string> layers; ///< in depth order
};

/// Opens --model FILE | --run DIR as a token model with --text FILE [--tokenizer DIR] or --dataset tokens:FILE.npy,
/// and resolves --layers (auto: every GELU, or ReLU, output). Throws UsageError, InputError.
LanguageInputs openLanguageInputs(const CommandLine& cl);

/// The help lines for those options.
extern const char* const kLanguageOptionsHelp;

} // namespace codescope::cli
