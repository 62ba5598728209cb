#pragma once
// One entry point for the models a user points Codescope at: a TorchScript file of their own, a PyTorch state_dict of
// the paper's ResNet-VAE (resnet_vae_state_dict.h), or a run trained by Codescope (the paper's ResNet-VAE family, or
// the tiny byte-level LM).
#include <ATen/core/Tensor.h>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/image_preprocessing.h"
#include "core/models/capturable_model.h"
#include "core/models/model_spec.h"

namespace codescope::models {

struct LoadedModel {
    std::unique_ptr<CapturableModel> model;
    std::vector<std::int64_t> inputShape; ///< C, H, W; empty for a token model
    /// Token models take int64 ids B x T and yield one activation row per token position (see CapturableModel).
    bool takesTokens = false;
    std::int64_t contextLength = 0;  ///< T of a token model
    std::int64_t vocabularySize = 0; ///< ids lie in [0, vocabularySize); 0 = unknown (a TorchScript model)
    bool byteTokens = false;         ///< tiny-lm: token id = byte value of UTF-8 text, no tokenizer
};

/// C, H, W of one image as openModel gives the model, read without loading it: a ResNet-VAE run's own (its
/// manifest's; spec.inputShape does not apply to a run), else spec.inputShape, else spec.dataShape (the data at its
/// own size), else 3 x 224 x 224 (ImageNet-sized RGB, when there is no data to go by). Empty for a token model (a
/// tiny-lm run, or spec.takesTokens). Throws InputError naming the manifest of a run folder that has none readable.
std::vector<std::int64_t> imageInputShape(const ModelSpec& spec);

/// Opens the model. A run folder is dispatched on its manifest's "model": "tiny-lm" opens the tiny LM (a token
/// model), anything else the ResNet-VAE. A file is a state_dict if it is a torch.save archive without TorchScript
/// code (isTorchSaveArchive), opened as the ResNet-VAE its keys describe (openResNetVaeStateDict: its input size from
/// inputShape, dataShape or the paper's 224), else TorchScript. Throws InputError naming the path and the problem
/// (missing, corrupt, unfinished run, a state_dict of another model, a token TorchScript model without a context
/// length, ...).
LoadedModel openModel(const ModelSpec& spec);

/// The images a model takes: resized to its input shape with its channel count, no normalisation.
/// Throws InputError for a token model (it takes no images).
data::Preprocessing inputPreprocessing(const LoadedModel& loaded);

/// For layer discovery: a batch of 2 zero images of the model's input shape, or for a token model int64 zeros
/// 2 x contextLength.
at::Tensor exampleInput(const LoadedModel& loaded);

} // namespace codescope::models
