#pragma once
// A dropout sweep's analyses: every run analysed with one request, as `codescope-cli analyze --sweep`, the app's
// "Analyse missing runs" and the demo all do it. A run that cannot be analysed is named with its reason and the
// others go on. No LibTorch here.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/claims/paper_checks.h"
#include "core/common/job_control.h"
#include "core/pipeline/model_analysis.h"
#include "core/results/sweep_folder.h"

namespace codescope::pipeline {

/// One run of a sweep after its analysis: the analysis, or why there is none (one line).
struct SweepRunAnalysis {
    results::SweepRun run;
    std::optional<ModelAnalysis> analysis;
    std::string failure; ///< empty when analysed
};

/// Called after each run, in order (e.g. to print its table while the next one runs).
using SweepRunCallback = std::function<void(const SweepRunAnalysis&)>;

/// Analyses each usable run of `runs` (run.problem empty) with `request` (its model replaced by the run's folder),
/// each cached beside its run when cache == ReadWrite, so that the CLI and the app share them. A run with a problem,
/// or whose analysis throws (InputError, or a library's own error from a damaged model), gets `failure` "reason"
/// and the others go on. Progress covers all runs. With a `communicator` of several ranks each run's samples are
/// sharded over them (analyzeModel): every rank walks the same runs, a run that fails on one rank fails on all
/// ("rank R of N: reason"), and rank 0's outcomes hold the analyses. Throws Cancelled only.
std::vector<SweepRunAnalysis> analyzeSweepRuns(const std::vector<results::SweepRun>& runs,
                                               const AnalysisRequest& request, CacheUse cache = CacheUse::ReadWrite,
                                               const AnalysisProgress& progress = {},
                                               const CancelToken* cancel = nullptr, const SweepRunCallback& onRun = {},
                                               distributed::Communicator* communicator = nullptr);

/// The paper's claims checked on the analysed runs of `outcomes` (claims::checkSweep: each run with its dropout rate,
/// layers matched by name); empty when no run was analysed. The checks point into `outcomes`' layers only while
/// they run: the result holds its own text.
std::vector<claims::PaperCheck> sweepPaperChecks(const std::vector<SweepRunAnalysis>& outcomes);

/// `analyze --sweep --json`'s file: {"program", "program_version", "sweep" (the folder), "runs": [{name, dropout,
/// analysis (the run's cached analysis file, null when not cached or not analysed), failure (null when analysed)}],
/// "paper_checks" (claims::paperChecksJson's object)}.
std::string sweepJson(const std::string& folder, const std::vector<SweepRunAnalysis>& outcomes,
                      const std::vector<claims::PaperCheck>& checks);

/// The runs of `folders` (run folders of a sweep), named by their folder, as analyzeSweepRuns takes them.
std::vector<results::SweepRun> sweepRunsOfFolders(const std::vector<std::string>& folders);

} // namespace codescope::pipeline
