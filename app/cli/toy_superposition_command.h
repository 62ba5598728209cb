#pragma once
#include <string>
#include <vector>

namespace codescope::cli {

/// `codescope-cli toy-superposition [options] [--json OUT]`: Fig. 1c, the toy model of superposition of Elhage et
/// al. 2022 trained once per sparsity, dimensions per feature next to eq. 1. Returns the process exit code (0 ok);
/// throws UsageError (exit 2) for a bad option.
int runToySuperpositionCommand(const std::vector<std::string>& args);

extern const char* const kToySuperpositionHelp;

} // namespace codescope::cli
