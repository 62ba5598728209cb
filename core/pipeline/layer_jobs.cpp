#include "core/pipeline/layer_jobs.h"

#include <algorithm>

#include "core/capture/input_source.h"
#include "core/capture/layer_analysis.h"
#include "core/common/input_error.h"
#include "core/data/image_dataset.h"
#include "core/data/image_preprocessing.h"
#include "core/language/model_trajectories.h"
#include "core/language/token_data.h"
#include "core/models/model_loader.h"

namespace codescope::pipeline {

namespace {

/// A language model and its token data, opened from a request, with the layers it names resolved.
struct OpenedLanguage {
    models::LoadedModel loaded;
    language::TokenData data;
    std::vector<std::string> layers;
};

OpenedLanguage openLanguage(const AnalysisRequest& request, const char* what, const CancelToken* cancel) {
    if (!usesTokenData(request))
        throw InputError(std::string(what) + " need a language model and token data (text:FILE or tokens:FILE.npy)");
    models::ModelSpec spec = request.model;
    spec.takesTokens = true;
    const std::int64_t context = language::requestedContextLength(request.data.tokens);
    spec.contextLength = context > 0 ? context : language::kDefaultContextLength;
    OpenedLanguage opened;
    opened.loaded = models::openModel(spec);
    if (cancel) cancel->throwIfCancelled();
    opened.data = language::openTokenData(request.data.tokens, opened.loaded);
    opened.layers = request.layers;
    if (opened.layers.empty()) {
        const std::int64_t example = std::min<std::int64_t>(2, opened.data.sequences.count());
        const at::Tensor input = capture::tokenInputs(opened.data.sequences)->batch(0, example);
        for (const models::LayerInfo& layer : capture::defaultLayers(opened.loaded.model->discoverLayers(input)))
            opened.layers.push_back(layer.name);
    }
    return opened;
}

} // namespace

LayerListing listLayers(const models::ModelSpec& spec) {
    models::LoadedModel loaded = models::openModel(spec);
    LayerListing listing;
    listing.model = loaded.model->name();
    listing.input =
        loaded.takesTokens ? std::to_string(loaded.contextLength) + " token ids" : data::shapeText(loaded.inputShape);
    listing.layers = loaded.model->discoverLayers(models::exampleInput(loaded));
    return listing;
}

EigenfilterRun layerEigenfiltersOf(const AnalysisRequest& request, const std::string& layer,
                                   capture::EigenfilterOptions options, const ProgressCallback& progress,
                                   const CancelToken* cancel, distributed::Communicator* communicator) {
    if (usesTokenData(request)) throw InputError("eigenfilters are images: this request is of token data");
    // The data set before the model: a TorchScript model without an input shape is fed the data at its own.
    const std::unique_ptr<data::ImageDataset> dataset = data::openDataset(request.data.images);
    models::ModelSpec spec = request.model;
    spec.dataShape = dataset->shape();
    models::LoadedModel loaded = models::openModel(spec);
    if (cancel) cancel->throwIfCancelled();
    const data::Preprocessing preprocessing =
        data::withNormalization(models::inputPreprocessing(loaded), request.normalization);
    options.samples = request.samples;
    EigenfilterRun run;
    run.model = loaded.model->name();
    run.dataset = dataset->name();
    run.inputNote = data::inputChangeNote(dataset->shape(), loaded.inputShape);
    run.filters = capture::layerEigenfilters(*loaded.model, *dataset, preprocessing, layer, options, progress, cancel,
                                             communicator);
    return run;
}

TokenTrajectoryRun tokenTrajectoriesOf(const AnalysisRequest& request, std::int64_t first, std::int64_t count,
                                       const language::TokenTrajectoryOptions& options, const CancelToken* cancel,
                                       distributed::Communicator* communicator) {
    OpenedLanguage opened = openLanguage(request, "token trajectories", cancel);
    TokenTrajectoryRun run;
    run.model = opened.loaded.model->name();
    run.data = opened.data.description;
    run.tokens = count * opened.data.sequences.contextLength;
    run.layers = language::modelTokenTrajectories(*opened.loaded.model, opened.data, opened.layers, first, count,
                                                  options, cancel, communicator);
    return run;
}

ActivationRecordRun activationRecordsOf(const AnalysisRequest& request, const language::RecordOptions& options,
                                        const ProgressCallback& progress, const CancelToken* cancel) {
    OpenedLanguage opened = openLanguage(request, "explanation scores", cancel);
    ActivationRecordRun run;
    run.model = opened.loaded.model->name();
    run.data = opened.data.description;
    run.layers = opened.layers;
    run.units =
        language::collectActivationRecords(*opened.loaded.model, opened.data, opened.layers, options, progress, cancel);
    return run;
}

} // namespace codescope::pipeline
