#include "core/pipeline/demo_runs.h"

#include <filesystem>
#include <vector>

#include "core/models/recording_model.h"
#include "core/pipeline/sweep_analysis.h"
#include "core/results/sweep_folder.h"
#include "core/training/tiny_lm_training.h"
#include "core/training/vae_training.h"

namespace codescope::pipeline {

void runDemoSweep(const std::string& folder, const AnalysisProgress& progress, const CancelToken* cancel) {
    constexpr double kTrainingShare = 0.9;
    const training::TrainOptions options; // the CLI's defaults: ten minutes on two cores for the five runs
    const std::vector<double> dropouts(paper::kDropoutRates.begin(), paper::kDropoutRates.end());
    training::validateOptions(options);
    const training::TrainingData data = training::loadTrainingData(options);
    training::trainDropoutSweep(
        options, dropouts, data, folder,
        [&](const training::TrainingProgress& p) {
            if (progress) progress(kTrainingShare * p.fraction, p.samplesPerSecond);
        },
        cancel);
    // A run that cannot be analysed is left without analysis: the sweep view names it and offers to analyse it,
    // showing why it fails.
    analyzeSweepRuns(
        results::readSweepFolder(folder), AnalysisRequest{}, CacheUse::ReadWrite,
        [&](double fraction, double samplesPerSecond) {
            if (progress) progress(kTrainingShare + (1 - kTrainingShare) * fraction, samplesPerSecond);
        },
        cancel);
}

ModelAnalysis runLanguageDemo(const std::string& folder, const LanguageDemoOptions& options,
                              const AnalysisProgress& progress, const CancelToken* cancel) {
    constexpr double kTrainingShare = 0.85;
    const std::vector<std::string> corpus = training::defaultCorpusFiles();
    // A finished run is reused; training writes the folder only when it completes, so one that is there is whole.
    if (!std::filesystem::exists(std::filesystem::path(folder) / models::kRunManifestFile)) {
        training::TinyLmTrainOptions train;
        train.steps = options.steps;
        training::trainTinyLmRun(
            train, training::readCorpus(corpus), corpus, folder,
            [&](const training::TinyLmProgress& p) {
                if (progress) progress(kTrainingShare * p.fraction, 0.0);
            },
            cancel);
    }
    AnalysisRequest request;
    request.model.path = folder;
    request.model.isRun = true;
    request.data = dataRequestFromSpec("text:" + corpus.front()); // GPL-3
    request.samples = options.sequences;
    return analyzeModel(
        request, CacheUse::ReadWrite,
        [&](double fraction, double samplesPerSecond) {
            if (progress) progress(kTrainingShare + (1 - kTrainingShare) * fraction, samplesPerSecond);
        },
        cancel);
}

} // namespace codescope::pipeline
