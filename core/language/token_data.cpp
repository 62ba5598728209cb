#include "core/language/token_data.h"

#include <memory>
#include <optional>

#include "core/common/input_error.h"
#include "core/data/image_dataset.h"
#include "core/io/npy_reader.h"
#include "core/models/model_loader.h"
#include "core/text/bpe_tokenizer.h"

namespace codescope::language {

namespace {

constexpr const char* kTokensPrefix = "tokens:";
constexpr const char* kTextPrefix = "text:";

// The rest of `dataset` after `prefix`, or nullopt when it does not start with it.
std::optional<std::string> afterPrefix(const std::string& dataset, const std::string& prefix) {
    if (dataset.rfind(prefix, 0) != 0) return std::nullopt;
    return dataset.substr(prefix.size());
}

} // namespace

std::int64_t requestedContextLength(const TokenDataSpec& spec) {
    if (spec.contextLength > 0) return spec.contextLength;
    const std::optional<std::string> path = afterPrefix(spec.dataset, kTokensPrefix);
    if (!path) return 0;
    const data::ReadOnlyFile file(*path);
    const io::NpyArrayHeader header =
        io::readNpyArrayHeader(file.descriptor(), *path, {"<i4", "<i8"}, "token ids must be int32 or int64");
    return header.shape.size() == 2 ? header.shape[1] : 0;
}

bool isTokenDatasetSpec(const std::string& dataset) {
    return afterPrefix(dataset, kTokensPrefix) || afterPrefix(dataset, kTextPrefix);
}

TokenData openTokenData(const TokenDataSpec& given, const models::LoadedModel& model) {
    TokenDataSpec spec = given;
    if (const std::optional<std::string> text = afterPrefix(spec.dataset, kTextPrefix)) {
        spec.textFile = *text;
        spec.dataset.clear();
    }
    const std::int64_t vocabulary = model.vocabularySize;
    std::int64_t context = spec.contextLength > 0 ? spec.contextLength : model.contextLength;
    TokenData data;
    std::shared_ptr<text::BpeTokenizer> tokenizer;
    if (!spec.tokenizerDir.empty()) {
        tokenizer = std::make_shared<text::BpeTokenizer>(text::BpeTokenizer::fromDirectory(spec.tokenizerDir));
        if (vocabulary > 0 && tokenizer->vocabularySize() > vocabulary)
            throw InputError(spec.tokenizerDir + ": the tokenizer has " + std::to_string(tokenizer->vocabularySize()) +
                             " tokens, more than the model's vocabulary of " + std::to_string(vocabulary));
        data.tokenText = [tokenizer](std::int64_t id) { return tokenizer->tokenBytes(id); };
    } else if (model.byteTokens) {
        data.tokenText = [](std::int64_t id) { return std::string(1, static_cast<char>(id)); };
    }
    if (const std::optional<std::string> tokens = afterPrefix(spec.dataset, kTokensPrefix)) {
        const std::string& path = *tokens;
        data.sequences = data::readTokenNpy(path, context, vocabulary);
        data.description = kTokensPrefix + path;
    } else if (!spec.dataset.empty()) {
        throw InputError(spec.dataset + ": not a token data set (use tokens:FILE.npy, or --text FILE)");
    } else if (spec.textFile.empty()) {
        throw InputError(model.model ? model.model->name() + ": a language model needs token data (--text FILE or "
                                                             "--dataset tokens:FILE.npy)"
                                     : "no token data given");
    } else {
        if (context <= 0) context = kDefaultContextLength;
        if (tokenizer) {
            data.sequences = data::tokenizeTextFile(spec.textFile, *tokenizer, context);
            data.description = kTextPrefix + spec.textFile + " tokenizer:" + spec.tokenizerDir;
        } else if (model.byteTokens) {
            data.sequences = data::byteTokensOfTextFile(spec.textFile, context);
            data.description = kTextPrefix + spec.textFile + " bytes";
        } else {
            throw InputError(spec.textFile + ": this model is not byte-level: give its tokenizer with --tokenizer DIR "
                                             "(the folder holding vocab.json and merges.txt)");
        }
    }
    if (!data.tokenText) data.tokenText = [](std::int64_t id) { return "<" + std::to_string(id) + ">"; };
    data.description += " context:" + std::to_string(data.sequences.contextLength);
    return data;
}

} // namespace codescope::language
