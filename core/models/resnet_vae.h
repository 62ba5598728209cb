#pragma once
// The paper's ResNet-VAE (Methods, "Model training") as a LibTorch module whose parameter and buffer names equal the
// PyTorch module's state_dict keys (tests/data/make_resnet_vae_fixtures.py), so weights move between the two.
//
// Layout (the public "ResNet-VAE"): a ResNet-18 encoder in torchvision's layout without its fc
//   resnet.0 conv1, resnet.1 bn1, resnet.2 relu, resnet.3 maxpool, resnet.4..7 = layer1..layer4 (BasicBlocks with
//   conv1, bn1, relu, conv2, bn2, downsample.0/1), resnet.8 avgpool,
// then fc1 + bn1 + ReLU (hidden units), fc2 + bn2 + ReLU (hidden2 units), fc3_mu / fc3_logvar; the decoder fc4 (hidden2
// units) + fc_bn4 + ReLU, fc5 + fc_bn5 + ReLU,
// a 64 x 4 x 4 view, convTrans6 (64->32), convTrans7 (32->8), convTrans8 (8->C) (ConvTranspose2d kernel 3 stride 2,
// BatchNorm2d, ReLU / ReLU / Sigmoid) and a bilinear resize to the input size.
//
// Dropout (rate `dropout`, core/models/vae_dropout.h): by default after every ReLU call of the ResNet-18 encoder only,
// as the authors' code does (every nn.ReLU of torchvision's resnet18 becomes Sequential(ReLU, Dropout)); with
// DropoutPlacement::All also after the ReLUs of the fully connected layers and of the decoder (what Codescope did
// before, reading the paper's "dropout across all layers", Fig. 6a). Dropout has no parameters, so neither choice
// changes the state_dict.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "core/common/paper_defaults.h"
#include "core/models/capturable_model.h"
#include "core/models/recording_model.h"
#include "core/models/vae_dropout.h"

namespace codescope::models {

/// Hyper-parameters of one member of the ResNet-VAE family. The defaults are the authors' model.
struct ResNetVaeConfig {
    double dropout = paper::kDropout; ///< rate of the dropout after the ReLUs `dropoutPlacement` names, in [0, 1)
    DropoutPlacement dropoutPlacement = DropoutPlacement::Encoder; ///< which ReLUs dropout follows
    std::int64_t inputChannels = paper::kInputChannels;            ///< channels of the input and of the reconstruction
    std::int64_t inputSize = paper::kInputSize; ///< height = width of the input and of the reconstruction, pixels
    std::int64_t widthDivisor = 1;          ///< ResNet widths are 64/d, 128/d, 256/d, 512/d; 1 = paper (torchvision's)
    std::int64_t hidden = paper::kHidden1;  ///< units of fc1 (the authors' fc_hidden1)
    std::int64_t hidden2 = paper::kHidden2; ///< units of fc2 and fc4 (the authors' fc_hidden2; the paper's text: 1024)
    std::int64_t latent = paper::kLatent;   ///< dimensions of mu and logvar
};

/// The authors' model: 3 x 224 x 224 input, ResNet-18 widths, fc1 1024 and fc2 768 units, 256 latent dimensions.
ResNetVaeConfig resnetVaeConfig();
/// The small member for CPU training on 28 x 28 grey images (Fashion-MNIST): 1 x 28 x 28 input, ResNet widths / 8,
/// 128 hidden units, 32 latent dimensions (the paper's hidden:latent ratio of 4). Same names as the full model.
ResNetVaeConfig resnetVaeSmallConfig();
/// "resnet-vae" (the paper's) or "resnet-vae-small". Throws InputError naming the unknown model otherwise.
ResNetVaeConfig resnetVaeConfigByName(const std::string& name);
/// The names resnetVaeConfigByName accepts.
std::vector<std::string> resnetVaeModelNames();
/// Throws InputError if a field is out of range (dropout outside [0, 1), widths not divisible, input < 8 pixels ...).
void validateConfig(const ResNetVaeConfig& config);
/// The config as a JSON object: {"dropout", "dropout_placement" ("encoder" / "all"), "input_channels", "input_size",
/// "width_divisor", "hidden", "latent"}, and "hidden2" only where it differs from "hidden" (so runs written before it
/// existed keep their identity).
std::string configToJson(const ResNetVaeConfig& config);
/// Parses configToJson's object ("hidden2" absent: equal to "hidden"; "dropout_placement" absent: "all", what every
/// run written before the field existed did). Throws InputError "<sourceName>: ..." for bad JSON, a missing field or
/// a bad value.
ResNetVaeConfig configFromJson(const std::string& json, const std::string& sourceName);

// The ResNet-VAE's recorder (models::ActivationRecorder, recording_model.h) gets each ReLU's output (before its
// dropout), in forward order; see ResNetVaeImpl::reluLayerNames for the names.

/// torchvision's BasicBlock (two 3x3 convolutions and a residual connection) with dropout after both ReLU calls
/// (the encoder's, so under either placement).
/// Its ReLU outputs are recorded as "<name>.relu" and "<name>.relu#2".
class BasicBlockImpl : public torch::nn::Module {
public:
    BasicBlockImpl(std::int64_t inPlanes, std::int64_t planes, std::int64_t stride, double dropout);
    /// x: N x inPlanes x H x W -> N x planes x H/stride x W/stride. `name` is the block's module path.
    at::Tensor forward(const at::Tensor& x, const std::string& name = {}, const ActivationRecorder* recorder = nullptr);

private:
    double m_dropout;
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
    torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr};
    torch::nn::Conv2d m_downsampleConv{nullptr};
    torch::nn::BatchNorm2d m_downsampleBn{nullptr};
};
TORCH_MODULE(BasicBlock);

/// The four tensors of a VAE forward pass.
struct VaeOutput {
    at::Tensor reconstruction; ///< N x C x S x S in [0, 1] (Sigmoid, then bilinear resize)
    at::Tensor z;              ///< N x latent: mu + eps * exp(logvar / 2) in training mode, mu in eval mode
    at::Tensor mu;             ///< N x latent
    at::Tensor logvar;         ///< N x latent
};

class ResNetVaeImpl : public torch::nn::Module {
public:
    /// Builds a freshly initialised model (ResNet convolutions: Kaiming normal, fan_out, as torchvision).
    /// Throws InputError for an invalid config (see validateConfig).
    explicit ResNetVaeImpl(const ResNetVaeConfig& config = {});

    /// x: N x inputChannels x inputSize x inputSize, float32. Dropout and sampling follow is_training().
    VaeOutput forward(const at::Tensor& x);
    /// The same forward pass, calling `recorder` with every ReLU output (see reluLayerNames).
    VaeOutput forwardRecording(const at::Tensor& x, const ActivationRecorder& recorder);
    /// x -> (mu, logvar), each N x latent.
    std::pair<at::Tensor, at::Tensor> encode(const at::Tensor& x, const ActivationRecorder* recorder = nullptr);
    /// z: N x latent -> reconstruction N x inputChannels x inputSize x inputSize.
    at::Tensor decode(const at::Tensor& z, const ActivationRecorder* recorder = nullptr);

    /// The ReLU outputs in forward order, named by module path as LayerInfo::name defines it (a module that runs
    /// k >= 2 times names its k-th output "<path>#<k>"): "resnet.2" (stem), then per BasicBlock "resnet.L.B.relu"
    /// (after bn1) and "resnet.L.B.relu#2" (after the residual sum: torchvision's block calls its one relu twice),
    /// then the public layout's shared `relu` after bn1, bn2, fc_bn4, fc_bn5: "relu", "relu#2", "relu#3", "relu#4",
    /// then "convTrans6.2", "convTrans7.2".
    std::vector<std::string> reluLayerNames() const;
    const ResNetVaeConfig& config() const { return m_config; }

private:
    VaeOutput run(const at::Tensor& x, const ActivationRecorder* recorder);
    /// ReLU, record, then dropout when `inEncoder` or the placement is All.
    at::Tensor activate(const at::Tensor& x, const std::string& name, const ActivationRecorder* recorder,
                        bool inEncoder) const;

    ResNetVaeConfig m_config;
    torch::nn::Conv2d m_stemConv{nullptr};
    torch::nn::BatchNorm2d m_stemBn{nullptr};
    std::vector<BasicBlock> m_blocks; // layer1..layer4, two blocks each
    torch::nn::Linear m_fc1{nullptr}, m_fc2{nullptr}, m_fc3Mu{nullptr}, m_fc3Logvar{nullptr};
    torch::nn::BatchNorm1d m_bn1{nullptr}, m_bn2{nullptr};
    torch::nn::Linear m_fc4{nullptr}, m_fc5{nullptr};
    torch::nn::BatchNorm1d m_fcBn4{nullptr}, m_fcBn5{nullptr};
    torch::nn::ConvTranspose2d m_convTrans[3] = {nullptr, nullptr, nullptr};
    torch::nn::BatchNorm2d m_convTransBn[3] = {nullptr, nullptr, nullptr};
};
TORCH_MODULE(ResNetVae);

/// The model as the capture stage sees it: its layers are the ReLU outputs (reluLayerNames, kind "relu"), captured
/// in eval mode before their dropout. `name` is used in messages (e.g. the run folder). The model is switched to
/// eval mode and shared with the caller.
std::unique_ptr<CapturableModel> makeCapturableResNetVae(ResNetVae model, std::string name);

/// Opens a finished training run folder (manifest.json + model.pt, as training::trainVaeRun writes them) for
/// capture; `config`, if given, receives the model's config (the input shape is inputChannels x inputSize x
/// inputSize). Throws InputError naming the file: missing or unreadable manifest, an unfinished run, a bad
/// model.pt (see loadStateDict).
std::unique_ptr<CapturableModel> openResNetVaeRun(const std::string& runDir, ResNetVaeConfig* config = nullptr);

} // namespace codescope::models
