#pragma once
// The interface the capture stage uses to run a model and read chosen layers' activations.
#include "core/models/layer_info.h"

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace codescope::models {

/// A model whose intermediate layers can be listed and captured in one forward pass.
/// Implementations are not thread-safe: use one instance per thread.
class CapturableModel {
public:
    virtual ~CapturableModel() = default;

    /// Every capturable layer in execution order (LayerInfo::depth is the index in the returned vector).
    /// exampleInput: one batch of the model's input, e.g. (batch, 3, 32, 32); it is run through the model once to
    /// learn the output shapes. Throws InputError if the model rejects the input (message from torch, one line).
    virtual std::vector<LayerInfo> discoverLayers(const at::Tensor& exampleInput) = 0;

    /// Runs the model once in eval mode under no-grad on `input` and returns, for each requested layer name (in the
    /// order given), its output as a float32 CPU tensor of shape (samples, features) - flattened, contiguous. An
    /// image model gives one row per image (batch rows); a language model given int64 ids (B, T) gives one row per
    /// token position (B*T rows, sequence-major), and lists only layers whose outputs start with (B, T).
    /// Throws InputError for an unknown layer name or an input the model rejects (message from torch, one line).
    virtual std::vector<at::Tensor> capture(const at::Tensor& input, const std::vector<std::string>& layers) = 0;

    /// A short name for messages and reports (the model file's path for a loaded model).
    virtual std::string name() const = 0;
};

} // namespace codescope::models
