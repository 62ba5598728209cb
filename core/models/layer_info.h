#pragma once
// What the capture code knows about one layer of a user's model, without any LibTorch type, so that widgets and the
// app can list layers without seeing torch headers.
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

namespace codescope::models {

/// One capturable layer: a submodule's output or a ReLU output, for one sample.
struct LayerInfo {
    /// Dotted module path from the root, e.g. "layer1.0.relu". A module that runs more than once per forward pass
    /// names its k-th output (k >= 2) "<path>#<k>" (torchvision's BasicBlock calls self.relu twice: "layer1.0.relu",
    /// "layer1.0.relu#2"). A relu called functionally (F.relu, torch.relu, x.relu_()) inside module M's forward is
    /// "<M>.relu#<n>", n counting from 1 in execution order within M ("relu#<n>" for the root module). Names are
    /// unique: where two would clash (a submodule at "M.relu" called twice and a second functional relu in M), the
    /// later one in execution order takes the next free number.
    std::string name;
    /// "relu" for ReLU outputs (nn.ReLU modules and functional relus), else the module's class name ("Conv2d").
    std::string kind;
    /// 0-based position in the forward pass's execution order (a module comes after everything it contains).
    int depth = 0;
    /// Output shape for one sample: the batch dimension removed for an image model, the batch and token dimensions
    /// for a language model (one token's activations, e.g. {3072} for an MLP).
    std::vector<std::int64_t> shape;

    /// Number of values per sample: the product of shape (1 for an empty shape).
    std::int64_t features() const {
        return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<std::int64_t>());
    }
};

} // namespace codescope::models
