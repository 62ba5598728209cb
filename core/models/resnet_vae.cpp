#include "core/models/resnet_vae.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <nlohmann/json.hpp>
#include <torch/nn/functional/upsampling.h>
#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/pooling.h>

#include "core/common/input_error.h"
#include "core/io/json_input.h"
#include "core/models/state_dict_io.h"

namespace codescope::models {

namespace {

// Decoder shape of the public ResNet-VAE: fc5 feeds a 64 x 4 x 4 map that three stride-2 transposed convolutions
// grow to 39 x 39 before the bilinear resize.
constexpr std::int64_t kDecoderChannels[] = {64, 32, 8};
constexpr std::int64_t kDecoderSeed = 4;
// Limits of a config read from a file (see configFromJson).
constexpr std::int64_t kMaxInputChannels = 64;
constexpr std::int64_t kMaxInputSize = 4096;
constexpr std::int64_t kMaxUnits = 16384;
// BatchNorm momenta of the public ResNet-VAE (fc_bn4/fc_bn5 and the ResNet keep PyTorch's default 0.1).
constexpr double kSlowMomentum = 0.01;

// Module path of BasicBlock `index` (0..7): layer1..layer4 are resnet.4..resnet.7, two blocks each.
std::string blockName(std::size_t index) {
    return "resnet." + std::to_string(4 + index / 2) + "." + std::to_string(index % 2);
}

torch::nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                       std::int64_t padding) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

void kaimingFanOut(const torch::nn::Conv2d& layer) {
    // torchvision's ResNet initialisation: kaiming_normal_(mode="fan_out", nonlinearity="relu").
    torch::NoGradGuard noGrad;
    torch::nn::init::kaiming_normal_(layer->weight, 0.0, torch::kFanOut, torch::kReLU);
}

} // namespace

ResNetVaeConfig resnetVaeConfig() {
    return {};
}

ResNetVaeConfig resnetVaeSmallConfig() {
    ResNetVaeConfig config;
    config.inputChannels = 1;
    config.inputSize = 28;
    config.widthDivisor = 8;
    config.hidden = 128;
    config.hidden2 = 128;
    config.latent = 32;
    return config;
}

std::vector<std::string> resnetVaeModelNames() {
    return {"resnet-vae", "resnet-vae-small"};
}

ResNetVaeConfig resnetVaeConfigByName(const std::string& name) {
    if (name == "resnet-vae") return resnetVaeConfig();
    if (name == "resnet-vae-small") return resnetVaeSmallConfig();
    throw InputError("unknown model '" + name + "' (known: resnet-vae, resnet-vae-small)");
}

void validateConfig(const ResNetVaeConfig& c) {
    auto fail = [](const std::string& problem) { throw InputError("ResNet-VAE config: " + problem); };
    if (!(c.dropout >= 0.0 && c.dropout < 1.0)) fail("dropout must be in [0, 1), got " + std::to_string(c.dropout));
    if (c.inputChannels < 1) fail("inputChannels must be at least 1");
    if (c.inputSize < 8) fail("inputSize must be at least 8 pixels");
    if (c.widthDivisor < 1 || 64 % c.widthDivisor != 0) fail("widthDivisor must divide 64");
    if (c.hidden < 1 || c.hidden2 < 1 || c.latent < 1) fail("hidden, hidden2 and latent must be positive");
}

std::string configToJson(const ResNetVaeConfig& c) {
    nlohmann::ordered_json json = {{"dropout", c.dropout},
                                   {"dropout_placement", dropoutPlacementName(c.dropoutPlacement)},
                                   {"input_channels", c.inputChannels},
                                   {"input_size", c.inputSize},
                                   {"width_divisor", c.widthDivisor},
                                   {"hidden", c.hidden},
                                   {"latent", c.latent}};
    if (c.hidden2 != c.hidden) json["hidden2"] = c.hidden2;
    return json.dump();
}

ResNetVaeConfig configFromJson(const std::string& text, const std::string& sourceName) {
    const std::string source = sourceName + " (model_config)";
    const nlohmann::json json = io::parseJsonText(text, source);
    ResNetVaeConfig c;
    // The upper bounds keep a damaged or hostile manifest from making LibTorch allocate terabytes; every model the
    // paper and this program train is far inside them.
    c.dropout = io::jsonNumber(json, "dropout", source, 0.0, 1.0);
    // Runs written before the field existed put dropout after every ReLU.
    c.dropoutPlacement = DropoutPlacement::All;
    if (json.contains("dropout_placement")) {
        const nlohmann::json& placement = json["dropout_placement"];
        if (!placement.is_string()) throw InputError(source + ": 'dropout_placement' must be \"encoder\" or \"all\"");
        try {
            c.dropoutPlacement = parseDropoutPlacement(placement.get<std::string>());
        } catch (const InputError& error) {
            throw InputError(source + ": " + error.what());
        }
    }
    c.inputChannels = io::jsonInteger(json, "input_channels", source, 1, kMaxInputChannels);
    c.inputSize = io::jsonInteger(json, "input_size", source, 8, kMaxInputSize);
    c.widthDivisor = io::jsonInteger(json, "width_divisor", source, 1, 64);
    c.hidden = io::jsonInteger(json, "hidden", source, 1, kMaxUnits);
    c.hidden2 = io::jsonInteger(json, "hidden2", source, 1, kMaxUnits, &c.hidden);
    c.latent = io::jsonInteger(json, "latent", source, 1, kMaxUnits);
    try {
        validateConfig(c);
    } catch (const InputError& error) {
        throw InputError(sourceName + ": " + error.what());
    }
    return c;
}

namespace {
std::int64_t parameterCountLowerBound(const ResNetVaeConfig& c) {
    const std::int64_t seedFeatures = kDecoderChannels[0] * kDecoderSeed * kDecoderSeed;
    // The fully connected layers alone (fc1 .. fc5), which the size limits dominate.
    return (512 / c.widthDivisor) * c.hidden + c.hidden * c.hidden2 + 3 * c.hidden2 * c.latent +
           c.hidden2 * seedFeatures;
}
} // namespace

BasicBlockImpl::BasicBlockImpl(std::int64_t inPlanes, std::int64_t planes, std::int64_t stride, double dropout)
    : m_dropout(dropout) {
    // Registration order = PyTorch's state_dict order: conv1, bn1, relu, conv2, bn2, downsample.
    m_conv1 = register_module("conv1", conv(inPlanes, planes, 3, stride, 1));
    m_bn1 = register_module("bn1", torch::nn::BatchNorm2d(planes));
    register_module("relu", torch::nn::ReLU());
    m_conv2 = register_module("conv2", conv(planes, planes, 3, 1, 1));
    m_bn2 = register_module("bn2", torch::nn::BatchNorm2d(planes));
    kaimingFanOut(m_conv1);
    kaimingFanOut(m_conv2);
    if (stride != 1 || inPlanes != planes) {
        auto downsample = register_module("downsample", torch::nn::ModuleList());
        m_downsampleConv = conv(inPlanes, planes, 1, stride, 0);
        m_downsampleBn = torch::nn::BatchNorm2d(planes);
        downsample->push_back(m_downsampleConv);
        downsample->push_back(m_downsampleBn);
        kaimingFanOut(m_downsampleConv);
    }
}

at::Tensor BasicBlockImpl::forward(const at::Tensor& x, const std::string& name, const ActivationRecorder* recorder) {
    const at::Tensor identity = m_downsampleConv ? m_downsampleBn(m_downsampleConv(x)) : x;
    at::Tensor out = at::relu(m_bn1(m_conv1(x)));
    if (recorder) (*recorder)(name + ".relu", out);
    out = at::dropout(out, m_dropout, is_training());
    out = at::relu(m_bn2(m_conv2(out)) + identity);
    if (recorder) (*recorder)(name + ".relu#2", out);
    return at::dropout(out, m_dropout, is_training());
}

ResNetVaeImpl::ResNetVaeImpl(const ResNetVaeConfig& config) : m_config(config) {
    validateConfig(config);
    const std::int64_t d = config.widthDivisor;
    const std::int64_t widths[] = {64 / d, 128 / d, 256 / d, 512 / d};

    // resnet.0 .. resnet.8 as list(torchvision.models.resnet18().children())[:-1]; the parameter-free modules are
    // registered too so that the indices (and hence the names) are torchvision's.
    auto resnet = register_module("resnet", torch::nn::ModuleList());
    m_stemConv = conv(config.inputChannels, widths[0], 7, 2, 3);
    m_stemBn = torch::nn::BatchNorm2d(widths[0]);
    kaimingFanOut(m_stemConv);
    resnet->push_back(m_stemConv);
    resnet->push_back(m_stemBn);
    resnet->push_back(torch::nn::ReLU());
    resnet->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).padding(1)));
    std::int64_t inPlanes = widths[0];
    for (int layer = 0; layer < 4; ++layer) {
        torch::nn::ModuleList blocks;
        for (int b = 0; b < 2; ++b) {
            const std::int64_t stride = (layer > 0 && b == 0) ? 2 : 1;
            BasicBlock block(inPlanes, widths[layer], stride, config.dropout);
            blocks->push_back(block);
            m_blocks.push_back(block);
            inPlanes = widths[layer];
        }
        resnet->push_back(blocks);
    }
    resnet->push_back(torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions({1, 1})));

    const std::int64_t h1 = config.hidden, h2 = config.hidden2;
    m_fc1 = register_module("fc1", torch::nn::Linear(widths[3], h1));
    m_bn1 = register_module("bn1", torch::nn::BatchNorm1d(torch::nn::BatchNormOptions(h1).momentum(kSlowMomentum)));
    m_fc2 = register_module("fc2", torch::nn::Linear(h1, h2));
    m_bn2 = register_module("bn2", torch::nn::BatchNorm1d(torch::nn::BatchNormOptions(h2).momentum(kSlowMomentum)));
    m_fc3Mu = register_module("fc3_mu", torch::nn::Linear(h2, config.latent));
    m_fc3Logvar = register_module("fc3_logvar", torch::nn::Linear(h2, config.latent));

    const std::int64_t seedFeatures = kDecoderChannels[0] * kDecoderSeed * kDecoderSeed;
    m_fc4 = register_module("fc4", torch::nn::Linear(config.latent, h2));
    m_fcBn4 = register_module("fc_bn4", torch::nn::BatchNorm1d(h2));
    m_fc5 = register_module("fc5", torch::nn::Linear(h2, seedFeatures));
    m_fcBn5 = register_module("fc_bn5", torch::nn::BatchNorm1d(seedFeatures));
    register_module("relu", torch::nn::ReLU());

    const std::int64_t channels[] = {kDecoderChannels[0], kDecoderChannels[1], kDecoderChannels[2],
                                     config.inputChannels};
    const char* names[] = {"convTrans6", "convTrans7", "convTrans8"};
    for (int i = 0; i < 3; ++i) {
        auto stage = register_module(names[i], torch::nn::ModuleList());
        m_convTrans[i] =
            torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(channels[i], channels[i + 1], 3).stride(2));
        m_convTransBn[i] = torch::nn::BatchNorm2d(torch::nn::BatchNormOptions(channels[i + 1]).momentum(kSlowMomentum));
        stage->push_back(m_convTrans[i]);
        stage->push_back(m_convTransBn[i]);
        if (i < 2)
            stage->push_back(torch::nn::ReLU());
        else
            stage->push_back(torch::nn::Sigmoid());
    }
}

at::Tensor ResNetVaeImpl::activate(const at::Tensor& x, const std::string& name, const ActivationRecorder* recorder,
                                   bool inEncoder) const {
    at::Tensor out = at::relu(x);
    if (recorder) (*recorder)(name, out);
    if (!inEncoder && m_config.dropoutPlacement != DropoutPlacement::All) return out;
    return at::dropout(out, m_config.dropout, is_training());
}

std::pair<at::Tensor, at::Tensor> ResNetVaeImpl::encode(const at::Tensor& x, const ActivationRecorder* recorder) {
    at::Tensor h = activate(m_stemBn(m_stemConv(x)), "resnet.2", recorder, true);
    h = at::max_pool2d(h, {3, 3}, {2, 2}, {1, 1});
    for (std::size_t i = 0; i < m_blocks.size(); ++i) {
        h = m_blocks[i]->forward(h, blockName(i), recorder);
    }
    h = at::adaptive_avg_pool2d(h, {1, 1}).flatten(1);
    h = activate(m_bn1(m_fc1(h)), "relu", recorder, false);
    h = activate(m_bn2(m_fc2(h)), "relu#2", recorder, false);
    return {m_fc3Mu(h), m_fc3Logvar(h)};
}

at::Tensor ResNetVaeImpl::decode(const at::Tensor& z, const ActivationRecorder* recorder) {
    at::Tensor h = activate(m_fcBn4(m_fc4(z)), "relu#3", recorder, false);
    h = activate(m_fcBn5(m_fc5(h)), "relu#4", recorder, false);
    h = h.view({-1, kDecoderChannels[0], kDecoderSeed, kDecoderSeed});
    h = activate(m_convTransBn[0](m_convTrans[0](h)), "convTrans6.2", recorder, false);
    h = activate(m_convTransBn[1](m_convTrans[1](h)), "convTrans7.2", recorder, false);
    h = at::sigmoid(m_convTransBn[2](m_convTrans[2](h)));
    namespace F = torch::nn::functional;
    return F::interpolate(h, F::InterpolateFuncOptions()
                                 .size(std::vector<std::int64_t>{m_config.inputSize, m_config.inputSize})
                                 .mode(torch::kBilinear)
                                 .align_corners(false));
}

VaeOutput ResNetVaeImpl::forward(const at::Tensor& x) {
    return run(x, nullptr);
}

VaeOutput ResNetVaeImpl::forwardRecording(const at::Tensor& x, const ActivationRecorder& recorder) {
    return run(x, &recorder);
}

VaeOutput ResNetVaeImpl::run(const at::Tensor& x, const ActivationRecorder* recorder) {
    auto [mu, logvar] = encode(x, recorder);
    // Reparameterisation: sample in training, the mean in evaluation (as the public ResNet-VAE).
    at::Tensor z = is_training() ? mu + at::randn_like(mu) * at::exp(0.5 * logvar) : mu;
    at::Tensor reconstruction = decode(z, recorder);
    return {reconstruction, z, mu, logvar};
}

std::vector<std::string> ResNetVaeImpl::reluLayerNames() const {
    std::vector<std::string> names;
    names.push_back("resnet.2");
    for (std::size_t i = 0; i < m_blocks.size(); ++i) {
        const std::string block = blockName(i);
        names.push_back(block + ".relu");
        names.push_back(block + ".relu#2");
    }
    for (const char* name : {"relu", "relu#2", "relu#3", "relu#4", "convTrans6.2", "convTrans7.2"})
        names.push_back(name);
    return names;
}

std::unique_ptr<CapturableModel> makeCapturableResNetVae(ResNetVae model, std::string name) {
    model->eval();
    RecordingModelSpec spec;
    spec.name = std::move(name);
    spec.layerNames = model->reluLayerNames();
    spec.layersDescription = "its " + std::to_string(spec.layerNames.size()) + " ReLU outputs";
    spec.sampleDims = 1;
    spec.kindOf = [](const std::string&) { return std::string("relu"); };
    spec.forward = [model](const at::Tensor& input, const ActivationRecorder& recorder) mutable {
        model->forwardRecording(input.to(at::kFloat), recorder);
    };
    const ResNetVaeConfig& c = model->config();
    spec.inputHint = "N x " + std::to_string(c.inputChannels) + " x " + std::to_string(c.inputSize) + " x " +
                     std::to_string(c.inputSize);
    return makeRecordingModel(std::move(spec));
}

std::unique_ptr<CapturableModel> openResNetVaeRun(const std::string& runDir, ResNetVaeConfig* config) {
    const std::string manifestPath = runDir + "/" + kRunManifestFile;
    const nlohmann::json manifest = readFinishedRunManifest(runDir);
    const ResNetVaeConfig modelConfig = configFromJson(manifest["model_config"].dump(), manifestPath);
    checkWeightsFileHolds(runDir + "/" + kRunModelFile, parameterCountLowerBound(modelConfig), manifestPath);
    ResNetVae model(modelConfig);
    loadStateDict(*model, runDir + "/" + kRunModelFile);
    if (config) *config = modelConfig;
    return makeCapturableResNetVae(model, runDir);
}

} // namespace codescope::models
