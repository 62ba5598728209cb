#pragma once
#include <string>
#include <vector>

namespace codescope::cli {

/// `codescope-cli train [...]`: the ResNet-VAE dropout sweep (one resumable run per dropout rate).
/// Returns the process exit code (0 ok, 2 bad input or usage, 130 interrupted with Ctrl-C).
int runTrainCommand(const std::vector<std::string>& args);

/// The --help text, with the defaults of training::TrainOptions.
std::string trainHelp();

} // namespace codescope::cli
