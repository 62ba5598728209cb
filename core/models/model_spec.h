#pragma once
// Which model a user points Codescope at, as plain values (no LibTorch): a request names its model with this, and
// models/model_loader.h opens it.
#include <cstdint>
#include <string>
#include <vector>

namespace codescope::models {

struct ModelSpec {
    std::string path; ///< a TorchScript file or a torch.save state_dict, or a run folder when isRun
    bool isRun = false;
    std::vector<std::int64_t> inputShape; ///< C, H, W of one sample as the user gives it; empty: see imageInputShape
    /// C, H, W of one image of the data the model will run on (data::ImageDataset::shape()); empty when unknown
    /// (listing layers). A TorchScript model takes this shape when inputShape is empty; a model whose input size is
    /// free (a ResNet-VAE state_dict) takes its H x W from it.
    std::vector<std::int64_t> dataShape;
    bool takesTokens = false;       ///< a TorchScript language model: its forward takes int64 ids B x T
    std::int64_t contextLength = 0; ///< T of a token model (TorchScript: required when takesTokens)
};

} // namespace codescope::models
