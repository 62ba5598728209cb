#include "core/capture/model_analysis.h"

#include <filesystem>
#include <sstream>

#include "core/common/input_error.h"
#include "core/data/image_dataset.h"
#include "core/data/image_preprocessing.h"
#include "core/io/atomic_file.h"
#include "core/models/resnet_vae.h"

namespace codescope::capture {

std::vector<std::string> parseLayerList(const std::string& text) {
    std::vector<std::string> names;
    if (text.empty() || text == "auto") return names;
    std::stringstream stream(text);
    std::string name;
    while (std::getline(stream, name, ','))
        if (!name.empty()) names.push_back(name);
    return names;
}

bool usesTokenData(const ModelAnalysisRequest& request) {
    return !request.tokens.textFile.empty() || language::isTokenDatasetSpec(request.dataset) ||
           language::isTokenDatasetSpec(request.tokens.dataset);
}

namespace {

language::TokenDataSpec tokenDataSpec(const ModelAnalysisRequest& request) {
    language::TokenDataSpec spec = request.tokens;
    if (spec.dataset.empty() && spec.textFile.empty()) spec.dataset = request.dataset;
    return spec;
}

void analyzeTokens(const ModelAnalysisRequest& request, models::LoadedModel& loaded, ModelAnalysis& result,
                   const CaptureProgressCallback& progress, const CancelToken* cancel) {
    const language::TokenData tokens = language::openTokenData(tokenDataSpec(request), loaded);
    result.report.layers = analyzeLayers(*loaded.model, *tokenInputs(tokens.sequences), parseLayerList(request.layers),
                                         request.capture, progress, cancel);
    result.report.model = loaded.model->name();
    result.report.dataset = tokens.description;
    result.report.samples = result.report.layers.front().spectrum.samples; // token positions
}

void analyzeImages(const ModelAnalysisRequest& request, const data::ImageDataset& dataset, models::LoadedModel& loaded,
                   ModelAnalysis& result, const CaptureProgressCallback& progress, const CancelToken* cancel) {
    const data::Preprocessing preprocessing =
        request.preprocessing ? request.preprocessing(loaded) : models::inputPreprocessing(loaded);
    result.report.layers = analyzeLayers(*loaded.model, dataset, preprocessing, parseLayerList(request.layers),
                                         request.capture, progress, cancel);
    addLayerCoding(*loaded.model, preprocessing, result.report.layers, request.coding, {}, cancel);
    result.report.model = loaded.model->name();
    result.report.dataset = dataset.name();
    result.report.samples = result.report.layers.front().spectrum.samples; // images
}

} // namespace

results::AnalysisSettings cacheSettings(const ModelAnalysisRequest& request,
                                        const std::vector<std::int64_t>& inputShape) {
    results::AnalysisSettings settings;
    settings.dataset = request.dataset;
    if (usesTokenData(request)) {
        const language::TokenDataSpec tokens = tokenDataSpec(request);
        settings.dataset = tokens.dataset + " text:" + tokens.textFile + " tokenizer:" + tokens.tokenizerDir +
                           " context:" + std::to_string(tokens.contextLength);
    }
    settings.layers = request.layers;
    settings.inputShape = data::shapeText(inputShape);
    settings.normalize = request.normalize;
    settings.samples = request.capture.samples;
    settings.fitLo = request.capture.spectrum.fitLo;
    settings.fitHi = request.capture.spectrum.fitHi;
    settings.maxComponents = request.capture.spectrum.maxComponents;
    settings.maxFeatures = request.capture.spectrum.maxFeatures;
    settings.bootstrap = request.capture.spectrum.bootstrapResamples;
    settings.seed = request.capture.spectrum.seed;
    settings.projections = request.coding.projections;
    settings.frames = request.coding.frames;
    settings.bitsPerUnit = request.coding.bitsPerUnit;
    settings.estimator = spectrum::alphaEstimatorName(request.capture.spectrum.estimator);
    settings.spectrum = request.capture.heldOutSpectrum ? "cvpca" : "pca";
    return settings;
}

ModelAnalysis analyzeModelCached(const ModelAnalysisRequest& request, const CaptureProgressCallback& progress,
                                 const CancelToken* cancel) {
    ModelAnalysis result;
    models::ModelSpec spec = request.model;
    std::unique_ptr<data::ImageDataset> dataset;
    if (usesTokenData(request)) {
        spec.takesTokens = true;
        const std::int64_t context = language::requestedContextLength(tokenDataSpec(request));
        spec.contextLength = context > 0 ? context : language::kDefaultContextLength;
    } else {
        // Before the model: a TorchScript model has no input shape of its own and is fed the data at its own.
        dataset = data::openDataset(request.dataset);
        spec.dataShape = dataset->shape();
    }
    const std::vector<std::int64_t> inputShape = models::imageInputShape(spec);
    if (dataset && !inputShape.empty()) result.inputNote = data::inputChangeNote(dataset->shape(), inputShape);
    if (request.useCache && spec.isRun) {
        const std::string key = results::analysisCacheKey(
            results::fileDigest((std::filesystem::path(spec.path) / models::kRunModelFile).string()),
            cacheSettings(request, inputShape));
        result.cachePath = results::analysisCachePath(spec.path, key);
        if (results::findCachedAnalysis(spec.path, key)) {
            try {
                result.report = results::readLayerReport(result.cachePath);
                result.fromCache = true;
                return result;
            } catch (const InputError& error) {
                result.cacheWarning = std::string("ignored a damaged cache (") + error.what() + ")";
            }
        }
    }
    models::LoadedModel loaded = models::openModel(spec);
    if (cancel) cancel->throwIfCancelled();
    if (loaded.takesTokens)
        analyzeTokens(request, loaded, result, progress, cancel);
    else if (dataset)
        analyzeImages(request, *dataset, loaded, result, progress, cancel);
    else
        throw InputError(spec.path + ": this model takes images, not token data");
    if (!result.cachePath.empty()) {
        try {
            io::writeFileAtomically(result.cachePath,
                                    results::layerSpectraJson(result.report.model, result.report.dataset,
                                                              result.report.samples, result.report.layers,
                                                              request.report));
        } catch (const InputError& error) {
            result.cacheWarning = std::string("could not cache the analysis (") + error.what() + ")";
            result.cachePath.clear();
        }
    }
    return result;
}

} // namespace codescope::capture
