#pragma once
#include <string>
#include <vector>

namespace codescope::cli {

/// `codescope-cli layers --model FILE [...]`: the discoverable layers of a model with their output shapes.
int runLayersCommand(const std::vector<std::string>& args);

/// `codescope-cli analyze --model FILE --dataset SPEC [...]`: every chosen layer's spectrum and alpha.
int runAnalyzeCommand(const std::vector<std::string>& args);

} // namespace codescope::cli
