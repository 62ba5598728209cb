#pragma once
// Loading a user's TorchScript model (torch.jit.trace or torch.jit.script output) as a CapturableModel. Layers are
// found in the model's own forward graph, so users export their model as they always do; see torchscript_model.cpp
// for how module boundaries are recovered from the graph.
#include "core/models/capturable_model.h"

#include <memory>
#include <string>

namespace codescope::models {

/// Loads a TorchScript file onto the CPU, in eval mode. The model's forward must take one tensor.
/// Capturable layers: every submodule call made by forward (its return value, if a tensor) and every functional
/// activation: aten::relu / relu_ (kind "relu"), aten::gelu ("gelu"), aten::silu ("silu"), aten::tanh ("tanh"),
/// in-place forms included (other activations such as threshold or hardtanh are not listed); nn.ReLU, nn.GELU,
/// nn.SiLU and nn.Tanh modules get those kinds under the module's name. Values computed only inside a
/// data-dependent branch or loop of a scripted model are not capturable. Naming: see LayerInfo::name (a functional
/// gelu in module M is "<M>.gelu#<n>", as for relu).
/// Language models: given int64 (or other integer) ids of shape B x T, every token position is a sample: only values
/// shaped (B, T, ...) are layers, LayerInfo::shape is the per-token shape and capture returns (B*T) x features.
/// Throws InputError "<path>: not a TorchScript archive (<reason>)" for a missing, unreadable, corrupt or truncated
/// file, and "<path>: <problem>" for an archive without a one-tensor forward method or whose forward graph cannot be
/// analysed.
std::unique_ptr<CapturableModel> loadTorchScriptModel(const std::string& path);

} // namespace codescope::models
