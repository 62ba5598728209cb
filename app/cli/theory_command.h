#pragma once
#include <string>
#include <vector>

namespace codescope::cli {

/// `codescope-cli theory compression|dropout|zeta|capacity [options] [--json OUT]`: tables of the paper's closed
/// forms (eqs. 1-4, Lemma 2, Theorems 3-4). Returns the process exit code (0 ok); throws UsageError (exit 2) for an
/// unknown topic or a bad value.
int runTheoryCommand(const std::vector<std::string>& args);

extern const char* const kTheoryHelp;

} // namespace codescope::cli
