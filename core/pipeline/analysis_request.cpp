#include "core/pipeline/analysis_request.h"

#include "core/common/input_error.h"

namespace codescope::pipeline {

std::string normalizationName(Normalization normalization) {
    return normalization == Normalization::ImageNet ? "imagenet" : "none";
}

Normalization parseNormalization(const std::string& name) {
    if (name == "none") return Normalization::None;
    if (name == "imagenet") return Normalization::ImageNet;
    throw InputError("normalisation must be none or imagenet, got '" + name + "'");
}

DataRequest dataRequestFromSpec(const std::string& spec, const std::string& tokenizer, std::int64_t contextLength) {
    DataRequest data;
    if (!language::isTokenDatasetSpec(spec)) {
        data.images = spec;
        return data;
    }
    data.kind = DataKind::Tokens;
    data.images.clear();
    constexpr const char* kText = "text:";
    if (spec.rfind(kText, 0) == 0)
        data.tokens.textFile = spec.substr(std::string(kText).size());
    else
        data.tokens.dataset = spec;
    data.tokens.tokenizerDir = tokenizer;
    data.tokens.contextLength = contextLength;
    return data;
}

std::string dataSpecText(const DataRequest& data) {
    if (data.kind == DataKind::Images) return data.images;
    return data.tokens.textFile.empty() ? data.tokens.dataset : "text:" + data.tokens.textFile;
}

namespace {

nlohmann::json dataJson(const DataRequest& data) {
    if (data.kind == DataKind::Images) return {{"kind", "images"}, {"spec", data.images}};
    nlohmann::json json = {
        {"kind", "tokens"}, {"tokenizer", data.tokens.tokenizerDir}, {"context", data.tokens.contextLength}};
    if (data.tokens.textFile.empty())
        json["ids"] = data.tokens.dataset;
    else
        json["text"] = data.tokens.textFile;
    return json;
}

// Reads one field when present, keeping the default otherwise; a field of the wrong type names the file and field.
template <typename T>
void readField(const nlohmann::json& object, const char* key, T& value, const std::string& source,
               const std::string& where) {
    if (!object.is_object() || !object.contains(key) || object[key].is_null()) return;
    try {
        value = object[key].get<T>();
    } catch (const nlohmann::json::exception&) {
        throw InputError(source + ": request field '" + where + key + "' has the wrong type");
    }
}

} // namespace

nlohmann::json requestToJson(const AnalysisRequest& r) {
    const spectrum::SpectrumOptions& s = r.spectrum;
    const capture::CodingOptions& c = r.coding;
    nlohmann::json layers = r.layers.empty() ? nlohmann::json("auto") : nlohmann::json(r.layers);
    return {{"model", {{"path", r.model.path}, {"is_run", r.model.isRun}, {"input_shape", r.model.inputShape}}},
            {"data", dataJson(r.data)},
            {"layers", layers},
            {"normalize", normalizationName(r.normalization)},
            {"samples", r.samples},
            {"batch", r.batchSize},
            {"memory_budget_mib", r.memoryBudgetBytes >> 20},
            {"spectrum",
             {{"kind", r.heldOutSpectrum ? "cvpca" : "pca"},
              {"fit_range", {s.fitLo, s.fitHi}},
              {"max_components", s.maxComponents},
              {"max_features", s.maxFeatures},
              {"estimator", spectrum::alphaEstimatorName(s.estimator)},
              {"float32_products", s.singlePrecisionProducts},
              {"bootstrap", s.bootstrapResamples},
              {"seed", s.seed}}},
            {"coding",
             {{"projections", c.projections},
              {"frames", c.frames},
              {"bits_per_unit", c.bitsPerUnit},
              {"seed", c.seed},
              {"kept_curves", c.keptCurves}}},
            {"robustness", r.robustness}};
}

AnalysisRequest requestFromJson(const nlohmann::json& json, const std::string& source) {
    if (!json.is_object()) throw InputError(source + ": the request is not a JSON object");
    AnalysisRequest r;
    if (json.contains("model")) {
        const nlohmann::json& model = json["model"];
        readField(model, "path", r.model.path, source, "model.");
        readField(model, "is_run", r.model.isRun, source, "model.");
        readField(model, "input_shape", r.model.inputShape, source, "model.");
    }
    if (json.contains("data")) {
        const nlohmann::json& data = json["data"];
        std::string kind = "images";
        readField(data, "kind", kind, source, "data.");
        if (kind == "tokens") {
            r.data.kind = DataKind::Tokens;
            r.data.images.clear();
            readField(data, "ids", r.data.tokens.dataset, source, "data.");
            readField(data, "text", r.data.tokens.textFile, source, "data.");
            readField(data, "tokenizer", r.data.tokens.tokenizerDir, source, "data.");
            readField(data, "context", r.data.tokens.contextLength, source, "data.");
        } else if (kind == "images") {
            readField(data, "spec", r.data.images, source, "data.");
        } else {
            throw InputError(source + ": request field 'data.kind' must be images or tokens, got '" + kind + "'");
        }
    }
    if (json.contains("layers") && json["layers"].is_array()) readField(json, "layers", r.layers, source, "");
    std::string normalize = "none";
    readField(json, "normalize", normalize, source, "");
    try {
        r.normalization = parseNormalization(normalize);
    } catch (const InputError& error) {
        throw InputError(source + ": request field 'normalize': " + error.what());
    }
    readField(json, "samples", r.samples, source, "");
    readField(json, "batch", r.batchSize, source, "");
    std::int64_t budgetMib = r.memoryBudgetBytes >> 20;
    readField(json, "memory_budget_mib", budgetMib, source, "");
    if (budgetMib < kMinMemoryBudgetMib || budgetMib > kMaxMemoryBudgetMib)
        throw InputError(source + ": request field 'memory_budget_mib' is " + std::to_string(budgetMib) + ", outside " +
                         std::to_string(kMinMemoryBudgetMib) + ".." + std::to_string(kMaxMemoryBudgetMib));
    r.memoryBudgetBytes = budgetMib << 20;
    if (json.contains("spectrum")) {
        const nlohmann::json& s = json["spectrum"];
        std::string kind = "pca", estimator = spectrum::alphaEstimatorName(r.spectrum.estimator);
        std::vector<int> range = {r.spectrum.fitLo, r.spectrum.fitHi};
        readField(s, "kind", kind, source, "spectrum.");
        readField(s, "fit_range", range, source, "spectrum.");
        readField(s, "max_components", r.spectrum.maxComponents, source, "spectrum.");
        readField(s, "max_features", r.spectrum.maxFeatures, source, "spectrum.");
        readField(s, "estimator", estimator, source, "spectrum.");
        readField(s, "float32_products", r.spectrum.singlePrecisionProducts, source, "spectrum.");
        readField(s, "bootstrap", r.spectrum.bootstrapResamples, source, "spectrum.");
        readField(s, "seed", r.spectrum.seed, source, "spectrum.");
        if (range.size() != 2) throw InputError(source + ": request field 'spectrum.fit_range' must be [lo, hi]");
        r.spectrum.fitLo = range[0];
        r.spectrum.fitHi = range[1];
        r.heldOutSpectrum = kind == "cvpca";
        try {
            r.spectrum.estimator = spectrum::parseAlphaEstimator(estimator);
        } catch (const InputError& error) {
            throw InputError(source + ": request field 'spectrum.estimator': " + error.what());
        }
    }
    if (json.contains("coding")) {
        const nlohmann::json& c = json["coding"];
        readField(c, "projections", r.coding.projections, source, "coding.");
        readField(c, "frames", r.coding.frames, source, "coding.");
        readField(c, "bits_per_unit", r.coding.bitsPerUnit, source, "coding.");
        readField(c, "seed", r.coding.seed, source, "coding.");
        readField(c, "kept_curves", r.coding.keptCurves, source, "coding.");
    }
    readField(json, "robustness", r.robustness, source, "");
    return r;
}

std::string resultDefiningText(const AnalysisRequest& request) {
    nlohmann::json json = requestToJson(request);
    json["model"].erase("path");
    json.erase("batch");
    return json.dump(); // nlohmann's object keeps its keys sorted: the text does not depend on insertion order
}

} // namespace codescope::pipeline
