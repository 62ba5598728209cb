#include "core/models/tiny_lm.h"

#include <cmath>
#include <limits>

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <nlohmann/json.hpp>
#include <torch/nn/init.h>

#include "core/common/input_error.h"
#include "core/io/json_input.h"
#include "core/models/state_dict_io.h"

namespace codescope::models {

namespace {

// GPT-2's initialisation scale.
constexpr double kInitStd = 0.02;

std::string blockName(std::int64_t index) {
    return "blocks." + std::to_string(index);
}

} // namespace

void validateConfig(const TinyLmConfig& c) {
    if (c.vocabularySize < 2) throw InputError("tiny-lm: vocabulary_size must be at least 2");
    if (c.contextLength < 1) throw InputError("tiny-lm: context_length must be at least 1");
    if (c.dModel < 1 || c.heads < 1 || c.blocks < 1 || c.mlpRatio < 1)
        throw InputError("tiny-lm: d_model, heads, blocks and mlp_ratio must be at least 1");
    if (c.dModel % c.heads != 0)
        throw InputError("tiny-lm: d_model " + std::to_string(c.dModel) + " is not divisible by heads " +
                         std::to_string(c.heads));
}

std::string configToJson(const TinyLmConfig& c) {
    const nlohmann::ordered_json json = {{"vocabulary_size", c.vocabularySize},
                                         {"context_length", c.contextLength},
                                         {"d_model", c.dModel},
                                         {"heads", c.heads},
                                         {"blocks", c.blocks},
                                         {"mlp_ratio", c.mlpRatio},
                                         {"tied_head", c.tiedHead}};
    return json.dump();
}

TinyLmConfig tinyLmConfigFromJson(const std::string& text, const std::string& sourceName) {
    const std::string source = sourceName + " (model_config)";
    const nlohmann::json json = io::parseJsonText(text, source);
    TinyLmConfig c;
    // Upper bounds: a damaged or hostile manifest must not make LibTorch allocate terabytes.
    c.vocabularySize = io::jsonInteger(json, "vocabulary_size", source, 2, std::int64_t{1} << 20);
    c.contextLength = io::jsonInteger(json, "context_length", source, 1, std::int64_t{1} << 16);
    c.dModel = io::jsonInteger(json, "d_model", source, 1, 8192);
    c.heads = io::jsonInteger(json, "heads", source, 1, 8192);
    c.blocks = io::jsonInteger(json, "blocks", source, 1, 256);
    c.mlpRatio = io::jsonInteger(json, "mlp_ratio", source, 1, 16);
    c.tiedHead = io::jsonBool(json, "tied_head", source);
    try {
        validateConfig(c);
    } catch (const InputError& error) {
        throw InputError(sourceName + ": " + error.what());
    }
    return c;
}

TinyLmBlockImpl::TinyLmBlockImpl(const TinyLmConfig& c) : m_heads(c.heads) {
    const std::int64_t d = c.dModel;
    m_ln1 = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    auto attn = register_module("attn", std::make_shared<torch::nn::Module>());
    m_qkv = attn->register_module("qkv", torch::nn::Linear(d, 3 * d));
    m_attnProj = attn->register_module("proj", torch::nn::Linear(d, d));
    m_ln2 = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
    m_fc = mlp->register_module("fc", torch::nn::Linear(d, c.mlpRatio * d));
    m_mlpProj = mlp->register_module("proj", torch::nn::Linear(c.mlpRatio * d, d));
}

at::Tensor TinyLmBlockImpl::forward(const at::Tensor& x, const std::string& name, const ActivationRecorder* recorder) {
    const std::int64_t batch = x.size(0), length = x.size(1), d = x.size(2);
    const std::int64_t headDim = d / m_heads;

    // Causal self-attention: position t attends to positions <= t.
    const std::vector<at::Tensor> qkv = m_qkv(m_ln1(x)).chunk(3, -1);
    const auto heads = [&](const at::Tensor& t) {
        return t.reshape({batch, length, m_heads, headDim}).transpose(1, 2);
    };
    const at::Tensor q = heads(qkv[0]), k = heads(qkv[1]), v = heads(qkv[2]);
    at::Tensor scores = at::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(headDim)));
    const at::Tensor future = at::ones({length, length}, x.options().dtype(at::kBool)).triu(1);
    scores = scores.masked_fill(future, -std::numeric_limits<float>::infinity());
    const at::Tensor attended = at::matmul(at::softmax(scores, -1), v).transpose(1, 2).reshape({batch, length, d});
    const at::Tensor afterAttention = x + m_attnProj(attended);

    at::Tensor hidden = at::gelu(m_fc(m_ln2(afterAttention))); // exact (erf) GELU, as nn.GELU()
    if (recorder) (*recorder)(name + ".mlp.gelu", hidden);
    const at::Tensor out = afterAttention + m_mlpProj(hidden);
    if (recorder) (*recorder)(name, out);
    return out;
}

TinyLmImpl::TinyLmImpl(const TinyLmConfig& config) : m_config(config) {
    validateConfig(config);
    const std::int64_t d = config.dModel;
    m_tokEmb = register_module("tok_emb", torch::nn::Embedding(config.vocabularySize, d));
    m_posEmb = register_parameter("pos_emb", at::zeros({1, config.contextLength, d}));
    m_blocks = register_module("blocks", torch::nn::ModuleList());
    for (std::int64_t b = 0; b < config.blocks; ++b) {
        m_blockList.emplace_back(config);
        m_blocks->push_back(m_blockList.back());
    }
    m_lnF = register_module("ln_f", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    if (!config.tiedHead)
        m_head =
            register_module("head", torch::nn::Linear(torch::nn::LinearOptions(d, config.vocabularySize).bias(false)));

    torch::NoGradGuard noGrad;
    for (auto& item : named_parameters()) {
        const std::string& key = item.key();
        at::Tensor& p = item.value();
        const bool isNorm = key.find("ln") != std::string::npos;
        if (isNorm)
            (key.size() > 7 && key.compare(key.size() - 6, 6, "weight") == 0) ? p.fill_(1.0) : p.zero_();
        else if (key.size() > 5 && key.compare(key.size() - 4, 4, "bias") == 0)
            p.zero_();
        else
            p.normal_(0.0, kInitStd);
    }
}

at::Tensor TinyLmImpl::run(const at::Tensor& ids, const ActivationRecorder* recorder) {
    if (!ids.defined() || ids.dim() != 2 || !at::isIntegralType(ids.scalar_type(), /*includeBool=*/false))
        throw InputError("tiny-lm takes int64 token ids of shape batch x T, got " +
                         (ids.defined()
                              ? tensorShapeText(ids.sizes()) + " " + std::string(c10::toString(ids.scalar_type()))
                              : std::string("an undefined tensor")));
    const std::int64_t length = ids.size(1);
    if (length < 1 || length > m_config.contextLength)
        throw InputError("tiny-lm: sequences of " + std::to_string(length) + " tokens; the model takes 1 to " +
                         std::to_string(m_config.contextLength));
    const at::Tensor tokens = ids.to(at::kLong);
    if (tokens.numel() > 0) {
        const std::int64_t low = tokens.min().item<std::int64_t>(), high = tokens.max().item<std::int64_t>();
        if (low < 0 || high >= m_config.vocabularySize)
            throw InputError("tiny-lm: token id " + std::to_string(low < 0 ? low : high) +
                             " is outside the vocabulary [0, " + std::to_string(m_config.vocabularySize) + ")");
    }
    at::Tensor x = m_tokEmb(tokens) + m_posEmb.narrow(1, 0, length);
    for (std::size_t b = 0; b < m_blockList.size(); ++b)
        x = m_blockList[b]->forward(x, blockName(static_cast<std::int64_t>(b)), recorder);
    x = m_lnF(x);
    return m_config.tiedHead ? at::matmul(x, m_tokEmb->weight.t()) : m_head(x);
}

at::Tensor TinyLmImpl::forward(const at::Tensor& ids) {
    return run(ids, nullptr);
}

at::Tensor TinyLmImpl::forwardRecording(const at::Tensor& ids, const ActivationRecorder& recorder) {
    return run(ids, &recorder);
}

at::Tensor TinyLmImpl::nextTokenLoss(const at::Tensor& ids) {
    const std::int64_t length = ids.size(1) - 1;
    const at::Tensor logits = forward(ids.narrow(1, 0, length));
    return at::cross_entropy_loss(logits.reshape({-1, m_config.vocabularySize}),
                                  ids.narrow(1, 1, length).to(at::kLong).reshape({-1}));
}

std::vector<std::string> TinyLmImpl::layerNames() const {
    std::vector<std::string> names;
    for (std::int64_t b = 0; b < m_config.blocks; ++b) {
        names.push_back(blockName(b) + ".mlp.gelu");
        names.push_back(blockName(b));
    }
    return names;
}

std::unique_ptr<CapturableModel> makeCapturableTinyLm(TinyLm model, std::string name) {
    model->eval();
    RecordingModelSpec spec;
    spec.name = std::move(name);
    spec.layerNames = model->layerNames();
    spec.layersDescription = "each block's MLP GELU and output";
    spec.sampleDims = 2; // every token position is a sample
    spec.kindOf = [](const std::string& layer) {
        return std::string(layer.size() > 5 && layer.compare(layer.size() - 5, 5, ".gelu") == 0 ? "gelu" : "Block");
    };
    spec.forward = [model](const at::Tensor& input, const ActivationRecorder& recorder) mutable {
        model->forwardRecording(input, recorder);
    };
    const TinyLmConfig& c = model->config();
    spec.inputHint = "N x T int64 byte ids, T <= " + std::to_string(c.contextLength);
    return makeRecordingModel(std::move(spec));
}

std::string runModelName(const std::string& runDir) {
    const nlohmann::json manifest = readRunManifest(runDir);
    return manifest.value("model", std::string());
}

TinyLm loadTinyLmRun(const std::string& runDir) {
    const std::string manifestPath = runDir + "/" + kRunManifestFile;
    const nlohmann::json manifest = readFinishedRunManifest(runDir);
    if (manifest.value("model", std::string()) != kTinyLmModelName)
        throw InputError(manifestPath + ": not a tiny-lm run (model '" + manifest.value("model", std::string()) + "')");
    const TinyLmConfig config = tinyLmConfigFromJson(manifest["model_config"].dump(), manifestPath);
    // Embeddings and each block's attention and MLP weights: what the file must hold at least.
    const std::int64_t parameters = (config.vocabularySize + config.contextLength) * config.dModel +
                                    config.blocks * (4 + 2 * config.mlpRatio) * config.dModel * config.dModel;
    checkWeightsFileHolds(runDir + "/" + kRunModelFile, parameters, manifestPath);
    TinyLm model(config);
    loadStateDict(*model, runDir + "/" + kRunModelFile);
    model->eval();
    return model;
}

std::unique_ptr<CapturableModel> openTinyLmRun(const std::string& runDir, TinyLmConfig* config) {
    TinyLm model = loadTinyLmRun(runDir);
    if (config) *config = model->config();
    return makeCapturableTinyLm(model, runDir);
}

} // namespace codescope::models
