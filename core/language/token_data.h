#pragma once
// The token data a language model is analysed on, from what the user gave: pre-tokenised ids (.npy), or a text file
// with the model's GPT-2 tokenizer (vocab.json + merges.txt), or a text file read as bytes for Codescope's own
// byte-level tiny LM.
#include <cstdint>
#include <functional>
#include <string>

#include "core/data/token_dataset.h"

namespace codescope::models {
struct LoadedModel;
}

namespace codescope::language {

struct TokenDataSpec {
    std::string dataset;            ///< "tokens:FILE.npy" (ids, N x T or flat), or "" when textFile is given
    std::string textFile;           ///< a UTF-8 text file
    std::string tokenizerDir;       ///< DIR with vocab.json and merges.txt ("" for a byte-level model)
    std::int64_t contextLength = 0; ///< tokens per sequence; 0 = the model's own (tiny LM), the .npy's T, or 64
};

/// True for a data set spec that names token data ("tokens:..." or "text:...").
bool isTokenDatasetSpec(const std::string& dataset);

/// Token sequences plus how to show each token.
struct TokenData {
    data::TokenSequences sequences;
    /// The text of one token id: the tokenizer's bytes, the byte itself for a byte-level model, else "<id>".
    std::function<std::string(std::int64_t)> tokenText;
    /// What the data were made from, for cache keys and reports ("text:FILE tokenizer:DIR context:T").
    std::string description;
};

/// The context length the data ask for: spec.contextLength if set, else a tokens:FILE.npy's T (N x T; 0 for a flat
/// file), else 0. A TorchScript language model is opened with this, or with 64 when it is 0 (the default context).
/// Throws InputError naming the .npy if its header cannot be read.
std::int64_t requestedContextLength(const TokenDataSpec& spec);

/// The context a TorchScript language model is run with when neither the user nor the data say.
inline constexpr std::int64_t kDefaultContextLength = 64;

/// Opens the token data for `model`. The ids are checked against the model's vocabulary where it is known.
/// Throws InputError naming the file and the problem (missing file, no tokenizer for a text and a model that is
/// not byte-level, invalid UTF-8, ids out of the vocabulary, too few tokens for one sequence).
TokenData openTokenData(const TokenDataSpec& spec, const models::LoadedModel& model);

} // namespace codescope::language
