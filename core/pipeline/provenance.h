#pragma once
// Provenance of a result: which model, how it was trained, which data and samples, how the experiment differs from
// the paper's (the authors' ResNet-VAE on CIFAR-10, paper_defaults.h), and which defaults are Codescope's own
// (implementation_defaults.h). The one place that decides these texts: every analysis JSON records it under
// "provenance", and the app's "How this was made" panel and every report page show it. No LibTorch here.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/pipeline/analysis_request.h"
#include "core/training/vae_run_record.h"

namespace codescope::pipeline {

/// How the analysed model was trained, where Codescope knows it (a ResNet-VAE run folder's manifest).
struct TrainingProvenance {
    std::string preset;      ///< "demo", "paper", or "not recorded" (a run from before presets)
    std::string model;       ///< "resnet-vae-small", "resnet-vae"
    std::string modelSize;   ///< e.g. "1 x 28 x 28 input, ResNet widths / 8, fc 128 / 128, latent 32"
    std::string dataset;     ///< the training data set's spec
    std::int64_t epochs = 0; ///< finished epochs
    std::int64_t images = 0; ///< training images per epoch
    std::int64_t batchSize = 0;
    double learningRate = 0;
    double dropout = 0;
    std::string loss;                     ///< "bce" / "mse"
    bool lossRecorded = true;             ///< false: an older manifest (its runs used BCE)
    std::string dropoutPlacement;         ///< "encoder" / "all"
    bool dropoutPlacementRecorded = true; ///< false: an older manifest (its runs put dropout after every ReLU)
};

struct Provenance {
    std::string model;                          ///< the model's path (a run folder or a file)
    std::string modelKind;                      ///< "ResNet-VAE run", "tiny-lm run", "model file"
    std::optional<TrainingProvenance> training; ///< none where Codescope did not train it (or cannot read how)
    std::string trainingNote; ///< without `training`: why ("trained outside Codescope: not recorded", ...)
    std::string dataset;      ///< the analysis data, as a user types it ("fashion-mnist", "cifar10:/data", ...)
    std::int64_t samples = 0; ///< images or token sequences asked for (0 = all)
    /// Short human strings, e.g. "3 epochs instead of 20", "28 x 28 Fashion-MNIST instead of 224 x 224 CIFAR-10".
    std::vector<std::string> differsFromPaper;
    /// Defaults the paper does not give that this result used, named as Codescope's own.
    std::vector<std::string> implementationDefaults;
};

/// The provenance of an analysis made by `request` of a model whose training `run` records (nullopt: not a
/// ResNet-VAE run, or none could be read). Pure: reads no file.
Provenance makeProvenance(const AnalysisRequest& request, const std::optional<training::VaeRunRecord>& run);

/// makeProvenance with the run's manifest read from request.model.path when the model is a run folder. A manifest
/// that cannot be read is not an error here: the training is then "not known" and the note says why.
Provenance provenanceOfRequest(const AnalysisRequest& request);

/// {"model", "model_kind", "training": {preset, model, model_size, dataset, epochs, images, batch_size,
/// learning_rate, dropout, loss, loss_recorded, dropout_placement, dropout_placement_recorded} or null,
/// "training_note" (without training), "dataset", "samples", "differs_from_paper": [...],
/// "implementation_defaults": [...]}.
nlohmann::json provenanceToJson(const Provenance& provenance);

/// The provenance provenanceToJson wrote. Throws InputError naming `source` for a field of the wrong type.
Provenance provenanceFromJson(const nlohmann::json& json, const std::string& source);

/// The lines people read (the app's panel, each report page): "Model: ...", "Trained: ..." (or the note),
/// "Data: ...", "Differs from the paper: a; b; c" (or "Differs from the paper: nothing Codescope knows of"),
/// "Codescope's own defaults: ...".
std::vector<std::string> provenanceLines(const Provenance& provenance);

/// The differences in one line, "a; b; c", or "nothing Codescope knows of" when there are none.
std::string differsFromPaperText(const Provenance& provenance);

/// What a result file without provenance (written by an older version) shows instead of provenanceLines.
std::string missingProvenanceText();

} // namespace codescope::pipeline
