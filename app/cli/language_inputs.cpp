#include "app/cli/language_inputs.h"

#include "app/cli/model_options.h"
#include "core/capture/layer_analysis.h"
#include "core/capture/model_analysis.h"

namespace codescope::cli {

const std::vector<std::string> kLanguageValueOptions = {"model", "run", "text", "tokenizer", "context", "dataset",
                                                        "layers"};

const char* const kLanguageOptionsHelp = R"(  --model FILE          a TorchScript language model taking int64 token ids (batch x T)
  --run DIR             a tiny-lm run trained by `codescope-cli train --model tiny-lm` (byte-level)
  --text FILE           UTF-8 text, tokenised with --tokenizer and packed into sequences of --context tokens
  --tokenizer DIR       the model's GPT-2 BPE tokenizer (DIR/vocab.json, DIR/merges.txt); not for a tiny-lm run
  --dataset tokens:FILE.npy   pre-tokenised ids (int32/int64, N x T or flat) instead of --text
  --context T           tokens per sequence (0: the run's own, the .npy's T, or 64)           [0]
  --layers LIST         auto (every ReLU output, else every GELU: a transformer's MLPs) or names [auto]
)";

LanguageInputs openLanguageInputs(const CommandLine& cl) {
    if (!cl.has("text") && !cl.has("dataset"))
        throw UsageError("a language model needs --text FILE or --dataset tokens:FILE.npy");
    models::ModelSpec spec = modelSpec(cl);
    spec.takesTokens = true;
    const std::int64_t context = language::requestedContextLength(tokenDataSpec(cl));
    spec.contextLength = context > 0 ? context : language::kDefaultContextLength;
    LanguageInputs inputs;
    inputs.loaded = models::openModel(spec);
    inputs.data = language::openTokenData(tokenDataSpec(cl), inputs.loaded);
    inputs.layers = capture::parseLayerList(cl.text("layers", "auto"));
    if (inputs.layers.empty()) {
        const at::Tensor example =
            capture::tokenInputs(inputs.data.sequences)->batch(0, std::min<std::int64_t>(2, inputs.data.sequences.count()));
        for (const models::LayerInfo& layer : capture::defaultLayers(inputs.loaded.model->discoverLayers(example)))
            inputs.layers.push_back(layer.name);
    }
    return inputs;
}

} // namespace codescope::cli
