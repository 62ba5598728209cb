#pragma once
// One model's whole analysis as `codescope-cli analyze`, the app's demo and the report need it: the per-layer spectra
// over a data set, each layer's coding record, and the analysis cache beside a trained run (results/analysis_cache.h).
#include <functional>
#include <string>
#include <vector>

#include "core/capture/layer_analysis.h"
#include "core/language/token_data.h"
#include "core/models/model_loader.h"
#include "core/results/analysis_cache.h"
#include "core/results/layer_report.h"
#include "core/results/layer_report_reader.h"

namespace codescope::capture {

struct ModelAnalysisRequest {
    models::ModelSpec model;
    std::string dataset = "fashion-mnist"; ///< data::openDataset spec, or "tokens:FILE.npy" / "text:FILE"
    /// A language model's text (--text FILE, --tokenizer DIR, --context T); used when textFile is set or dataset
    /// names token data. Every token position is a sample, and the coding records (moving dot) are skipped.
    language::TokenDataSpec tokens;
    std::string layers = "auto";           ///< "auto" (every ReLU, else every GELU) or comma-separated names
    std::string normalize = "none";        ///< as given by the user, for the cache key
    CaptureOptions capture;
    CodingOptions coding;
    results::ReportOptions report;      ///< what the cached JSON holds
    bool useCache = true;               ///< read and write RUN/analysis-KEY.json (runs only)
    /// The model's input: its shape with any normalisation. Empty: the model's shape, no normalisation. The shape
    /// is models::imageInputShape's: model.inputShape, else the data set's own (model.dataShape is filled in here).
    std::function<data::Preprocessing(const models::LoadedModel&)> preprocessing;
};

struct ModelAnalysis {
    results::LayerReport report;
    bool fromCache = false;
    std::string cachePath;    ///< where the analysis is cached ("" for a model that is not a run)
    std::string cacheWarning; ///< a damaged cache that was ignored, or a cache that could not be written
    /// How the images were changed to fit the model (data::inputChangeNote), e.g. "images are resized from 1x28x28
    /// to 3x224x224 (the model's input; ...)"; empty when they were fed at their own shape, or for token data.
    std::string inputNote;
};

/// Everything the analysis depends on besides the model file, as the cache key sees it. inputShape: the C, H, W the
/// model runs at (models::imageInputShape), empty for token data.
results::AnalysisSettings cacheSettings(const ModelAnalysisRequest& request,
                                        const std::vector<std::int64_t>& inputShape);

/// The analysis of request.model: from the cache when a run's folder holds this exact one, else computed (spectra,
/// then coding records when request.coding.projections > 0) and, for a run, cached atomically. An image data set is
/// opened first (headers only), so that a TorchScript model without request.model.inputShape runs at the data's own
/// C x H x W. Progress covers the capture. Throws InputError (model, data set, layers), Cancelled.
ModelAnalysis analyzeModelCached(const ModelAnalysisRequest& request, const CaptureProgressCallback& progress = {},
                                 const CancelToken* cancel = nullptr);

/// True when the request runs a language model over tokens rather than an image model over images.
bool usesTokenData(const ModelAnalysisRequest& request);

/// "auto" or "" -> every ReLU output (empty list); else the comma-separated names.
std::vector<std::string> parseLayerList(const std::string& text);

} // namespace codescope::capture
