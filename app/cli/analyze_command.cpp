#include "app/cli/analyze_command.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>
#include <unistd.h>

#include "app/cli/analysis_request_flags.h"
#include "app/cli/command_line.h"
#include "app/cli/model_options.h"
#include "app/cli/progress_line.h"
#include "core/claims/paper_checks.h"
#include "core/distributed/communicator.h"
#include "core/io/atomic_file.h"
#include "core/pipeline/layer_jobs.h"
#include "core/pipeline/model_analysis.h"
#include "core/pipeline/provenance.h"
#include "core/pipeline/sweep_analysis.h"
#include "core/results/layer_issues.h"
#include "core/results/layer_report_reader.h"
#include "core/results/layer_table.h"
#include "core/results/sweep_folder.h"

namespace codescope::cli {

namespace {

const char* const kLayersHelp = R"(usage: codescope-cli layers (--model FILE | --run DIR) [--input-shape C,H,W]

Lists every layer Codescope can capture, in execution order (= depth): each ReLU output (named by the module
that calls it) and each submodule's output, with the shape of one sample's activations.

options:
  --model FILE          a TorchScript file (torch.jit.trace or torch.jit.script output)
  --run DIR             a run trained by `codescope-cli train` (its model and input shape come from the run)
  --input-shape C,H,W   the model's input for one sample; without it a --model is listed at 3,224,224 (no data set
                        here to take the shape from; analyze and eigenfilters use their data set's own)
  --context T           the model is a language model taking T token ids per sequence (a tiny-lm run knows its own)
)";

const char* const kAnalyzeHelp =
    R"(usage: codescope-cli analyze (--model FILE | --run DIR) (--dataset SPEC | --text FILE [--tokenizer DIR]) [options]

Runs the model over the data set in batches (reading the next batch on a worker thread) and computes, for every
chosen layer, the PCA eigenspectrum of its activations and the power-law exponent alpha (paper, Methods), without
holding any layer's activation matrix in memory. Then it runs the moving-dot stimulus (Fig. 4a, drawn at the
model's input) through the model once and adds each layer's coding record: the mean and sd of the action of K
random projections (Fig. 4c), the input variance they explain (pooled R^2 of the pixels and of the latent
(cos t, sin t), Fig. 6d-e), eq. 4's expected action 1/2 zeta(-alpha) (divergent for alpha >= -1) and eq. 3's
effective capacity C - |alpha| m log2(m/e) with C = m x bits. The explained variance is Codescope's own
definition (the paper gives no formula): {explained_variance}.

Every result records its provenance ("provenance" in the JSON): the model, how it was trained (from a run's
manifest: preset, epochs, images, loss, dropout placement), the data and samples, a list "differs_from_paper"
(e.g. "3 epochs instead of 20") and the defaults that are Codescope's own.

options:
  --model FILE          a TorchScript file
  --run DIR             a run trained by `codescope-cli train`
  --sweep DIR           every run of a sweep trained by `codescope-cli train --out DIR`, then alpha by depth
                        across the runs and the paper's claims checked on the sweep ("Paper checks": each claim,
                        its figure in the paper, the test and its rule, the numbers here, and holds / does not hold
                        / cannot tell; a single model gets the claims one analysis can test)
  --dataset SPEC        fashion-mnist[:PATH] | cifar10:PATH | images:PATH | npy:PATH, or for a language model
                        tokens:FILE.npy (int32/int64 token ids, N x T or flat)
  --text FILE           a language model's UTF-8 text, tokenised with --tokenizer and packed into sequences of
                        --context tokens; every token position is one sample (paper Fig. 7a). No coding record.
  --tokenizer DIR       the model's GPT-2 BPE tokenizer: DIR/vocab.json and DIR/merges.txt (not needed for a
                        byte-level tiny-lm run)
  --context T           tokens per sequence (0: the run's own, the .npy's T, or 64)           [0]
  --samples N           use the first N images or token sequences (0: all)                   [{samples}]
  --layers LIST         auto (every ReLU output, else every GELU) or comma-separated layer names [auto]
  --input-shape C,H,W   a --model's input; images are resized and their channels matched (with a note on stderr)
                        [the data set's own C,H,W; a --run always takes its own]
  --normalize KIND      none | imagenet (mean/std per channel after scaling to [0, 1])       [none]
  --batch N             images per forward pass (0: from the memory budget)                 [0]
  --memory-budget MIB   covariances + one batch of activations; bounds the coding record too [2048]
  --fit-range LO:HI, --max-components N, --max-features N, --bootstrap N, --seed N   as for `spectrum`
  --estimator NAME      alpha (and its bootstrap interval) by huber (the paper's), wls (Stringer et al. 2019,
                        weights 1/k) or mle (discrete power law on ranks, KS-chosen lower cut-off)    [huber]
  --spectrum KIND        pca (the paper's) or cvpca: directions from the first half of the samples, variances
                        along them from the second (held-out PCA; removes PCA's in-sample bias, not noise that
                        is independent per sample, which needs repeats: see `spectrum --repeat`; no CI)   [pca]
  --float32-products    covariances from float32 products per centred block, summed in double: 1.6x faster
                        on wide layers, eigenvalues within about 1e-7 relative (the paper's are double)
  --robustness          also every estimator's alpha and R^2, and alpha over a grid of fit ranges, per layer
                        (in the JSON: "alpha_estimators", "fit_range_table")
  --no-cache            recompute even if the run folder holds this analysis (runs are cached in
                        RUN/analysis-KEY.json, KEY covering the model file and every setting)
  --projections K       random projections per layer for the coding record (0: none)        [{projections}]
  --frames N            moving-dot frames over one period (Codescope's own default: the paper
                        gives no count; the dot's radius, {dot_radius} px at {dot_size} x {dot_size} scaled with the
                        input, is Codescope's own too)                                       [{frames}]
  --bits B              bits per unit in eq. 3's capacity C = m x B                          [32]
  --json FILE           per layer: name, depth, n_features, stride, alpha, alpha_ci95, eigenvalues, and the
                        coding record (see README), and "paper_checks" (atomic write); with --sweep: the runs, their
                        cached analyses and the sweep's "paper_checks"
  --csv FILE            one row per layer: depth, layer, shape, alpha and its CI, R^2, action, explained
                        variance, eq. 4, eq. 3 (atomic write)
  --quiet               no progress line

Under an MPI launcher (mpirun -np N, or srun) the samples are sharded over the N ranks (each run's in turn with
--sweep): each rank runs the model on its own contiguous slice of whole batches, the statistics are merged exactly
and rank 0 solves, prints and writes; the results equal one process's to rounding. A rank that fails stops every
rank with one line naming it (with --sweep: that run is named as not analysed and the others go on).

exit status: 0 success, 2 bad input or usage (one-line error on stderr), 1 internal error.
)";

std::string formatRate(double rate) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", rate);
    return text;
}

void printReport(const results::LayerReport& report, bool fromCache) {
    std::printf("%s on %s (%lld samples)%s\n", report.model.c_str(), report.dataset.c_str(),
                static_cast<long long>(report.samples), fromCache ? ", cached" : "");
    std::printf("  %5s  %-28s %9s %6s %8s  %-17s %19s %7s %9s %10s\n", "depth", "layer", "features", "stride", "alpha",
                "95% CI", "action mean (sd)", "R2 dot", "eq.4", "eq.3 kbit");
    for (const results::LayerSpectrum& entry : report.layers) {
        const spectrum::SpectrumResult& r = entry.spectrum;
        char ci[48] = "-";
        if (std::isfinite(r.alphaCiLo)) std::snprintf(ci, sizeof ci, "[%.3f, %.3f]", r.alphaCiLo, r.alphaCiHi);
        char action[48] = "-", r2[16] = "-", eq4[24] = "-", eq3[24] = "-";
        if (const auto& c = entry.coding) {
            std::snprintf(action, sizeof action, "%.3g (%.2g)", c->actionMean, c->actionSd);
            std::snprintf(r2, sizeof r2, "%.3f", c->stimulusR2Mean);
            // Eqs. 3-4 need alpha: a layer without one leaves them out rather than calling them divergent.
            if (c->eq4ExpectedAction)
                std::snprintf(eq4, sizeof eq4, "%.4g", *c->eq4ExpectedAction);
            else if (r.fitted())
                std::snprintf(eq4, sizeof eq4, "diverges");
            if (std::isfinite(c->eq3CapacityBits)) std::snprintf(eq3, sizeof eq3, "%.1f", c->eq3CapacityBits / 1000.0);
        }
        // A layer without an exponent shows the kind of its status where alpha would be.
        char alpha[24];
        if (r.fitted())
            std::snprintf(alpha, sizeof alpha, "%8.4f", r.alpha);
        else
            std::snprintf(alpha, sizeof alpha, "%8s", spectrum::statusKind(r.status).c_str());
        std::printf("  %5d  %-28s %9lld %6lld %s  %-17s %19s %7s %9s %10s\n", entry.layer.depth,
                    entry.layer.name.c_str(), static_cast<long long>(r.features), static_cast<long long>(r.stride),
                    alpha, ci, action, r2, eq4, eq3);
    }
    for (const std::string& line : results::summarizeLayerIssues(report.layers))
        std::fprintf(stderr, "note: %s: %s\n", report.model.c_str(), line.c_str());
    // How the experiment differs from the paper, in one line (the JSON's "provenance" has the whole record).
    if (!report.provenanceJson.empty()) {
        const pipeline::Provenance provenance =
            pipeline::provenanceFromJson(nlohmann::json::parse(report.provenanceJson), report.model);
        std::printf("  differs from the paper: %s\n", pipeline::differsFromPaperText(provenance).c_str());
    }
}

// One model: from the cache beside a run when it holds this exact analysis, else computed (and cached for a run).
// Sharded over `world`'s ranks, rank 0 alone shows progress and prints; a rank's stderr is then a pipe to the
// launcher, so the progress line shows unless --quiet.
pipeline::ModelAnalysis analyzeOne(const pipeline::AnalysisRequest& request, pipeline::CacheUse cache, bool quiet,
                                   distributed::Communicator* world) {
    const bool sharded = distributed::isSharded(world);
    const bool root = distributed::isRoot(world);
    ProgressLine progress(!quiet && root && (sharded || ::isatty(STDERR_FILENO)), "samples");
    pipeline::ModelAnalysis analysis = pipeline::analyzeModel(
        request, cache, [&](double fraction, double samplesPerSecond) { progress(fraction, samplesPerSecond); },
        nullptr, world);
    if (!root) return analysis;
    printInputNote(analysis.inputNote);
    if (!analysis.cacheWarning.empty()) std::fprintf(stderr, "warning: %s\n", analysis.cacheWarning.c_str());
    printReport(analysis.report, analysis.fromCache);
    std::printf("\n%s", claims::paperChecksText(
                            claims::checkAnalysis({analysis.report.model, std::nullopt, &analysis.report.layers}))
                            .c_str());
    return analysis;
}

// alpha by depth, one column per analysed run; a layer without an exponent shows its status kind.
void printSweepAlphaTable(const std::vector<const results::SweepRun*>& runs,
                          const std::vector<results::LayerReport>& reports) {
    std::printf("\nalpha by depth across the sweep (%zu runs)\n  %-28s", runs.size(), "layer");
    for (const results::SweepRun* run : runs)
        std::printf(" %10s", ("D=" + formatRate(run->dropout)).c_str());
    std::printf("\n");
    for (std::size_t l = 0; l < reports.front().layers.size(); ++l) {
        std::printf("  %-28s", reports.front().layers[l].layer.name.c_str());
        for (const results::LayerReport& report : reports) {
            if (l >= report.layers.size())
                std::printf(" %10s", "-");
            else if (const spectrum::SpectrumResult& r = report.layers[l].spectrum; r.fitted())
                std::printf(" %10.4f", r.alpha);
            else
                std::printf(" %10s", spectrum::statusKind(r.status).c_str());
        }
        std::printf("\n");
    }
}

} // namespace

int runLayersCommand(const std::vector<std::string>& args) {
    const CommandLine cl(args, {"model", "run", "input-shape", "context"}, {"help"});
    if (cl.has("help")) {
        std::fputs(kLayersHelp, stdout);
        return 0;
    }
    const pipeline::LayerListing listing = pipeline::listLayers(modelSpec(cl));
    const std::vector<models::LayerInfo>& layers = listing.layers;
    std::printf("%s: %zu layers (input %s)\n", listing.model.c_str(), layers.size(), listing.input.c_str());
    std::printf("  %5s  %-40s %-14s %-16s %10s\n", "depth", "name", "kind", "output shape", "features");
    for (const models::LayerInfo& layer : layers)
        std::printf("  %5d  %-40s %-14s %-16s %10lld\n", layer.depth, layer.name.c_str(), layer.kind.c_str(),
                    shapeText(layer.shape).c_str(), static_cast<long long>(layer.features()));
    return 0;
}

int runAnalyzeCommand(const std::vector<std::string>& args, distributed::Communicator* world) {
    std::set<std::string> valueOptions = {"json", "csv", "sweep"};
    for (const auto* list : {&kAnalysisValueOptions, &kModelValueOptions, &kTokenValueOptions})
        valueOptions.insert(list->begin(), list->end());
    const CommandLine cl(args, valueOptions, {"quiet", "help", "no-cache", "robustness", "float32-products"});
    if (cl.has("help")) {
        std::fputs(withPaperDefaults(kAnalyzeHelp).c_str(), stdout);
        return 0;
    }
    if (!cl.has("dataset") && !cl.has("text"))
        throw UsageError("analyze needs --dataset SPEC or --text FILE (see codescope-cli analyze --help)");
    if (cl.has("sweep") && (cl.has("model") || cl.has("run")))
        throw UsageError("give --sweep DIR or one of --model/--run, not both");
    const pipeline::AnalysisRequest request = analysisRequestFromFlags(cl, !cl.has("sweep"));
    const pipeline::CacheUse cache = cl.has("no-cache") ? pipeline::CacheUse::Off : pipeline::CacheUse::ReadWrite;
    const bool quiet = cl.has("quiet");
    if (!cl.has("sweep")) {
        const pipeline::ModelAnalysis analysis = analyzeOne(request, cache, quiet, world);
        if (!distributed::isRoot(world)) return 0; // rank 0 writes the results
        if (cl.has("json"))
            io::writeFileAtomically(cl.text("json"), pipeline::analysisJson(analysis.report, analysis.request));
        if (cl.has("csv")) io::writeFileAtomically(cl.text("csv"), results::layerTableCsv(analysis.report.layers));
        return 0;
    }
    if (cl.has("csv")) throw UsageError("--csv is for one model; a sweep caches each run's analysis in its folder");
    // Sharded over MPI ranks, every rank walks the runs (each run's samples are split) and rank 0 alone prints.
    const bool root = distributed::isRoot(world);
    const bool sharded = distributed::isSharded(world);
    const std::vector<results::SweepRun> runs = results::readSweepFolder(cl.text("sweep"));
    for (const results::SweepRun& run : runs)
        if (root && run.problem.empty() && !run.finished)
            std::fprintf(stderr, "warning: run %s has not finished training; analysing its last model\n",
                         run.name.c_str());
    // A run that cannot be analysed (a corrupt or missing model, a failed load) is named at the end; the others go on.
    const bool showProgress = !quiet && root && (sharded || ::isatty(STDERR_FILENO));
    ProgressLine progress(showProgress, "samples");
    const std::vector<pipeline::SweepRunAnalysis> outcomes = pipeline::analyzeSweepRuns(
        runs, request, cache, [&](double fraction, double samplesPerSecond) { progress(fraction, samplesPerSecond); },
        nullptr,
        [&](const pipeline::SweepRunAnalysis& outcome) {
            if (!root) return;
            if (showProgress) std::fprintf(stderr, "\r%50s\r", "");
            if (!outcome.analysis) {
                std::fprintf(stderr, "error: run %s not analysed: %s\n", outcome.run.name.c_str(),
                             outcome.failure.c_str());
                return;
            }
            printInputNote(outcome.analysis->inputNote);
            if (!outcome.analysis->cacheWarning.empty())
                std::fprintf(stderr, "warning: %s\n", outcome.analysis->cacheWarning.c_str());
            printReport(outcome.analysis->report, outcome.analysis->fromCache);
        });
    if (!root) {
        const bool anyFailed = std::any_of(outcomes.begin(), outcomes.end(),
                                           [](const pipeline::SweepRunAnalysis& outcome) { return !outcome.analysis; });
        return anyFailed ? 2 : 0; // rank 0 prints and writes, with the same exit status
    }
    std::vector<const results::SweepRun*> analysed;
    std::vector<results::LayerReport> reports;
    std::vector<std::string> failures;
    for (const pipeline::SweepRunAnalysis& outcome : outcomes) {
        if (outcome.analysis) {
            analysed.push_back(&outcome.run);
            reports.push_back(outcome.analysis->report);
        } else {
            failures.push_back(outcome.run.name + ": " + outcome.failure);
        }
    }
    if (!reports.empty()) printSweepAlphaTable(analysed, reports);
    const std::vector<claims::PaperCheck> checks = pipeline::sweepPaperChecks(outcomes);
    if (!checks.empty()) std::printf("\n%s", claims::paperChecksText(checks).c_str());
    if (cl.has("json"))
        io::writeFileAtomically(cl.text("json"), pipeline::sweepJson(cl.text("sweep"), outcomes, checks));
    if (failures.empty()) return 0;
    std::fprintf(stderr, "%zu of %zu runs could not be analysed:\n", failures.size(), runs.size());
    for (const std::string& failure : failures)
        std::fprintf(stderr, "  %s\n", failure.c_str());
    return 2;
}

} // namespace codescope::cli
