#pragma once
// One entry point for the models a user points Codescope at: a TorchScript file of their own, or a run trained by
// Codescope (the paper's ResNet-VAE family).
#include <ATen/core/Tensor.h>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/image_preprocessing.h"
#include "core/models/capturable_model.h"

namespace codescope::models {

struct ModelSpec {
    std::string path;                     ///< a TorchScript file, or a run folder when isRun
    bool isRun = false;
    std::vector<std::int64_t> inputShape; ///< C, H, W of one sample; empty = the run's own, or 3 x 224 x 224
};

struct LoadedModel {
    std::unique_ptr<CapturableModel> model;
    std::vector<std::int64_t> inputShape; ///< C, H, W
};

/// Opens the model. Throws InputError naming the path and the problem (missing, corrupt, unfinished run, ...).
LoadedModel openModel(const ModelSpec& spec);

/// The images a model takes: resized to its input shape with its channel count, no normalisation.
data::Preprocessing inputPreprocessing(const LoadedModel& loaded);

/// A batch of 2 zero images of the model's input shape, for layer discovery.
at::Tensor exampleInput(const LoadedModel& loaded);

} // namespace codescope::models
