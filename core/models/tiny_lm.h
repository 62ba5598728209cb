#pragma once
// A tiny GPT-style byte-level language model (paper Fig. 7 studies the MLP activations of a transformer LM per token;
// this is the model Codescope can train on two CPU cores in minutes to show the same analysis without downloads).
//
// Layout (GPT-2's, scaled down; parameter names are the state_dict keys):
//   tok_emb (Embedding vocab x d), pos_emb (1 x context x d, learned),
//   blocks.N: ln1, attn.qkv (d -> 3d), attn.proj (d -> d), ln2, mlp.fc (d -> 4d), GELU, mlp.proj (4d -> d),
//             pre-LayerNorm residual: x = x + attn(ln1(x)); x = x + mlp(ln2(x)),
//   ln_f, and the head: the transposed token embedding (tied) or `head` (d -> vocab, no bias).
// Causal self-attention, no dropout (a few minutes of training cannot over-fit the default corpus much).
// Tokens are bytes: token id = byte value, vocabulary 256, so any UTF-8 text is input without a tokenizer.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "core/models/capturable_model.h"
#include "core/models/resnet_vae.h" // ActivationRecorder, kRunManifestFile, kRunModelFile

namespace codescope::models {

/// Hyper-parameters of the tiny LM. The defaults train in a few minutes on two CPU cores.
struct TinyLmConfig {
    std::int64_t vocabularySize = 256; ///< 256: one token per byte
    std::int64_t contextLength = 64;   ///< T: the longest sequence the position embedding covers
    std::int64_t dModel = 64;          ///< residual stream width d
    std::int64_t heads = 4;            ///< attention heads; d must be divisible by it
    std::int64_t blocks = 4;           ///< transformer blocks
    std::int64_t mlpRatio = 4;         ///< MLP hidden width = mlpRatio x d
    bool tiedHead = true;              ///< output head = transposed token embedding
};

/// The model name in run manifests and on the CLI.
inline constexpr const char* kTinyLmModelName = "tiny-lm";

/// Throws InputError if a field is out of range (non-positive sizes, d not divisible by heads).
void validateConfig(const TinyLmConfig& config);
/// {"vocabulary_size", "context_length", "d_model", "heads", "blocks", "mlp_ratio", "tied_head"}.
std::string configToJson(const TinyLmConfig& config);
/// Parses configToJson's object. Throws InputError "<sourceName>: ..." for bad JSON, a missing field or a bad value.
TinyLmConfig tinyLmConfigFromJson(const std::string& json, const std::string& sourceName);

class TinyLmBlockImpl : public torch::nn::Module {
public:
    explicit TinyLmBlockImpl(const TinyLmConfig& config);
    /// x: B x T x d -> B x T x d. Records "<name>.mlp.gelu" (B x T x mlpRatio*d) when a recorder is given.
    at::Tensor forward(const at::Tensor& x, const std::string& name = {}, const ActivationRecorder* recorder = nullptr);

private:
    std::int64_t m_heads;
    torch::nn::LayerNorm m_ln1{nullptr}, m_ln2{nullptr};
    torch::nn::Linear m_qkv{nullptr}, m_attnProj{nullptr}, m_fc{nullptr}, m_mlpProj{nullptr};
};
TORCH_MODULE(TinyLmBlock);

class TinyLmImpl : public torch::nn::Module {
public:
    /// A freshly initialised model (GPT-2's init: weights N(0, 0.02), biases 0, LayerNorm 1/0).
    /// Throws InputError for an invalid config.
    explicit TinyLmImpl(const TinyLmConfig& config = {});

    /// ids: B x T int64 in [0, vocabularySize), T <= contextLength -> logits B x T x vocabularySize (float32).
    /// Throws InputError for another shape or dtype, or T > contextLength.
    at::Tensor forward(const at::Tensor& ids);
    /// The same pass, calling `recorder` with each layer of layerNames() in that order.
    at::Tensor forwardRecording(const at::Tensor& ids, const ActivationRecorder& recorder);
    /// Mean next-token cross-entropy in nats: logits of ids[:, :-1] against ids[:, 1:]. ids: B x (T + 1).
    at::Tensor nextTokenLoss(const at::Tensor& ids);

    /// The capturable layers in depth order: per block N "blocks.N.mlp.gelu" (the MLP's GELU output, Fig. 7a)
    /// then "blocks.N" (the block's output, the residual stream after it).
    std::vector<std::string> layerNames() const;
    const TinyLmConfig& config() const { return m_config; }

private:
    at::Tensor run(const at::Tensor& ids, const ActivationRecorder* recorder);

    TinyLmConfig m_config;
    torch::nn::Embedding m_tokEmb{nullptr};
    at::Tensor m_posEmb;
    torch::nn::ModuleList m_blocks{nullptr};
    std::vector<TinyLmBlock> m_blockList;
    torch::nn::LayerNorm m_lnF{nullptr};
    torch::nn::Linear m_head{nullptr}; // only when !tiedHead
};
TORCH_MODULE(TinyLm);

/// The capture stage's view: input int64 ids B x T (T <= contextLength); every token position is one sample, so
/// capture returns per layer a float32 (B*T) x features tensor and LayerInfo::shape is the per-token shape ({d} for
/// "blocks.N", {mlpRatio*d} for "blocks.N.mlp.gelu", kinds "Block" and "gelu"). Throws InputError for a non-integer
/// input or a bad shape. The model is switched to eval mode and shared with the caller.
std::unique_ptr<CapturableModel> makeCapturableTinyLm(TinyLm model, std::string name);

/// The "model" field of a run folder's manifest.json ("tiny-lm", "resnet-vae-small", ...).
/// Throws InputError naming the manifest if it is missing or not JSON.
std::string runModelName(const std::string& runDir);

/// Opens a finished tiny-lm run folder (training::trainTinyLmRun's) for capture; `config` receives its config.
/// Throws InputError naming the file: a missing or bad manifest, another model's run, a bad model.pt.
std::unique_ptr<CapturableModel> openTinyLmRun(const std::string& runDir, TinyLmConfig* config = nullptr);

/// Loads a finished tiny-lm run's module itself (for generation, tests). Throws as openTinyLmRun.
TinyLm loadTinyLmRun(const std::string& runDir);

} // namespace codescope::models
