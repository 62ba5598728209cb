#include "core/pipeline/model_analysis.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/capture/layer_analysis.h"
#include "core/claims/paper_checks.h"
#include "core/common/input_error.h"
#include "core/common/wall_clock.h"
#include "core/data/image_dataset.h"
#include "core/distributed/communicator.h"
#include "core/data/image_preprocessing.h"
#include "core/io/atomic_file.h"
#include "core/language/token_data.h"
#include "core/models/model_loader.h"
#include "core/models/recording_model.h"
#include "core/pipeline/provenance.h"
#include "core/results/analysis_cache.h"
#include "core/results/layer_report.h"

namespace codescope::pipeline {

namespace {

capture::CaptureOptions captureOptions(const AnalysisRequest& request, distributed::Communicator* communicator) {
    capture::CaptureOptions options;
    options.communicator = communicator;
    options.samples = request.samples;
    options.batchSize = request.batchSize;
    options.memoryBudgetBytes = request.memoryBudgetBytes;
    options.spectrum = request.spectrum;
    options.heldOutSpectrum = request.heldOutSpectrum;
    return options;
}

models::ModelSpec modelSpecFor(const AnalysisRequest& request) {
    models::ModelSpec spec = request.model;
    if (usesTokenData(request)) {
        spec.takesTokens = true;
        const std::int64_t context = language::requestedContextLength(request.data.tokens);
        spec.contextLength = context > 0 ? context : language::kDefaultContextLength;
    }
    return spec;
}

void analyzeTokens(const AnalysisRequest& request, models::LoadedModel& loaded, ModelAnalysis& result,
                   const capture::CaptureProgressCallback& progress, const CancelToken* cancel,
                   distributed::Communicator* communicator) {
    // Every rank reads the whole token file (it is small next to the activations) and runs its slice of sequences.
    language::TokenData tokens;
    distributed::together(communicator, [&] { tokens = language::openTokenData(request.data.tokens, loaded); });
    result.report.layers =
        capture::analyzeLayers(*loaded.model, *capture::tokenInputs(tokens.sequences), request.layers,
                               captureOptions(request, communicator), progress, cancel, &*result.report.timings);
    result.report.dataset = tokens.description;
}

// The share of an image analysis's progress bar given to the coding record: its frames against the data set's
// images, each one forward pass (an estimate; measured, the record took 16% of ResNet-18 at 32 x 32 with 600 images,
// where this gives 14%, and 55% of the paper's VAE at 224 x 224 with 240 images, where it gives 29%).
double codingShareOfProgress(const AnalysisRequest& request, const data::ImageDataset& dataset) {
    if (request.coding.projections < 1) return 0.0;
    const std::int64_t images = request.samples > 0 ? std::min(request.samples, dataset.size()) : dataset.size();
    const double frames = std::max(0, request.coding.frames);
    return frames / (frames + static_cast<double>(std::max<std::int64_t>(1, images)));
}

void analyzeImages(const AnalysisRequest& request, const data::ImageDataset& dataset, models::LoadedModel& loaded,
                   ModelAnalysis& result, const capture::CaptureProgressCallback& progress, const CancelToken* cancel,
                   distributed::Communicator* communicator) {
    const data::Preprocessing preprocessing =
        data::withNormalization(models::inputPreprocessing(loaded), request.normalization);
    const double codingShare = codingShareOfProgress(request, dataset);
    double dataRate = 0;
    const capture::CaptureProgressCallback dataProgress = [&](const capture::CaptureProgress& p) {
        if (p.samplesPerSecond > 0) dataRate = p.samplesPerSecond; // the pass's last report says 0: the rate stays
        if (progress) progress({(1.0 - codingShare) * p.fraction, dataRate});
    };
    result.report.layers =
        capture::analyzeLayers(*loaded.model, dataset, preprocessing, request.layers,
                               captureOptions(request, communicator), dataProgress, cancel, &*result.report.timings);
    // The coding record is the model's response to a stimulus, not to the data: rank 0 alone runs it.
    const auto codingStart = std::chrono::steady_clock::now();
    const ProgressCallback codingProgress = [&](double fraction) {
        if (progress) progress({1.0 - codingShare + codingShare * fraction, dataRate});
    };
    distributed::together(communicator, [&] {
        if (distributed::isRoot(communicator))
            capture::addLayerCoding(*loaded.model, preprocessing, result.report.layers, request.coding,
                                    request.memoryBudgetBytes, codingProgress, cancel);
    });
    result.report.timings->codingRecord = secondsSince(codingStart);
    result.report.dataset = dataset.name();
}

// The report's own provenance where it holds a readable one (analyzeModel made it from the run's manifest already);
// else made from the request, which reads the run's manifest again.
Provenance provenanceOfReport(const results::LayerReport& report, const AnalysisRequest& request) {
    if (!report.provenanceJson.empty()) {
        const nlohmann::json json = nlohmann::json::parse(report.provenanceJson, nullptr, false);
        try {
            if (!json.is_discarded()) return provenanceFromJson(json, "the analysis's provenance");
        } catch (const InputError&) {
            // Unreadable: made afresh below, as for a result without one.
        }
    }
    return provenanceOfRequest(request);
}

} // namespace

std::optional<AnalysisRequest> recordedRequest(const results::LayerReport& report, const std::string& source) {
    if (report.requestJson.empty()) return std::nullopt;
    const nlohmann::json json = nlohmann::json::parse(report.requestJson, nullptr, false);
    if (json.is_discarded()) throw InputError(source + ": its 'request' is not valid JSON");
    return requestFromJson(json, source);
}

std::string analysisJson(const results::LayerReport& report, const AnalysisRequest& request) {
    results::ReportOptions options;
    options.robustness = request.robustness;
    options.requestJson = requestToJson(request).dump();
    const Provenance provenance = provenanceOfReport(report, request);
    options.provenanceJson =
        report.provenanceJson.empty() ? provenanceToJson(provenance).dump() : report.provenanceJson;
    // The claims one analysis can test on its own, at the dropout rate its run was trained with where the run's
    // manifest says it (a model file alone does not: then that claim cannot tell); a sweep's runs get the whole
    // table from `analyze --sweep`.
    const std::optional<double> dropout =
        provenance.training ? std::optional<double>(provenance.training->dropout) : std::nullopt;
    options.paperChecksJson = claims::paperChecksJson(claims::checkAnalysis({report.model, dropout, &report.layers}));
    options.timings = report.timings ? &*report.timings : nullptr;
    return results::layerSpectraJson(report.model, report.dataset, report.samples, report.layers, options);
}

ModelAnalysis analyzeModel(const AnalysisRequest& request, CacheUse cache, const AnalysisProgress& progress,
                           const CancelToken* cancel, distributed::Communicator* communicator) {
    const bool root = distributed::isRoot(communicator);
    ModelAnalysis result;
    std::unique_ptr<data::ImageDataset> dataset;
    models::ModelSpec spec;
    std::string requestText;
    std::string provenanceText;
    // Every step that reads a file on this rank alone is agreed on: a rank that cannot read it stops them all.
    distributed::together(communicator, [&] {
        // Before the model: a TorchScript model has no input shape of its own and is fed the data at its own.
        if (!usesTokenData(request)) dataset = data::openDataset(request.data.images);
        result.request = request;
        spec = modelSpecFor(request);
        if (dataset) {
            spec.dataShape = dataset->shape();
            result.request.model.inputShape = models::imageInputShape(spec);
            result.inputNote = data::inputChangeNote(dataset->shape(), result.request.model.inputShape);
        } else {
            result.request.model.inputShape.clear();
        }
        // The request as it runs, recorded in the result whether it is read from the cache or computed.
        requestText = requestToJson(result.request).dump();
        provenanceText = provenanceToJson(provenanceOfRequest(result.request)).dump();
    });
    // Rank 0 alone reads and writes the cache; the others follow its finding.
    char cached = 0;
    distributed::together(communicator, [&] {
        if (cache != CacheUse::ReadWrite || !spec.isRun || !root) return;
        const std::string key = results::analysisCacheKey(
            results::fileDigest((std::filesystem::path(spec.path) / models::kRunModelFile).string()),
            resultDefiningText(result.request));
        result.cachePath = results::analysisCachePath(spec.path, key);
        if (results::findCachedAnalysis(spec.path, key)) {
            try {
                result.report = results::readLayerReport(result.cachePath);
                result.report.requestJson = requestText;
                result.report.provenanceJson = provenanceText;
                result.fromCache = true;
                cached = 1;
            } catch (const InputError& error) {
                result.cacheWarning = std::string("ignored a damaged cache (") + error.what() + ")";
            }
        }
    });
    if (communicator) communicator->broadcast(&cached, 1, 0);
    if (cached) {
        result.fromCache = true;
        return result;
    }
    const auto start = std::chrono::steady_clock::now();
    result.report.timings.emplace();
    models::LoadedModel loaded;
    distributed::together(communicator, [&] {
        loaded = models::openModel(spec);
        if (cancel) cancel->throwIfCancelled();
    });
    result.report.timings->modelLoad = secondsSince(start);
    const capture::CaptureProgressCallback captureProgress = [&](const capture::CaptureProgress& p) {
        if (progress) progress(p.fraction, p.samplesPerSecond);
    };
    if (loaded.takesTokens)
        analyzeTokens(result.request, loaded, result, captureProgress, cancel, communicator);
    else if (dataset)
        analyzeImages(result.request, *dataset, loaded, result, captureProgress, cancel, communicator);
    else
        throw InputError(spec.path + ": this model takes images, not token data");
    result.report.timings->total = secondsSince(start);
    result.report.model = loaded.model->name();
    result.report.samples = result.report.layers.front().spectrum.samples; // images, or token positions
    result.report.requestJson = requestText;
    result.report.provenanceJson = provenanceText;
    if (!root) {
        result.report.layers.clear(); // placeholders: rank 0 holds the analysis
        return result;
    }
    if (!result.cachePath.empty()) {
        try {
            io::writeFileAtomically(result.cachePath, analysisJson(result.report, result.request));
        } catch (const InputError& error) {
            result.cacheWarning = std::string("could not cache the analysis (") + error.what() + ")";
            result.cachePath.clear();
        }
    }
    return result;
}

} // namespace codescope::pipeline
