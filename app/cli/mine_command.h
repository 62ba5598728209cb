#pragma once
#include <string>
#include <vector>

namespace codescope::cli {

/// `codescope-cli mine channel|layers [options] [--json OUT]`: MINE mutual-information estimates (Supplementary
/// Fig. 1) on channels of known information, and per layer of a deep dropout MLP. Returns the process exit code
/// (0 ok); throws UsageError (exit 2) for an unknown topic or a malformed option, InputError for a value out of range.
int runMineCommand(const std::vector<std::string>& args);

extern const char* const kMineHelp;

} // namespace codescope::cli
