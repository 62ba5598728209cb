#pragma once
// A PyTorch state_dict as a model. `torch.save(model.state_dict(), f)` of the paper's ResNet-VAE (what the authors'
// training script writes, e.g. resnet_vae_0.2_19.pth) holds no code, only named tensors; their names and shapes
// identify a member of the ResNet-VAE family (resnet_vae.h). Its sizes are read from the shapes into a
// ResNetVaeConfig, the one description of the architecture that a run's manifest fills too, and the model built from
// that config must have exactly the file's keys and shapes.
//
// Key patterns accepted besides the model's own names (= the public ResNet-VAE's, with torchvision's ResNet-18
// names inside):
//  - every ReLU wrapped as nn.Sequential(ReLU, Dropout), as the authors' append_dropout does: parameter-free, so the
//    keys do not change;
//  - Dropout (or any other parameter-free module) inserted into an nn.Sequential, which shifts the indices after it
//    (e.g. resnet.5.* for layer1): an index is compared by its rank among the indices after the same prefix;
//  - the "module." prefix of every key of a model saved from nn.DataParallel.
// Layers keep the model's own names (resnet.2, resnet.4.0.relu, ...; see ResNetVaeImpl::reluLayerNames).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/models/capturable_model.h"
#include "core/models/resnet_vae.h"
#include "core/models/state_dict_io.h"

namespace codescope::models {

/// The architecture a ResNet-VAE state_dict describes: inputChannels from resnet.0.weight (conv1, C_out x C_in x 7 x
/// 7), widthDivisor = 64 / C_out, hidden from fc1.weight, hidden2 from fc2.weight, latent from fc3_mu.weight;
/// dropout 0 (a state_dict does not record it, and eval-mode capture does not use it); inputSize left at 224.
/// Throws InputError (see resnetVaeFromStateDict) if those keys are missing or their shapes do not fit the family.
ResNetVaeConfig resnetVaeConfigOf(const StateDict& entries, const std::string& sourceName);

/// The model `config` describes with `entries` loaded (keys matched as described above), in eval mode.
/// Throws InputError, one line: "<sourceName>: a PyTorch state_dict (weights without code, not a TorchScript
/// archive) that is not the paper's ResNet-VAE (<the keys missing, unexpected or mis-shaped>); to analyse a model of
/// your own, export it as TorchScript: torch.jit.trace(model.eval(), example).save("model.pt")".
ResNetVae resnetVaeFromStateDict(const ResNetVaeConfig& config, const StateDict& entries,
                                 const std::string& sourceName);

/// Opens `path`, a torch.save file (isTorchSaveArchive), as a ResNet-VAE for capture; `config`, if given, receives
/// its config (the input shape is inputChannels x inputSize x inputSize).
/// Input size, height = width in pixels: `inputShape`'s (C, H, W: C must be the model's channels and H = W) if given;
/// else `dataShape`'s (C, H, W of the images it will see) if given and square; else that of the named config
/// (resnetVaeModelNames) with the same architecture; else the paper's 224. The model's name() is the path followed by
/// "(ResNet-VAE state_dict)", and says where the input size came from when it was not given.
/// Throws InputError naming the file: not a state_dict ("... a torch.save file, not a TorchScript archive ..." with
/// the export hint), not the ResNet-VAE (see resnetVaeFromStateDict), an input shape it cannot take.
std::unique_ptr<CapturableModel> openResNetVaeStateDict(const std::string& path,
                                                        const std::vector<std::int64_t>& inputShape,
                                                        const std::vector<std::int64_t>& dataShape,
                                                        ResNetVaeConfig* config = nullptr);

} // namespace codescope::models
