#pragma once
#include <string>
#include <vector>

namespace codescope::cli {

/// `codescope-cli explain [...]`: activation records of a language model's neurons and random projections, and
/// their explanation scores through an OpenAI-compatible endpoint (paper Fig. 7b). Returns the exit code (0 ok,
/// 2 bad input, usage, an unconfigured or failing endpoint; partial results are written before).
int runExplainCommand(const std::vector<std::string>& args);

} // namespace codescope::cli
