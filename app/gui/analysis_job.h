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

#include "app/gui/analysis.h"
#include "core/common/job_control.h"
#include "core/explain/explanation_score.h"
#include "core/language/record_collection.h"
#include "core/language/token_trajectories.h"

namespace codescope::gui {

/// What the "Analyse a model" dialog asks for; the same choices as `codescope-cli analyze`.
struct AnalysisRequest {
    std::string modelPath; ///< a TorchScript file, or a run folder when isRun
    bool isRun = false;
    std::vector<std::int64_t> inputShape;  ///< C, H, W of one sample; empty = the run's own, or the data set's
    std::string dataset = "fashion-mnist"; ///< a data set spec, see data::openDataset
    std::int64_t samples = 1000;           ///< images from the start of the data set; 0 = all
    std::vector<std::string> layers;       ///< layer names; empty = every ReLU output
    int bootstrapResamples = 200;          ///< for the 95% CI of alpha; 0 = none
    std::string tokenizer;                 ///< a language model's vocab.json + merges.txt folder (dataset text:FILE)
    std::int64_t contextLength = 0;        ///< tokens per sequence; 0 = the model's own, the .npy's, or 64
};

/// "C,H,W" (commas or x, spaces allowed) as three positive sizes; nullopt if it is not that. Empty text is an empty
/// shape (the model's default).
std::optional<std::vector<std::int64_t>> parseInputShape(const QString& text);

/// Called from the worker thread: fraction of the job done in [0, 1] and images per second so far.
using AnalysisProgressCallback = std::function<void(double fraction, double samplesPerSecond)>;

/// Opens the model and the data set and runs capture::analyzeLayers with the paper's spectrum options (fit range
/// 10..50, at most 1000 components, features strided below 8000). Slow: call it on a worker thread.
/// Throws InputError (bad model, data set, layer names or input shape), Cancelled (cancel was set), or another
/// std::exception from LibTorch (e.g. a model that rejects the input, out of memory).
Analysis runAnalysis(const AnalysisRequest& request, const AnalysisProgressCallback& progress,
                     const CancelToken* cancel);

/// The first N eigenfilters of one layer (paper, Fig. 3d), torch-free for the GUI: each filter is an input-space
/// image of channels x height x width values (the regression of the preprocessed input pixels on one principal
/// component's score).
struct EigenfilterResult {
    std::string modelSpecPath; ///< which analysis it belongs to (Analysis::modelSpecPath, datasetSpec)
    std::string datasetSpec;
    std::string layer;
    int channels = 0, height = 0, width = 0;
    std::int64_t samples = 0;                ///< images used
    std::int64_t features = 0, stride = 1;   ///< the layer's units and the stride of those kept
    std::vector<double> eigenvalues;         ///< N, descending (activation^2 units)
    std::vector<std::vector<double>> filters; ///< N images of channels x height x width, row k for eigenvalue k
    int resolvedComponents = 0;              ///< the first ones with a non-vanishing score variance
};

/// Reopens the model and the data set `analysis` was computed from (its modelSpecPath, modelIsRun, inputShape and
/// datasetSpec) and computes the first `components` eigenfilters of `layer` over the analysis's samples (1000 when it
/// has none) with capture::layerEigenfilters. Slow: call it on a worker thread. Throws InputError (the analysis does
/// not say how to reopen its model, unknown layer, bad model or data, more memory than the budget), Cancelled, or
/// another std::exception from LibTorch.
EigenfilterResult runEigenfilters(const Analysis& analysis, const std::string& layer, int components,
                                  const AnalysisProgressCallback& progress, const CancelToken* cancel);

/// Token trajectories (paper Fig. 7c) of a language analysis, torch-free for the GUI.
struct TokenTrajectoryResult {
    std::string modelSpecPath; ///< which analysis they belong to (Analysis::modelSpecPath, datasetSpec)
    std::string datasetSpec;
    std::int64_t sequence = 0; ///< the sequence of the token data shown
    std::vector<language::LayerTokenTrajectories> layers;
    std::string html;          ///< language::tokenTrajectoriesHtml of `layers`
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

/// The embedded default: trains the default dropout sweep of `codescope-cli train` (the small ResNet-VAE on
/// Fashion-MNIST, dropout 0 ... 0.8) into `folder`, resuming an interrupted one and skipping finished runs, then
/// analyses every run as `codescope-cli analyze --sweep` does by default (cached beside each run, so a second demo
/// is instant). Progress covers both stages (training about 90%). Throws InputError, Cancelled.
void runDemo(const std::string& folder, const AnalysisProgressCallback& progress, const CancelToken* cancel);

/// Analyses each run folder in `runFolders` (runs of a sweep without an analysis) as `codescope-cli analyze --sweep
/// DIR --dataset fashion-mnist` does by default, each cached beside its run (analysis_cache.h), so that the CLI and the
/// app share them. A run that fails is named in the result as "NAME: reason" (one line) and the others go on; empty
/// when every run was analysed. Progress covers all runs. Slow: call it on a worker thread. Throws Cancelled.
std::vector<std::string> analyseSweepRuns(const std::vector<std::string>& runFolders,
                                          const AnalysisProgressCallback& progress, const CancelToken* cancel);

/// Where the language demo's tiny LM lives: the app's data folder/demo-tiny-lm.
QString languageDemoFolder();

/// How much the language demo does (the defaults: `codescope-cli train --model tiny-lm`, about two minutes on two
/// cores, then the first `sequences` of GPL-3's text).
struct LanguageDemoOptions {
    std::int64_t steps = 1200;     ///< training steps of the tiny LM
    std::int64_t sequences = 300;  ///< 64-byte sequences of the text analysed (19,200 tokens)
};

/// The language path's embedded default: trains the tiny byte-level LM on the licences every Debian has into
/// `folder` (or reuses the run there), then analyses its GELU layers over /usr/share/common-licenses/GPL-3 (cached
/// beside the run, as `codescope-cli analyze --run FOLDER --text GPL-3` does) and returns the analysis, ready for the
/// Tokens tab. Progress covers both stages (training about 85%). Throws InputError, Cancelled.
Analysis runLanguageDemo(const std::string& folder, const LanguageDemoOptions& options,
                         const AnalysisProgressCallback& progress, const CancelToken* cancel);

} // namespace codescope::gui

Q_DECLARE_METATYPE(codescope::gui::EigenfilterResult)
