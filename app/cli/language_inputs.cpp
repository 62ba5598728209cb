#include "app/cli/language_inputs.h"

#include "app/cli/analysis_request_flags.h"
#include "app/cli/model_options.h"

namespace codescope::cli {

const std::vector<std::string> kLanguageValueOptions = {"model",   "run",     "text",  "tokenizer",
                                                        "context", "dataset", "layers"};

const char* const kLanguageOptionsHelp =
    R"(  --model FILE          a TorchScript language model taking int64 token ids (batch x T)
  --run DIR             a tiny-lm run trained by `codescope-cli train --model tiny-lm` (byte-level)
  --text FILE           UTF-8 text, tokenised with --tokenizer and packed into sequences of --context tokens
  --tokenizer DIR       the model's GPT-2 BPE tokenizer (DIR/vocab.json, DIR/merges.txt); not for a tiny-lm run
  --dataset tokens:FILE.npy   pre-tokenised ids (int32/int64, N x T or flat) instead of --text
  --context T           tokens per sequence (0: the run's own, the .npy's T, or 64)           [0]
  --layers LIST         auto (every ReLU output, else every GELU: a transformer's MLPs) or names [auto]
)";

pipeline::AnalysisRequest languageRequestFromFlags(const CommandLine& cl) {
    if (!cl.has("text") && !cl.has("dataset"))
        throw UsageError("a language model needs --text FILE or --dataset tokens:FILE.npy");
    pipeline::AnalysisRequest request;
    request.model = modelSpec(cl);
    request.data.kind = pipeline::DataKind::Tokens;
    request.data.images.clear();
    request.data.tokens = tokenDataSpec(cl);
    request.layers = layersOption(cl);
    return request;
}

} // namespace codescope::cli
