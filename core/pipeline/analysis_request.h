#pragma once
// One analysis request: everything a model's analysis depends on, as resolved values with the paper's defaults
// (core/common/paper_defaults.h). The CLI's flags, the app's dialog, the session file, the cache key and every
// result file are made from this one type, so a setting travels from a flag or a click to the spectrum engine
// without being re-parsed, and any result can be reopened, re-run or compared from the request it records.
// No LibTorch here.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/capture/layer_coding.h"
#include "core/common/paper_defaults.h"
#include "core/data/image_preprocessing.h"
#include "core/language/token_data.h"
#include "core/models/model_spec.h"
#include "core/spectrum/spectrum_analysis.h"

namespace codescope::pipeline {

/// What the model is run on: images or a language model's tokens, never both.
enum class DataKind { Images, Tokens };

struct DataRequest {
    DataKind kind = DataKind::Images;
    std::string images = "fashion-mnist"; ///< Images: a data::openDataset spec (fashion-mnist[:PATH], npy:PATH, ...)
    /// Tokens: ids (tokens.dataset "tokens:FILE.npy") or a text file with its tokenizer, and the context length.
    language::TokenDataSpec tokens;
};

using data::Normalization; // how images are normalised (their shape is the model's, models::imageInputShape)

/// The memory budget a request may name, MiB: the CLI's --memory-budget range and the range a result file's
/// "memory_budget_mib" is read in (outside it the shift to bytes would overflow or shift a negative number).
inline constexpr std::int64_t kMinMemoryBudgetMib = 64;
inline constexpr std::int64_t kMaxMemoryBudgetMib = std::int64_t{1} << 22;

struct AnalysisRequest {
    models::ModelSpec model; ///< the model; model.inputShape is the C, H, W it runs at once resolved
    DataRequest data;
    std::vector<std::string> layers; ///< layer names in any order; empty = auto (every ReLU, else every GELU)
    Normalization normalization = Normalization::None;
    std::int64_t samples = paper::kSamples;                 ///< images (or token sequences) from the start; 0 = all
    std::int64_t batchSize = 0;                             ///< inputs per forward pass; 0 = from the memory budget
    std::int64_t memoryBudgetBytes = std::int64_t(2) << 30; ///< covariances + one batch of activations (the coding
                                                            ///< record: its layers' responses + one batch); bytes
    spectrum::SpectrumOptions spectrum; ///< stride limit, components, fit range, estimator, bootstrap, seed
    bool heldOutSpectrum = false;       ///< cvPCA (spectrum::heldOutSpectrumOfCovariances) instead of PCA
    capture::CodingOptions coding;      ///< the moving dot's coding record; projections 0 = none
    bool robustness = false;            ///< the result also holds every estimator's alpha and a grid of fit ranges
};

/// "none" / "imagenet", and back. parseNormalization throws InputError naming the accepted names.
std::string normalizationName(Normalization normalization);
Normalization parseNormalization(const std::string& name);

/// True when the request runs a language model over token data.
inline bool usesTokenData(const AnalysisRequest& request) {
    return request.data.kind == DataKind::Tokens;
}

/// The data request a user's data set spec names: "tokens:FILE.npy" or "text:FILE" (token data, with `tokenizer`
/// and `contextLength`), else an image data set spec.
DataRequest dataRequestFromSpec(const std::string& spec, const std::string& tokenizer = "",
                                std::int64_t contextLength = 0);

/// The data set as one spec a user would type ("fashion-mnist", "tokens:FILE.npy", "text:FILE").
std::string dataSpecText(const DataRequest& data);

/// The request as JSON: {"model": {path, is_run, input_shape}, "data": {kind, ...}, "layers": [...] or "auto",
/// "normalize", "samples", "batch", "memory_budget_mib", "spectrum": {kind, fit_range, max_components,
/// max_features, estimator, bootstrap, seed}, "coding": {projections, frames, bits_per_unit, seed, kept_curves},
/// "robustness"}. Every field is written, so a file names its whole request.
nlohmann::json requestToJson(const AnalysisRequest& request);

/// The request a JSON object written by requestToJson describes; a missing field keeps its default (files of an
/// older version). Throws InputError naming `source` and the field for a field of the wrong type or value.
AnalysisRequest requestFromJson(const nlohmann::json& json, const std::string& source);

/// The fields a result depends on, canonically (sorted keys): the request without the model's path (its bytes are
/// keyed by the caller) and the batch size (it changes how, not what, is computed). The memory budget stays: a layer
/// too wide for it is strided more.
std::string resultDefiningText(const AnalysisRequest& request);

} // namespace codescope::pipeline
