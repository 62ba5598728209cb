#pragma once
// The capture stage's view of a model built here (the ResNet-VAE, the tiny LM): the model reports its layers through
// an ActivationRecorder during its own forward pass, so capturing needs no graph surgery. One wrapper serves both;
// they differ in their layer names, kinds and whether a sample is an image or a token position.
#include <ATen/core/Tensor.h>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/models/capturable_model.h"

namespace codescope::models {

/// A training run folder (see training::trainVaeRun, training::trainTinyLmRun) holds these files.
inline constexpr const char* kRunManifestFile = "manifest.json";   ///< JSON, with "model_config" and "finished"
inline constexpr const char* kRunModelFile = "model.pt";           ///< the trained state_dict (torch.save format)
inline constexpr const char* kRunCheckpointFile = "checkpoint.pt"; ///< model + optimizer + epoch, for resuming

/// Called during a recording forward pass with the name and the output of each capturable layer.
using ActivationRecorder = std::function<void(const std::string& name, const at::Tensor& output)>;

/// What the wrapper needs to know about the model.
struct RecordingModelSpec {
    std::string name;                    ///< for messages: the run folder
    std::vector<std::string> layerNames; ///< every layer the forward pass records, in order
    std::string layersDescription;       ///< for the unknown-layer message, e.g. "its 23 ReLU outputs"
    /// 1: one row per input (an image; outputs are flattened); 2: one row per token position ((B, T, ...) ->
    /// (B*T, ...)).
    int sampleDims = 1;
    std::function<std::string(const std::string& layer)> kindOf; ///< LayerInfo::kind of a layer
    /// Runs the model in eval mode on `input`, calling the recorder for each layer. May throw InputError or c10::Error.
    std::function<void(const at::Tensor& input, const ActivationRecorder& recorder)> forward;
    std::string inputHint; ///< what the model takes, for the message when it rejects an input: "N x 1 x 28 x 28"
};

/// A CapturableModel over a recording forward pass (under no-grad). Torch errors become InputError naming the model,
/// the input's shape and spec.inputHint.
std::unique_ptr<CapturableModel> makeRecordingModel(RecordingModelSpec spec);

/// The parsed manifest.json of a run folder. Throws InputError naming the file if it is missing or not JSON.
nlohmann::json readRunManifest(const std::string& runDir);

/// The manifest of a run whose training finished, holding its "model_config": what opening a run's model needs.
/// Throws InputError naming the file if it is missing, not JSON, unfinished or without a model_config.
nlohmann::json readFinishedRunManifest(const std::string& runDir);

} // namespace codescope::models
