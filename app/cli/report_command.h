#pragma once
#include <string>
#include <vector>

namespace codescope::cli {

/// `codescope-cli report (--sweep DIR | --analysis FILE.json) --pdf OUT.pdf`: the app's "Export report" without a
/// display. Returns the exit code; throws UsageError (exit 2) or InputError (exit 2).
int runReportCommand(const std::vector<std::string>& args);

} // namespace codescope::cli
