#pragma once
// The embedded defaults a new user starts from: the paper's dropout sweep on a CPU-sized ResNet-VAE, and a tiny
// language model, each trained (or reused) and analysed with the paper's defaults. The app's start page and
// scripts/run-demo.sh (through the CLI) run the same flows. No LibTorch here.
#include <cstdint>
#include <string>

#include "core/common/job_control.h"
#include "core/pipeline/model_analysis.h"

namespace codescope::pipeline {

/// Trains the paper's dropout sweep (paper::kDropoutRates) with `codescope-cli train`'s defaults (the small
/// ResNet-VAE on Fashion-MNIST) into `folder`, resuming an interrupted one and skipping finished runs, then analyses
/// every usable run as `codescope-cli analyze --sweep DIR --dataset fashion-mnist` does by default (cached beside
/// each run, so a second demo is instant; a run that cannot be analysed is left without one). Progress covers both
/// stages (training about 90%). Throws InputError, Cancelled.
void runDemoSweep(const std::string& folder, const AnalysisProgress& progress, const CancelToken* cancel);

/// How much the language demo does (about two minutes on two cores).
struct LanguageDemoOptions {
    std::int64_t steps = 1200;    ///< training steps of the tiny LM
    std::int64_t sequences = 300; ///< 64-byte sequences of the text analysed (19,200 tokens)
};

/// Trains the tiny byte-level LM on the licences every Debian has into `folder` (or reuses the run there), then
/// analyses its GELU layers over GPL-3's text (cached beside the run, as `codescope-cli analyze --run FOLDER --text
/// GPL-3` does). Progress covers both stages (training about 85%). Throws InputError, Cancelled.
ModelAnalysis runLanguageDemo(const std::string& folder, const LanguageDemoOptions& options,
                              const AnalysisProgress& progress, const CancelToken* cancel);

} // namespace codescope::pipeline
