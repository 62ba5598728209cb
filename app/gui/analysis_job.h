#pragma once
// The GUI's one door into the capture code: open a model and a data set and compute every chosen layer's spectrum.
// This header holds no LibTorch type, so the rest of the GUI compiles without torch headers; only analysis_job.cpp
// includes them.
#include <QMetaType>
#include <QString>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/figures/analysis.h"
#include "core/common/job_control.h"
#include "core/pipeline/demo_runs.h"
#include "core/explain/explanation_score.h"
#include "core/language/record_collection.h"
#include "core/language/token_trajectories.h"

namespace codescope::gui {

/// "C,H,W" (commas or x, spaces allowed) as three positive sizes; nullopt if it is not that. Empty text is an empty
/// shape (the model's default).
std::optional<std::vector<std::int64_t>> parseInputShape(const QString& text);

/// Called from the worker thread: fraction of the job done in [0, 1] and images per second so far.
using AnalysisProgressCallback = std::function<void(double fraction, double samplesPerSecond)>;

/// The analysis `request` describes (pipeline::analyzeModel: spectra, then the moving dot's coding records), without
/// the run cache: the app keeps its results in the session and saves them where the user asks. The analysis
/// records its request as it ran. Slow: call it on a worker thread. Throws InputError (bad model, data set, layer
/// names or input shape), Cancelled (cancel was set), or another std::exception from LibTorch.
Analysis runAnalysis(const pipeline::AnalysisRequest& request, const AnalysisProgressCallback& progress,
                     const CancelToken* cancel);

/// The first N eigenfilters of one layer (paper, Fig. 3d), torch-free for the GUI: each filter is an input-space
/// image of channels x height x width values (the regression of the preprocessed input pixels on one principal
/// component's score).
struct EigenfilterResult {
    std::string analysisKey; ///< which analysis it belongs to (reopenKey)
    std::string datasetSpec; ///< the data set it was computed on, as a user types it
    std::string layer;
    int channels = 0, height = 0, width = 0;
    std::int64_t samples = 0;                 ///< images used
    std::int64_t features = 0, stride = 1;    ///< the layer's units and the stride of those kept
    std::vector<double> eigenvalues;          ///< N, descending (activation^2 units)
    std::vector<std::vector<double>> filters; ///< N images of channels x height x width, row k for eigenvalue k
    int resolvedComponents = 0;               ///< the first ones with a non-vanishing score variance
};

/// Reopens the model and the data set `analysis` was computed from (its request) and computes the first
/// `components` eigenfilters of `layer` over the request's samples with capture::layerEigenfilters. Slow: call it on a
/// worker thread. Throws InputError (the analysis does not say how to reopen its model, unknown layer, bad model or
/// data, more memory than the budget), Cancelled, or another std::exception from LibTorch.
EigenfilterResult runEigenfilters(const Analysis& analysis, const std::string& layer, int components,
                                  const AnalysisProgressCallback& progress, const CancelToken* cancel);

/// Token trajectories (paper Fig. 7c) of a language analysis, torch-free for the GUI.
struct TokenTrajectoryResult {
    std::string analysisKey;   ///< which analysis they belong to (reopenKey)
    std::int64_t sequence = 0; ///< the sequence of the token data shown
    std::vector<language::LayerTokenTrajectories> layers;
    std::string html; ///< language::tokenTrajectoriesHtml of `layers`
};

/// Reopens the language model and token data of `analysis` (isLanguageAnalysis, canReopenModel) and computes the
/// trajectories of `layers` over sequence `sequence` with language::modelTokenTrajectories. Slow: call it on a worker
/// thread. Throws InputError (not a reopenable language analysis, bad model, text or layer), Cancelled.
TokenTrajectoryResult runTokenTrajectories(const Analysis& analysis, const std::vector<std::string>& layers,
                                           std::int64_t sequence, const language::TokenTrajectoryOptions& options,
                                           const CancelToken* cancel);

/// Explanation scores (paper Fig. 7b) of random neurons and random projections of `layers` of a language analysis:
/// reopens its model and token data, collects activation records, and explains and scores them through `endpoint`
/// (explain::explainUnits: a failing endpoint ends the run with the units done so far, the last one carrying the
/// error). Slow: call it on a worker thread. Throws InputError (not a reopenable language analysis, bad model, text
/// or layer, too few sequences), Cancelled.
std::vector<explain::UnitExplanation> runExplanations(const Analysis& analysis, const std::vector<std::string>& layers,
                                                      const language::RecordOptions& records,
                                                      const explain::EndpointSettings& endpoint,
                                                      const ProgressCallback& progress, const CancelToken* cancel);

/// Where the demo sweep lives: the app's data folder (QStandardPaths::AppLocalDataLocation)/demo-sweep.
QString demoSweepFolder();

/// The embedded default, pipeline::runDemoSweep: trains the paper's dropout sweep into `folder` (or reuses it) and
/// analyses every run, cached beside it. Throws InputError, Cancelled.
void runDemo(const std::string& folder, const AnalysisProgressCallback& progress, const CancelToken* cancel);

/// Analyses each run folder in `runFolders` (runs of a sweep without an analysis) with the paper's default request
/// (pipeline::analyzeSweepRuns, as `codescope-cli analyze --sweep DIR --dataset fashion-mnist` does), each cached
/// beside its run, so that the CLI and the app share them. A run that fails is named in the result as "NAME:
/// reason" (one line) and the others go on; empty when every run was analysed. Throws Cancelled.
std::vector<std::string> analyseSweepRuns(const std::vector<std::string>& runFolders,
                                          const AnalysisProgressCallback& progress, const CancelToken* cancel);

/// Where the language demo's tiny LM lives: the app's data folder/demo-tiny-lm.
QString languageDemoFolder();

using pipeline::LanguageDemoOptions; // training steps and sequences of the language demo

/// The language path's embedded default: trains the tiny byte-level LM on the licences every Debian has into
/// `folder` (or reuses the run there), then analyses its GELU layers over /usr/share/common-licenses/GPL-3 (cached
/// beside the run, as `codescope-cli analyze --run FOLDER --text GPL-3` does) and returns the analysis, ready for the
/// Tokens tab. Progress covers both stages (training about 85%). Throws InputError, Cancelled.
Analysis runLanguageDemo(const std::string& folder, const LanguageDemoOptions& options,
                         const AnalysisProgressCallback& progress, const CancelToken* cancel);

} // namespace codescope::gui

Q_DECLARE_METATYPE(codescope::gui::EigenfilterResult)
