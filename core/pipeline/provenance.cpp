#include "core/pipeline/provenance.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>

#include "core/common/implementation_defaults.h"
#include "core/common/input_error.h"
#include "core/common/paper_defaults.h"
#include "core/io/json_input.h"
#include "core/spectrum/alpha_estimators.h"

namespace codescope::pipeline {

namespace {

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

std::string count(std::int64_t value) {
    return std::to_string(value);
}

// "fashion-mnist:/x" -> ("fashion-mnist", "/x").
std::string specKind(const std::string& spec) {
    return spec.substr(0, spec.find(':'));
}

// The data set a spec names, as people call it.
std::string datasetTitle(const std::string& spec) {
    const std::string kind = specKind(spec);
    if (kind == "fashion-mnist" || kind == "fashion-mnist-train") return "Fashion-MNIST";
    if (kind == "cifar10" || kind == "cifar10-train") return "CIFAR-10";
    return spec;
}

bool isCifar(const std::string& spec) {
    const std::string kind = specKind(spec);
    return kind == "cifar10" || kind == "cifar10-train";
}

std::string sizeText(std::int64_t size) {
    return count(size) + " x " + count(size);
}

TrainingProvenance trainingOf(const training::VaeRunRecord& r) {
    TrainingProvenance t;
    t.preset = r.preset.empty() ? "not recorded" : r.preset;
    t.model = r.model;
    t.modelSize = count(r.inputChannels) + " x " + sizeText(r.inputSize) + " input, ResNet-18 widths" +
                  (r.widthDivisor == 1 ? std::string() : " / " + count(r.widthDivisor)) + ", fc " + count(r.hidden) +
                  " / " + count(r.hidden2) + ", latent " + count(r.latent);
    t.dataset = r.dataset;
    t.epochs = r.epochsCompleted;
    t.images = r.trainSamples;
    t.batchSize = r.batchSize;
    t.learningRate = r.learningRate;
    t.dropout = r.dropout;
    t.loss = training::vaeLossName(r.loss);
    t.lossRecorded = r.lossRecorded;
    t.dropoutPlacement = models::dropoutPlacementName(r.dropoutPlacement);
    t.dropoutPlacementRecorded = r.dropoutPlacementRecorded;
    return t;
}

// How the training differs from the authors' (paper_defaults.h). `inputSize` is the model's (images are resized
// to it), `inputChannels` likewise.
void addTrainingDifferences(const training::VaeRunRecord& r, std::vector<std::string>& out) {
    if (r.widthDivisor != 1 || r.hidden != paper::kHidden1 || r.hidden2 != paper::kHidden2 ||
        r.latent != paper::kLatent)
        out.push_back("a smaller ResNet-VAE (ResNet-18 widths / " + count(r.widthDivisor) + ", fc " + count(r.hidden) +
                      " / " + count(r.hidden2) + ", latent " + count(r.latent) + ") instead of the authors' (fc " +
                      count(paper::kHidden1) + " / " + count(paper::kHidden2) + ", latent " + count(paper::kLatent) +
                      ")");
    const bool cifar = isCifar(r.dataset);
    if (!cifar || r.inputSize != paper::kInputSize)
        out.push_back("trained on " + sizeText(r.inputSize) + " " + datasetTitle(r.dataset) + " instead of " +
                      sizeText(paper::kInputSize) + " CIFAR-10");
    if (r.epochsCompleted != paper::kTrainEpochs)
        out.push_back(count(r.epochsCompleted) + (r.epochsCompleted == 1 ? " epoch" : " epochs") + " instead of " +
                      count(paper::kTrainEpochs));
    if (r.trainSamples != paper::kTrainImages)
        out.push_back(count(r.trainSamples) + " training images instead of " + count(paper::kTrainImages));
    if (r.batchSize != paper::kTrainBatchSize)
        out.push_back("batch " + count(r.batchSize) + " instead of " + count(paper::kTrainBatchSize));
    if (std::fabs(r.learningRate - paper::kTrainLearningRate) > 1e-12)
        out.push_back("learning rate " + number(r.learningRate) + " instead of " + number(paper::kTrainLearningRate));
    if (r.dropoutPlacement == models::DropoutPlacement::All)
        out.push_back(std::string("dropout after every ReLU instead of the encoder's only") +
                      (r.dropoutPlacementRecorded ? "" : " (a run from before the placement was recorded)"));
    if (r.loss == training::VaeLoss::Mse)
        out.push_back("MSE + KL loss (the paper's text) instead of BCE + KL (the authors' code)");
}

// How the analysis settings differ from the Methods' (paper_defaults.h).
void addAnalysisDifferences(const AnalysisRequest& request, std::vector<std::string>& out) {
    if (!usesTokenData(request)) {
        const std::string& spec = request.data.images;
        const std::string kind = specKind(spec);
        if (kind == "cifar10-train")
            out.push_back("analysed on CIFAR-10's train images instead of its test images");
        else if (kind != "cifar10")
            out.push_back("analysed on " + datasetTitle(spec) + " instead of CIFAR-10's test images");
        if (request.samples != paper::kSamples)
            out.push_back((request.samples == 0 ? std::string("every image") : count(request.samples) + " images") +
                          " instead of " + count(paper::kSamples));
    }
    const spectrum::SpectrumOptions& s = request.spectrum;
    if (s.fitLo != paper::kFitLo || s.fitHi != paper::kFitHi)
        out.push_back("power law fitted over components " + count(s.fitLo) + "-" + count(s.fitHi) + " instead of " +
                      count(paper::kFitLo) + "-" + count(paper::kFitHi));
    if (s.estimator != spectrum::AlphaEstimator::Huber)
        out.push_back("alpha by " + spectrum::alphaEstimatorName(s.estimator) + " instead of Huber regression");
    if (request.heldOutSpectrum) out.push_back("cross-validated PCA instead of PCA");
    if (s.singlePrecisionProducts)
        out.push_back("covariances from float32 products per block, summed in double, instead of double products");
    if (s.maxFeatures != paper::kMaxFeatures)
        out.push_back("features strided below " + count(s.maxFeatures) + " instead of " + count(paper::kMaxFeatures));
    if (s.maxComponents != paper::kMaxComponents)
        out.push_back("at most " + count(s.maxComponents) + " components instead of " + count(paper::kMaxComponents));
    if (!usesTokenData(request) && request.coding.projections > 0 && request.coding.projections != paper::kProjections)
        out.push_back(count(request.coding.projections) + " random projections instead of " +
                      count(paper::kProjections));
}

void addImplementationDefaults(const AnalysisRequest& request, std::vector<std::string>& out) {
    if (usesTokenData(request) || request.coding.projections == 0) return;
    out.push_back("moving dot: " + count(request.coding.frames) + " frames, radius " +
                  number(implementation::kMovingDotRadius) + " px at " + sizeText(implementation::kMovingDotSize) +
                  " (scaled with the input), orbit " + number(implementation::kMovingDotOrbit) +
                  " of the frame (Codescope's own; the paper gives none)");
    out.push_back(std::string("explained variance: ") + implementation::kExplainedVarianceDefinition +
                  " (Codescope's definition; the paper gives no formula)");
    out.push_back("toy model of Fig. 1c: n = " + count(implementation::kToyFeatures) + " features, m = " +
                  count(implementation::kToyHidden) + " hidden (Codescope's own default, Elhage et al.'s demo size)");
}

std::string text(const nlohmann::json& object, const char* key, const std::string& source) {
    if (!object.contains(key) || object[key].is_null()) return {};
    if (!object[key].is_string())
        throw InputError(source + ": provenance '" + key + "' must be a string, found " +
                         io::jsonTypeText(object[key]));
    return object[key].get<std::string>();
}

std::vector<std::string> texts(const nlohmann::json& object, const char* key, const std::string& source) {
    std::vector<std::string> values;
    if (!object.contains(key)) return values;
    if (!object[key].is_array()) throw InputError(source + ": provenance '" + key + "' must be an array of strings");
    for (const nlohmann::json& item : object[key]) {
        if (!item.is_string()) throw InputError(source + ": provenance '" + key + "' must be an array of strings");
        values.push_back(item.get<std::string>());
    }
    return values;
}

bool flag(const nlohmann::json& object, const char* key, const std::string& source) {
    if (!object.contains(key)) return true;
    return io::jsonBool(object, key, source);
}

std::string joined(const std::vector<std::string>& items) {
    std::string line;
    for (const std::string& item : items)
        line += (line.empty() ? "" : "; ") + item;
    return line;
}

} // namespace

Provenance makeProvenance(const AnalysisRequest& request, const std::optional<training::VaeRunRecord>& run) {
    Provenance p;
    p.model = request.model.path;
    p.modelKind = request.model.isRun ? (run ? "ResNet-VAE run" : "run") : "model file";
    p.dataset = dataSpecText(request.data);
    p.samples = request.samples;
    if (run) {
        p.training = trainingOf(*run);
        addTrainingDifferences(*run, p.differsFromPaper);
    } else {
        p.trainingNote = request.model.isRun ? "not a ResNet-VAE run: how it was trained is in its own manifest"
                                             : "trained outside Codescope: how is not recorded";
    }
    addAnalysisDifferences(request, p.differsFromPaper);
    addImplementationDefaults(request, p.implementationDefaults);
    return p;
}

Provenance provenanceOfRequest(const AnalysisRequest& request) {
    if (!request.model.isRun) return makeProvenance(request, std::nullopt);
    std::optional<training::VaeRunRecord> run;
    std::string problem;
    try {
        run = training::readVaeRunRecord(request.model.path);
    } catch (const InputError& error) {
        problem = error.what();
    }
    Provenance p = makeProvenance(request, run);
    if (!run) {
        std::string kind;
        try {
            const std::filesystem::path manifest = std::filesystem::path(request.model.path) / "manifest.json";
            const nlohmann::json json = io::readJsonFile(manifest.string());
            if (json.is_object() && json.contains("model") && json["model"].is_string())
                kind = json["model"].get<std::string>();
        } catch (const InputError&) {
        }
        if (!kind.empty()) p.modelKind = kind + " run";
        if (!problem.empty())
            p.trainingNote = "not known: " + problem;
        else if (kind == "tiny-lm")
            p.trainingNote = "a byte-level language model trained by `codescope-cli train --model tiny-lm` (its "
                             "manifest has the loss history); not one of the paper's models";
    }
    return p;
}

nlohmann::json provenanceToJson(const Provenance& p) {
    nlohmann::json json;
    json["model"] = p.model;
    json["model_kind"] = p.modelKind;
    if (p.training) {
        const TrainingProvenance& t = *p.training;
        json["training"] = {{"preset", t.preset},
                            {"model", t.model},
                            {"model_size", t.modelSize},
                            {"dataset", t.dataset},
                            {"epochs", t.epochs},
                            {"images", t.images},
                            {"batch_size", t.batchSize},
                            {"learning_rate", t.learningRate},
                            {"dropout", t.dropout},
                            {"loss", t.loss},
                            {"loss_recorded", t.lossRecorded},
                            {"dropout_placement", t.dropoutPlacement},
                            {"dropout_placement_recorded", t.dropoutPlacementRecorded}};
    } else {
        json["training"] = nullptr;
        json["training_note"] = p.trainingNote;
    }
    json["dataset"] = p.dataset;
    json["samples"] = p.samples;
    json["differs_from_paper"] = p.differsFromPaper;
    json["implementation_defaults"] = p.implementationDefaults;
    return json;
}

Provenance provenanceFromJson(const nlohmann::json& json, const std::string& source) {
    if (!json.is_object()) throw InputError(source + ": 'provenance' must be an object");
    Provenance p;
    p.model = text(json, "model", source);
    p.modelKind = text(json, "model_kind", source);
    p.dataset = text(json, "dataset", source);
    const std::int64_t all = 0;
    p.samples = io::jsonInteger(json, "samples", source + " (provenance)", 0, INT64_MAX, &all);
    p.differsFromPaper = texts(json, "differs_from_paper", source);
    p.implementationDefaults = texts(json, "implementation_defaults", source);
    p.trainingNote = text(json, "training_note", source);
    if (json.contains("training") && !json["training"].is_null()) {
        const nlohmann::json& t = json["training"];
        const std::string where = source + " (provenance.training)";
        if (!t.is_object()) throw InputError(where + ": must be an object");
        TrainingProvenance training;
        training.preset = text(t, "preset", where);
        training.model = text(t, "model", where);
        training.modelSize = text(t, "model_size", where);
        training.dataset = text(t, "dataset", where);
        training.epochs = io::jsonInteger(t, "epochs", where, 0, INT64_MAX, &all);
        training.images = io::jsonInteger(t, "images", where, 0, INT64_MAX, &all);
        training.batchSize = io::jsonInteger(t, "batch_size", where, 0, INT64_MAX, &all);
        if (t.contains("learning_rate")) training.learningRate = io::jsonNumber(t, "learning_rate", where, 0, 1e9);
        if (t.contains("dropout")) training.dropout = io::jsonNumber(t, "dropout", where, 0, 1);
        training.loss = text(t, "loss", where);
        training.lossRecorded = flag(t, "loss_recorded", where);
        training.dropoutPlacement = text(t, "dropout_placement", where);
        training.dropoutPlacementRecorded = flag(t, "dropout_placement_recorded", where);
        p.training = training;
    }
    return p;
}

std::vector<std::string> provenanceLines(const Provenance& p) {
    std::vector<std::string> lines;
    lines.push_back("Model: " + p.model + " (" + p.modelKind + ")");
    if (p.training) {
        const TrainingProvenance& t = *p.training;
        lines.push_back("Trained: preset " + t.preset + ", " + t.model + " (" + t.modelSize + "), " + count(t.epochs) +
                        (t.epochs == 1 ? " epoch" : " epochs") + " of " + count(t.images) + " images of " + t.dataset +
                        ", batch " + count(t.batchSize) + ", Adam " + number(t.learningRate) + ", loss " +
                        (t.loss == "mse" ? "MSE + KL" : "BCE + KL") +
                        (t.lossRecorded ? "" : " (not recorded: older run)") + ", dropout " + number(t.dropout) + " " +
                        (t.dropoutPlacement == "all" ? "after every ReLU" : "after the encoder's ReLUs only") +
                        (t.dropoutPlacementRecorded ? "" : " (not recorded: older run)"));
    } else {
        lines.push_back("Trained: " + p.trainingNote);
    }
    lines.push_back("Data: " + p.dataset + ", " +
                    (p.samples == 0 ? std::string("every sample") : count(p.samples) + " samples"));
    lines.push_back("Differs from the paper: " + differsFromPaperText(p));
    if (!p.implementationDefaults.empty())
        lines.push_back("Codescope's own defaults: " + joined(p.implementationDefaults));
    return lines;
}

std::string differsFromPaperText(const Provenance& p) {
    return p.differsFromPaper.empty() ? std::string("nothing Codescope knows of") : joined(p.differsFromPaper);
}

std::string missingProvenanceText() {
    return "Provenance missing: this result file was written by an older version of Codescope, which did not record "
           "how the model was trained or how the experiment differs from the paper; analyse the model again to "
           "record it.";
}

} // namespace codescope::pipeline
