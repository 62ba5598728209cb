#pragma once
// Token data sets: what a language model is run over. Every token position of every sequence is one sample of a
// layer's activations (paper Fig. 7: GPT-2's MLP activations per token).
#include <cstdint>
#include <string>
#include <vector>

namespace codescope::text {
class BpeTokenizer;
}

namespace codescope::data {

/// `count()` sequences of `contextLength` token ids each, stored row-major (sequence, position).
struct TokenSequences {
    std::string name;               ///< for messages: the file the tokens came from
    std::int64_t contextLength = 0; ///< T: tokens per sequence
    std::vector<std::int64_t> ids;  ///< count() x contextLength, row-major

    std::int64_t count() const { return contextLength > 0 ? static_cast<std::int64_t>(ids.size()) / contextLength : 0; }
    /// Id of token `position` of sequence `sequence`.
    std::int64_t at(std::int64_t sequence, std::int64_t position) const {
        return ids[sequence * contextLength + position];
    }
};

/// Cuts a stream of ids into consecutive, non-overlapping sequences of `contextLength` tokens (packing: a text's
/// tokens run on across sequence boundaries); the remainder shorter than contextLength is dropped.
/// Throws InputError naming `name` if contextLength < 1 or the stream holds fewer than contextLength ids.
TokenSequences packTokens(const std::vector<std::int64_t>& ids, std::int64_t contextLength, const std::string& name);

/// Reads pre-tokenised ids from an .npy of int32 or int64, shape N x T (or a flat N, packed into contextLength).
/// contextLength 0 keeps the file's T; a smaller one cuts each row into rows of that length (the remainder of each
/// row is dropped); a larger one than T is an error. vocabularySize > 0: every id must lie in [0, vocabularySize).
/// Throws InputError naming the file and the problem (not .npy, wrong dtype or rank, id out of the vocabulary with
/// its position, too short).
TokenSequences readTokenNpy(const std::string& path, std::int64_t contextLength, std::int64_t vocabularySize);

/// Tokenises a UTF-8 text file with `tokenizer` and packs it into sequences of contextLength tokens.
/// Throws InputError naming the file for a missing/unreadable file, invalid UTF-8 (with its byte offset), or a text
/// too short for one sequence.
TokenSequences tokenizeTextFile(const std::string& path, const text::BpeTokenizer& tokenizer,
                                std::int64_t contextLength);

/// A text file's bytes as token ids (0..255: a byte-level model's vocabulary), packed into sequences of contextLength.
/// Throws InputError naming the file for a missing/unreadable file or a text too short for one sequence.
TokenSequences byteTokensOfTextFile(const std::string& path, std::int64_t contextLength);

} // namespace codescope::data
