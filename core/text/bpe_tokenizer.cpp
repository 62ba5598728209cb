#include "core/text/bpe_tokenizer.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <queue>
#include <shared_mutex>
#include <unicode/uchar.h>
#include <unordered_map>
#include <utility>

#include "core/common/input_error.h"
#include "core/io/input_file.h"
#include "core/io/json_input.h"

namespace codescope::text {

namespace {

// GPT-2's bytes_to_unicode (openai/gpt-2 src/encoder.py): the 188 printable Latin-1 bytes stand for themselves, the
// other 68 (controls, space, soft hyphen...) for U+0100 + n in byte order, so every token is a printable string.
std::array<char32_t, 256> makeByteSymbols() {
    std::array<char32_t, 256> symbols{};
    char32_t next = 256;
    for (int byte = 0; byte < 256; ++byte) {
        const bool printable = (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || byte >= 0xAE;
        symbols[static_cast<std::size_t>(byte)] = printable ? static_cast<char32_t>(byte) : next++;
    }
    return symbols;
}

const std::array<char32_t, 256>& byteSymbols() {
    static const std::array<char32_t, 256> symbols = makeByteSymbols();
    return symbols;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string hexByte(unsigned char byte) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02X", byte);
    return text;
}

struct CodePoint {
    char32_t value = 0;
    std::size_t length = 0; // bytes
};

// Decodes the UTF-8 sequence at byte `pos` (< text.size()), refusing what Python's strict decoder refuses: stray
// continuation bytes, overlong forms, surrogates, values above U+10FFFF and sequences cut short.
CodePoint decodeAt(const std::string& text, std::size_t pos, const std::string& where) {
    const auto byteAt = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byteAt(pos);
    if (lead < 0x80) return {lead, 1};
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF; // allowed range of the second byte
    char32_t value = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        value = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        value = lead & 0x0F;
        if (lead == 0xE0) low = 0xA0;  // overlong below U+0800
        if (lead == 0xED) high = 0x9F; // UTF-16 surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        value = lead & 0x07;
        if (lead == 0xF0) low = 0x90;  // overlong below U+10000
        if (lead == 0xF4) high = 0x8F; // above U+10FFFF
    } else {
        throw InputError(where + ": invalid UTF-8 at byte offset " + std::to_string(pos) + " (byte " + hexByte(lead) +
                         " cannot start a character)");
    }
    for (std::size_t i = 1; i < length; ++i) {
        if (pos + i >= text.size()) {
            throw InputError(where + ": invalid UTF-8 at byte offset " + std::to_string(pos) +
                             " (the text ends inside a " + std::to_string(length) + "-byte character)");
        }
        const unsigned char byte = byteAt(pos + i);
        if (byte < (i == 1 ? low : 0x80) || byte > (i == 1 ? high : 0xBF)) {
            throw InputError(where + ": invalid UTF-8 at byte offset " + std::to_string(pos) + " (byte " +
                             hexByte(byte) + " at offset " + std::to_string(pos + i) + " cannot follow " +
                             hexByte(lead) + ")");
        }
        value = value << 6 | (byte & 0x3F);
    }
    return {value, length};
}

// The classes GPT-2's pattern tells apart: \p{L}, \p{N}, \s (the `regex` module's \s is Unicode's White_Space, as
// u_isUWhiteSpace) and everything else.
enum class CharClass : unsigned char { Letter, Number, Space, Other };

CharClass classifySlow(char32_t cp) {
    const auto c = static_cast<UChar32>(cp);
    if (u_isUWhiteSpace(c)) return CharClass::Space;
    switch (u_charType(c)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
        return CharClass::Letter;
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
        return CharClass::Number;
    default:
        return CharClass::Other;
    }
}

CharClass classify(char32_t cp) {
    static const std::array<CharClass, 128> ascii = [] {
        std::array<CharClass, 128> table{};
        for (char32_t c = 0; c < 128; ++c)
            table[c] = classifySlow(c);
        return table;
    }();
    return cp < 128 ? ascii[cp] : classifySlow(cp);
}

// End (byte offset) of the run of `cls` code points starting at byte `pos`.
std::size_t runEnd(const std::string& text, std::size_t pos, CharClass cls, const std::string& where) {
    while (pos < text.size()) {
        const CodePoint cp = decodeAt(text, pos, where);
        if (classify(cp.value) != cls) break;
        pos += cp.length;
    }
    return pos;
}

// End of the piece that GPT-2's pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// matches at byte `pos`, alternatives tried in order as the regex engine does. Every code point falls in one class,
// so some alternative always matches and the pieces tile the text.
std::size_t pieceEnd(const std::string& text, std::size_t pos, const std::string& where) {
    const CodePoint first = decodeAt(text, pos, where);
    if (first.value == '\'') {
        for (const char* contraction : {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"}) {
            const std::size_t length = std::strlen(contraction);
            if (text.compare(pos, length, contraction) == 0) return pos + length;
        }
    }
    // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": an optional space joins the run that follows it.
    if (first.value == ' ' && pos + 1 < text.size()) {
        const CodePoint second = decodeAt(text, pos + 1, where);
        const CharClass cls = classify(second.value);
        if (cls != CharClass::Space) return runEnd(text, pos + 1 + second.length, cls, where);
    }
    const CharClass cls = classify(first.value);
    if (cls != CharClass::Space) return runEnd(text, pos + first.length, cls, where);
    // "\s+(?!\S)": a whitespace run at the end of the text is one piece; before other text the run gives up its last
    // code point, which then starts the next piece (a space joins the word after it: " world"). "\s+": a single
    // whitespace code point before other text.
    std::size_t last = pos;
    std::size_t end = pos + first.length;
    while (end < text.size()) {
        const CodePoint cp = decodeAt(text, end, where);
        if (classify(cp.value) != CharClass::Space) break;
        last = end;
        end += cp.length;
    }
    if (end == text.size()) return end;
    return last > pos ? last : end;
}

// GPT-2's vocab.json is 1 MB and merges.txt 450 KB; the largest published BPE vocabularies are some tens of MB.
constexpr std::int64_t kMaxTokenizerFileBytes = std::int64_t{256} << 20;
// Ids may skip a few numbers (removed or reserved tokens) but the id table is sized by the largest id: an id far
// beyond the number of tokens would make it gigabytes for a file of kilobytes.
constexpr std::int64_t kMaxSpareIds = std::int64_t{1} << 16;

// A line of a file for a one-line message: control characters shown as '?', long lines cut.
std::string shown(const std::string& text) {
    std::string result;
    for (const char c : text) {
        if (result.size() >= 60) return result + "...";
        const auto byte = static_cast<unsigned char>(c);
        result += byte < 0x20 || byte == 0x7F ? '?' : c;
    }
    return result;
}

struct Merge {
    std::int32_t rank = 0;
    std::int32_t result = 0; // symbol index of the merged pair
};

std::uint64_t pairKey(std::int32_t left, std::int32_t right) {
    return static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32 | static_cast<std::uint32_t>(right);
}

// Pieces cached at most; past it the cache starts over, so memory stays bounded on a large corpus.
constexpr std::size_t kMaxCachedPieces = std::size_t{1} << 20;
// Pieces longer than this are not cached: a rare long run would only fill the cache with a key used once.
constexpr std::size_t kMaxCachedPieceBytes = 64;

} // namespace

struct BpeTokenizer::Impl {
    // Symbols: every string that can occur in a word during BPE. Symbol b < 256 is byte b; the others are vocabulary
    // tokens and merge operands/results.
    std::vector<std::int64_t> symbolVocabId; // -1: not in vocab.json
    std::unordered_map<std::uint64_t, Merge> merges;
    std::vector<std::string> tokenBytes; // by vocabulary id
    std::vector<char> hasToken;          // by vocabulary id: false for ids vocab.json skips

    mutable std::shared_mutex cacheMutex;
    mutable std::unordered_map<std::string, std::pair<std::uint32_t, std::uint32_t>> cache; // piece -> pool range
    mutable std::vector<std::int64_t> cachePool;

    void bpe(const std::string& text, std::size_t begin, std::size_t end, const std::string& where,
             std::vector<std::int64_t>& out) const;
    void encodePiece(const std::string& text, std::size_t begin, std::size_t end, const std::string& where,
                     std::vector<std::int64_t>& out) const;
};

// GPT-2's bpe(): repeatedly take the lowest-ranked adjacent pair and merge every occurrence of it, left to right.
// A heap of candidate pairs (rank, position) replaces the reference's rescan of the whole word after each merge; all
// candidates of one rank are taken together and merged in position order, which is the reference's left-to-right
// pass (a merge never recreates the pair it merged, as the result is longer than either operand). Stale candidates
// (a node merged away or changed since) are skipped when popped.
void BpeTokenizer::Impl::bpe(const std::string& text, std::size_t begin, std::size_t end, const std::string& where,
                             std::vector<std::int64_t>& out) const {
    struct Node {
        std::int32_t symbol; // -1 once merged into its left neighbour
        std::int32_t next;   // -1 at the end
        std::int32_t prev;   // -1 at the start
    };
    struct Candidate {
        std::int32_t rank, position, left, right;
        bool operator>(const Candidate& other) const {
            return rank != other.rank ? rank > other.rank : position > other.position;
        }
    };
    const auto count = static_cast<std::int32_t>(end - begin);
    std::vector<Node> nodes(static_cast<std::size_t>(count));
    for (std::int32_t i = 0; i < count; ++i) {
        nodes[static_cast<std::size_t>(i)] = {static_cast<unsigned char>(text[begin + static_cast<std::size_t>(i)]),
                                              i + 1 < count ? i + 1 : -1, i - 1};
    }
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
    const auto push = [&](std::int32_t position) {
        if (position < 0) return;
        const Node& node = nodes[static_cast<std::size_t>(position)];
        if (node.next < 0) return;
        const std::int32_t right = nodes[static_cast<std::size_t>(node.next)].symbol;
        const auto found = merges.find(pairKey(node.symbol, right));
        if (found != merges.end()) heap.push({found->second.rank, position, node.symbol, right});
    };
    for (std::int32_t i = 0; i + 1 < count; ++i)
        push(i);
    std::vector<Candidate> batch;
    while (!heap.empty()) {
        batch.clear();
        const std::int32_t rank = heap.top().rank;
        while (!heap.empty() && heap.top().rank == rank) {
            batch.push_back(heap.top());
            heap.pop();
        }
        // Popped in (rank, position) order already: the batch is left to right.
        for (const Candidate& candidate : batch) {
            Node& node = nodes[static_cast<std::size_t>(candidate.position)];
            if (node.symbol != candidate.left || node.next < 0) continue;
            Node& right = nodes[static_cast<std::size_t>(node.next)];
            if (right.symbol != candidate.right) continue;
            node.symbol = merges.at(pairKey(candidate.left, candidate.right)).result;
            right.symbol = -1;
            node.next = right.next;
            if (right.next >= 0) nodes[static_cast<std::size_t>(right.next)].prev = candidate.position;
            push(node.prev);
            push(candidate.position);
        }
    }
    for (std::int32_t i = 0; i >= 0; i = nodes[static_cast<std::size_t>(i)].next) {
        const std::int32_t symbol = nodes[static_cast<std::size_t>(i)].symbol;
        const std::int64_t id = symbolVocabId[static_cast<std::size_t>(symbol)];
        if (id < 0) {
            // Merge results are checked against the vocabulary when loading, so only a lone byte can be missing.
            std::string glyph;
            appendUtf8(glyph, byteSymbols()[static_cast<std::size_t>(symbol)]);
            throw InputError(where + ": byte " + hexByte(static_cast<unsigned char>(symbol)) + " at byte offset " +
                             std::to_string(begin + static_cast<std::size_t>(i)) + " has no token: its symbol '" +
                             glyph + "' is not in vocab.json");
        }
        out.push_back(id);
    }
}

void BpeTokenizer::Impl::encodePiece(const std::string& text, std::size_t begin, std::size_t end,
                                     const std::string& where, std::vector<std::int64_t>& out) const {
    if (end - begin == 1) {
        const std::int64_t id = symbolVocabId[static_cast<unsigned char>(text[begin])];
        if (id >= 0) {
            out.push_back(id);
            return;
        }
        bpe(text, begin, end, where, out); // throws, naming the byte
        return;
    }
    if (end - begin > kMaxCachedPieceBytes) {
        bpe(text, begin, end, where, out);
        return;
    }
    std::string key = text.substr(begin, end - begin);
    {
        std::shared_lock<std::shared_mutex> lock(cacheMutex);
        const auto found = cache.find(key);
        if (found != cache.end()) {
            const auto first = cachePool.begin() + found->second.first;
            out.insert(out.end(), first, first + found->second.second);
            return;
        }
    }
    const std::size_t start = out.size();
    bpe(text, begin, end, where, out);
    std::unique_lock<std::shared_mutex> lock(cacheMutex);
    if (cache.size() >= kMaxCachedPieces) {
        cache.clear();
        cachePool.clear();
    }
    const auto poolStart = static_cast<std::uint32_t>(cachePool.size());
    if (cache.emplace(std::move(key), std::make_pair(poolStart, static_cast<std::uint32_t>(out.size() - start)))
            .second) {
        cachePool.insert(cachePool.end(), out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
    }
}

BpeTokenizer BpeTokenizer::fromDirectory(const std::string& directory) {
    return fromFiles(directory + "/vocab.json", directory + "/merges.txt");
}

BpeTokenizer BpeTokenizer::fromFiles(const std::string& vocabJsonPath, const std::string& mergesPath) {
    auto impl = std::make_unique<Impl>();
    const std::array<char32_t, 256>& glyphs = byteSymbols();
    std::unordered_map<char32_t, unsigned char> glyphByte;
    std::unordered_map<std::string, std::int32_t> symbolIndex;
    for (int byte = 0; byte < 256; ++byte) {
        std::string glyph;
        appendUtf8(glyph, glyphs[static_cast<std::size_t>(byte)]);
        symbolIndex.emplace(glyph, byte);
        glyphByte.emplace(glyphs[static_cast<std::size_t>(byte)], static_cast<unsigned char>(byte));
        impl->symbolVocabId.push_back(-1);
    }
    const auto intern = [&](const std::string& symbol) {
        const auto inserted = symbolIndex.emplace(symbol, static_cast<std::int32_t>(impl->symbolVocabId.size()));
        if (inserted.second) impl->symbolVocabId.push_back(-1);
        return inserted.first->second;
    };

    // vocab.json: {"token": id, ...}, tokens written in the byte alphabet above.
    nlohmann::json vocab;
    try {
        io::JsonLimits limits;
        limits.maxDepth = 2; // {"token": id}: an object of numbers
        limits.maxFileBytes = kMaxTokenizerFileBytes;
        vocab = io::readJsonFile(vocabJsonPath, limits);
    } catch (const io::JsonInputError& error) {
        throw InputError(io::oneLine(vocabJsonPath) + ": " + error.reason() +
                         (error.byteOffset() >= 0 ? " at byte " + std::to_string(error.byteOffset()) : std::string()));
    }
    if (!vocab.is_object() || vocab.empty()) {
        throw InputError(vocabJsonPath + ": expected a non-empty JSON object of token -> id");
    }
    std::unordered_map<std::int64_t, std::string> tokenOfId;
    std::int64_t largestId = -1;
    for (const auto& entry : vocab.items()) {
        const nlohmann::json& value = entry.value();
        if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
            value.get<std::int64_t>() > std::numeric_limits<std::int32_t>::max()) {
            throw InputError(vocabJsonPath + ": token '" + shown(entry.key()) + "' has id " + shown(value.dump()) +
                             ", not an integer in [0, 2^31)");
        }
        const auto id = value.get<std::int64_t>();
        const auto inserted = tokenOfId.emplace(id, entry.key());
        if (!inserted.second) {
            throw InputError(vocabJsonPath + ": id " + std::to_string(id) + " is given to both '" +
                             shown(inserted.first->second) + "' and '" + shown(entry.key()) + "'");
        }
        largestId = std::max(largestId, id);
        impl->symbolVocabId[static_cast<std::size_t>(intern(entry.key()))] = id;
    }
    const auto tokens = static_cast<std::int64_t>(tokenOfId.size());
    if (largestId >= tokens + kMaxSpareIds) {
        throw InputError(io::oneLine(vocabJsonPath) + ": id " + std::to_string(largestId) + " is far beyond the " +
                         std::to_string(tokens) + " tokens of the vocabulary (ids must be about 0 .. " +
                         std::to_string(tokens - 1) + ", at most " + std::to_string(kMaxSpareIds) + " left unused)");
    }
    impl->tokenBytes.resize(static_cast<std::size_t>(largestId + 1));
    impl->hasToken.assign(static_cast<std::size_t>(largestId + 1), 0);
    for (const auto& entry : tokenOfId) {
        // Characters outside the byte alphabet (added special tokens) decode as their own UTF-8.
        std::string& bytes = impl->tokenBytes[static_cast<std::size_t>(entry.first)];
        const std::string& token = entry.second;
        for (std::size_t pos = 0; pos < token.size();) {
            const CodePoint cp = decodeAt(token, pos, vocabJsonPath);
            const auto found = glyphByte.find(cp.value);
            if (found != glyphByte.end()) {
                bytes += static_cast<char>(found->second);
            } else {
                bytes.append(token, pos, cp.length);
            }
            pos += cp.length;
        }
        impl->hasToken[static_cast<std::size_t>(entry.first)] = 1;
    }

    // merges.txt: an optional "#version" first line, then one "left right" pair per line, highest priority first.
    const std::string merges = io::readInputFile(mergesPath, kMaxTokenizerFileBytes, "a merges.txt");
    std::int32_t rank = 0;
    std::size_t lineNumber = 0;
    for (std::size_t start = 0; start < merges.size();) {
        std::size_t stop = merges.find('\n', start);
        if (stop == std::string::npos) stop = merges.size();
        std::string line = merges.substr(start, stop - start);
        start = stop + 1;
        ++lineNumber;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || (lineNumber == 1 && line.rfind("#version", 0) == 0)) continue;
        const std::size_t space = line.find(' ');
        if (space == 0 || space == std::string::npos || space + 1 == line.size() ||
            line.find(' ', space + 1) != std::string::npos) {
            throw InputError(mergesPath + ": line " + std::to_string(lineNumber) +
                             ": expected two symbols separated by one space, got '" + shown(line) + "'");
        }
        const std::string left = line.substr(0, space);
        const std::string right = line.substr(space + 1);
        const auto result = symbolIndex.find(left + right);
        if (result == symbolIndex.end() || impl->symbolVocabId[static_cast<std::size_t>(result->second)] < 0) {
            throw InputError(mergesPath + ": line " + std::to_string(lineNumber) + ": merge '" + shown(line) +
                             "' makes '" + shown(left + right) + "', which is not in " + vocabJsonPath);
        }
        const std::int32_t leftSymbol = intern(left);
        const std::int32_t rightSymbol = intern(right);
        // A repeated line takes its later rank, as GPT-2's dict(zip(merges, range(len(merges)))) does.
        impl->merges[pairKey(leftSymbol, rightSymbol)] = {rank++, result->second};
    }
    return BpeTokenizer(std::move(impl));
}

BpeTokenizer::BpeTokenizer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
BpeTokenizer::BpeTokenizer(BpeTokenizer&&) noexcept = default;
BpeTokenizer& BpeTokenizer::operator=(BpeTokenizer&&) noexcept = default;
BpeTokenizer::~BpeTokenizer() = default;

std::vector<std::int64_t> BpeTokenizer::encode(const std::string& utf8, const std::string& where) const {
    std::vector<std::int64_t> ids;
    ids.reserve(utf8.size() / 3);
    for (std::size_t pos = 0; pos < utf8.size();) {
        const std::size_t end = pieceEnd(utf8, pos, where);
        m_impl->encodePiece(utf8, pos, end, where, ids);
        pos = end;
    }
    return ids;
}

std::string BpeTokenizer::decode(const std::vector<std::int64_t>& ids) const {
    std::string text;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::int64_t id = ids[i];
        if (id < 0 || id >= vocabularySize() || !m_impl->hasToken[static_cast<std::size_t>(id)]) {
            throw InputError("decode: token id " + std::to_string(id) + " at position " + std::to_string(i) +
                             " is not in the vocabulary (" + std::to_string(vocabularySize()) + " ids)");
        }
        text += m_impl->tokenBytes[static_cast<std::size_t>(id)];
    }
    return text;
}

std::string BpeTokenizer::tokenBytes(std::int64_t id) const {
    if (id < 0 || id >= vocabularySize() || !m_impl->hasToken[static_cast<std::size_t>(id)]) {
        throw InputError("token id " + std::to_string(id) + " is not in the vocabulary (" +
                         std::to_string(vocabularySize()) + " ids)");
    }
    return m_impl->tokenBytes[static_cast<std::size_t>(id)];
}

std::int64_t BpeTokenizer::vocabularySize() const {
    return static_cast<std::int64_t>(m_impl->tokenBytes.size());
}

} // namespace codescope::text
