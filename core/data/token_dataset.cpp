#include "core/data/token_dataset.h"

#include <algorithm>

#include "core/common/input_error.h"
#include "core/data/image_dataset.h"
#include "core/io/input_file.h"
#include "core/io/npy_reader.h"
#include "core/text/bpe_tokenizer.h"

namespace codescope::data {

namespace {

// Ids are converted a chunk of this many at a time, so the raw bytes never need a second buffer as large as the file.
constexpr std::int64_t kChunkIds = std::int64_t{1} << 20;

std::int64_t loadLittleEndianId(const unsigned char* bytes, std::int64_t itemSize) {
    std::uint64_t bits = 0;
    for (std::int64_t i = itemSize - 1; i >= 0; --i)
        bits = bits << 8 | bytes[i];
    if (itemSize == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(bits));
    return static_cast<std::int64_t>(bits);
}

} // namespace

TokenSequences packTokens(const std::vector<std::int64_t>& ids, std::int64_t contextLength, const std::string& name) {
    if (contextLength < 1) {
        throw InputError(name + ": context length " + std::to_string(contextLength) + " must be at least 1");
    }
    const auto available = static_cast<std::int64_t>(ids.size());
    if (available < contextLength) {
        throw InputError(name + ": too short: " + std::to_string(available) + " tokens, fewer than one sequence of " +
                         std::to_string(contextLength));
    }
    TokenSequences sequences;
    sequences.name = name;
    sequences.contextLength = contextLength;
    sequences.ids.assign(ids.begin(), ids.begin() + available / contextLength * contextLength);
    return sequences;
}

TokenSequences readTokenNpy(const std::string& path, std::int64_t contextLength, std::int64_t vocabularySize) {
    const ReadOnlyFile file(path);
    const io::NpyArrayHeader header = io::readNpyArrayHeader(
        file.descriptor(), path, {"<i4", "<i8"}, "token ids must be little-endian int32 '<i4' or int64 '<i8'");
    const std::vector<std::int64_t>& shape = header.shape;
    const std::string shapeText = io::npyShapeText(shape);
    if (shape.size() != 1 && shape.size() != 2) {
        throw InputError(path + ": shape " + shapeText + " is " + std::to_string(shape.size()) +
                         "-D; expected token ids N x T (sequences x positions) or a flat N");
    }
    if (shape.size() == 2 && header.fortranOrder) {
        throw InputError(path + ": Fortran-order arrays are not supported; save np.ascontiguousarray(ids)");
    }
    if (std::count(shape.begin(), shape.end(), 0) > 0) {
        throw InputError(path + ": shape " + shapeText + " has a zero dimension: no tokens");
    }
    if (contextLength < 0) {
        throw InputError(path + ": context length " + std::to_string(contextLength) + " is negative");
    }
    const bool flat = shape.size() == 1;
    if (flat && contextLength == 0) {
        throw InputError(path + ": a flat array of " + std::to_string(shape[0]) +
                         " ids needs a context length to be cut into sequences");
    }
    const std::int64_t itemSize = header.descr == "<i4" ? 4 : 8;
    io::npyCheckedDataBytes(header, itemSize, path);

    // A flat file is one row; a row of rowLength ids keeps its first `kept` and drops the rest, the remainder
    // after the last whole sequence of contextLength.
    const std::int64_t rowLength = flat ? shape[0] : shape[1];
    const std::int64_t rows = flat ? 1 : shape[0];
    const std::int64_t length = contextLength == 0 ? rowLength : contextLength;
    if (length > rowLength) {
        throw InputError(path + ": too short: context length " + std::to_string(length) + " is longer than " +
                         (flat ? "the " + std::to_string(rowLength) + " ids of the file"
                               : "its rows of " + std::to_string(rowLength) + " tokens"));
    }
    const std::int64_t kept = rowLength / length * length;

    TokenSequences sequences;
    sequences.name = path;
    sequences.contextLength = length;
    sequences.ids.reserve(static_cast<std::size_t>(rows * kept));
    const std::int64_t total = rows * rowLength;
    std::vector<unsigned char> buffer;
    for (std::int64_t first = 0; first < total; first += kChunkIds) {
        const std::int64_t count = std::min(kChunkIds, total - first);
        buffer.resize(static_cast<std::size_t>(count * itemSize));
        file.read(header.dataOffset + first * itemSize, buffer.data(), buffer.size());
        for (std::int64_t i = 0; i < count; ++i) {
            const std::int64_t index = first + i;
            const std::int64_t id = loadLittleEndianId(buffer.data() + i * itemSize, itemSize);
            if (id < 0 || (vocabularySize > 0 && id >= vocabularySize)) {
                const std::string position =
                    flat ? "index " + std::to_string(index)
                         : "row " + std::to_string(index / rowLength) + ", column " + std::to_string(index % rowLength);
                throw InputError(path + ": token id " + std::to_string(id) + " at " + position +
                                 (id < 0 ? " is negative"
                                         : " is outside the vocabulary of " + std::to_string(vocabularySize) + " ids") +
                                 " (0-based)");
            }
            if (index % rowLength < kept) sequences.ids.push_back(id);
        }
    }
    return sequences;
}

namespace {

// The whole file, as bytes. Throws InputError naming it for a folder, a pipe or device, a missing or unreadable file,
// or one too large: every token costs 8 bytes once encoded, so the cap keeps the ids within a few GiB.
std::string readTextFile(const std::string& path) {
    return io::readInputFile(path, std::int64_t{256} << 20, "a text to tokenise");
}

} // namespace

TokenSequences tokenizeTextFile(const std::string& path, const text::BpeTokenizer& tokenizer,
                                std::int64_t contextLength) {
    return packTokens(tokenizer.encode(readTextFile(path), path), contextLength, path);
}

TokenSequences byteTokensOfTextFile(const std::string& path, std::int64_t contextLength) {
    const std::string text = readTextFile(path);
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    return packTokens(std::vector<std::int64_t>(bytes, bytes + text.size()), contextLength, path);
}

} // namespace codescope::data
