#pragma once
#include <string>
#include <vector>

namespace codescope::cli {

/// `codescope-cli spectrum --input A.npy [...]`: the eigenspectrum and power-law exponent of a matrix on disk.
/// Returns the process exit code (0 ok, 2 bad input or usage).
int runSpectrumCommand(const std::vector<std::string>& args);

/// `codescope-cli demo [...]`: the same analysis on generated activations with a known exponent.
int runDemoCommand(const std::vector<std::string>& args);

extern const char* const kSpectrumHelp;
extern const char* const kDemoHelp;

} // namespace codescope::cli
