#pragma once
// Loading a user's TorchScript model (torch.jit.trace or torch.jit.script output) as a CapturableModel. Layers are
// found in the model's own forward graph, so users export their model as they always do; see torchscript_model.cpp
// for how module boundaries are recovered from the graph.
#include "core/models/capturable_model.h"

#include <memory>
#include <string>

namespace codescope::models {

/// Loads a TorchScript file onto the CPU, in eval mode. The model's forward must take one tensor.
/// Capturable layers: every submodule call made by forward (its return value, if a tensor) and every aten::relu /
/// aten::relu_ (other activations such as threshold or hardtanh are not ReLUs); values computed only inside a
/// data-dependent branch or loop of a scripted model are not capturable. Naming: see LayerInfo::name.
/// Throws InputError "<path>: not a TorchScript archive (<reason>)" for a missing, unreadable, corrupt or truncated
/// file, and "<path>: <problem>" for an archive without a one-tensor forward method or whose forward graph cannot be
/// analysed.
std::unique_ptr<CapturableModel> loadTorchScriptModel(const std::string& path);

} // namespace codescope::models
