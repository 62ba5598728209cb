#pragma once
// `codescope-cli analyze`'s flags made into the core's one request type (pipeline::AnalysisRequest), once: every
// other part of the command reads the request, never the flags again.
#include <string>
#include <vector>

#include "app/cli/command_line.h"
#include "core/pipeline/analysis_request.h"

namespace codescope::cli {

/// The value options analysisRequestFromFlags reads (besides kModelValueOptions and kTokenValueOptions).
extern const std::vector<std::string> kAnalysisValueOptions;

/// The request the flags describe, every default the paper's (core/common/paper_defaults.h). The model comes from
/// --model/--run (modelSpec) unless `withModel` is false (a sweep fills each run's). Throws UsageError for a flag
/// out of range or a name it does not know.
pipeline::AnalysisRequest analysisRequestFromFlags(const CommandLine& cl, bool withModel);

/// --layers: "auto" (or absent) -> empty (every ReLU, else every GELU); else the comma-separated names.
std::vector<std::string> layersOption(const CommandLine& cl);

/// `help` with the paper's defaults written in: "{samples}", "{bootstrap}", "{projections}", "{fit_range}",
/// "{max_components}" and "{max_features}" become their values, and so do Codescope's own defaults
/// (implementation_defaults.h): "{frames}", "{dot_radius}", "{dot_size}", "{explained_variance}"; so --help never
/// disagrees with the code.
std::string withPaperDefaults(std::string help);

} // namespace codescope::cli
