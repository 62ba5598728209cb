#pragma once
// GPT-2's byte-level BPE tokenizer, read from the standard vocab.json + merges.txt pair a user ships with a model.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace codescope::text {

/// Encodes UTF-8 text to token ids and back exactly as GPT-2's reference encoder does: the text is split by GPT-2's
/// pre-tokenisation pattern (contractions, letter runs, number runs, other-symbol runs, whitespace; Unicode letter and
/// number classes), each piece's bytes are mapped to GPT-2's printable byte alphabet, and merges are applied by rank.
/// Thread-safe for concurrent encode/decode calls after construction.
class BpeTokenizer {
public:
    /// Reads DIR/vocab.json and DIR/merges.txt. Throws InputError naming the file and the problem (missing, not
    /// JSON, a merge line that is not two symbols, a merge whose result is not in the vocabulary).
    static BpeTokenizer fromDirectory(const std::string& directory);
    /// The same from two explicit files.
    static BpeTokenizer fromFiles(const std::string& vocabJsonPath, const std::string& mergesPath);

    BpeTokenizer(BpeTokenizer&&) noexcept;
    BpeTokenizer& operator=(BpeTokenizer&&) noexcept;
    ~BpeTokenizer();

    /// Token ids of `utf8`. Throws InputError for invalid UTF-8 (naming the byte offset) or a byte whose symbol is
    /// not in the vocabulary. `where` prefixes messages (e.g. the text file's path).
    std::vector<std::int64_t> encode(const std::string& utf8, const std::string& where = "text") const;
    /// The text of `ids` (bytes joined, then read as UTF-8; invalid sequences are kept as raw bytes).
    /// Throws InputError for an id outside the vocabulary.
    std::string decode(const std::vector<std::int64_t>& ids) const;
    /// The bytes of one token, for display (may be a partial UTF-8 character). Throws InputError if out of range.
    std::string tokenBytes(std::int64_t id) const;
    /// Number of ids: the largest id in vocab.json + 1.
    std::int64_t vocabularySize() const;

private:
    struct Impl;
    explicit BpeTokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace codescope::text
