// Token data sets: .npy files of ids written by numpy (tests/data/make_tokenizer_fixtures.py, expected ids in
// expected.json), packing, and text files tokenised with the fixture tokenizer.
#include "tests/unit/support/test_files.h"
#include "tests/unit/support/tokenizer_fixture.h"
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/input_error.h"
#include "core/data/token_dataset.h"
#include "core/text/bpe_tokenizer.h"

using codescope::test::errorOf;
using codescope::test::writeBytes;

namespace {

using codescope::InputError;
using codescope::data::packTokens;
using codescope::data::readTokenNpy;
using codescope::data::tokenizeTextFile;
using codescope::data::TokenSequences;
using codescope::text::BpeTokenizer;

using codescope::test::kTokenizerDir;
const nlohmann::json& expectedJson() {
    return codescope::test::tokenizerExpectedJson();
}

// numpy's 3 x 8 ids, row-major.
std::vector<std::vector<std::int64_t>> numpyTokens() {
    return expectedJson().at("tokens").get<std::vector<std::vector<std::int64_t>>>();
}

std::int64_t vocabularySize() {
    return expectedJson().at("vocabularySize").get<std::int64_t>();
}

void expectRows(const TokenSequences& sequences, std::int64_t contextLength) {
    const auto rows = numpyTokens();
    const std::int64_t perRow = 8 / contextLength;
    ASSERT_EQ(sequences.contextLength, contextLength);
    ASSERT_EQ(sequences.count(), 3 * perRow);
    for (std::int64_t s = 0; s < sequences.count(); ++s) {
        for (std::int64_t t = 0; t < contextLength; ++t) {
            EXPECT_EQ(
                sequences.at(s, t),
                rows[static_cast<std::size_t>(s / perRow)][static_cast<std::size_t>(s % perRow * contextLength + t)]);
        }
    }
}

TEST(TokenDatasetNpy, ReadsInt32AndInt64AsNumpyWroteThem) {
    for (const char* name : {"tokens_int32.npy", "tokens_int64.npy"}) {
        SCOPED_TRACE(name);
        const TokenSequences sequences = readTokenNpy(kTokenizerDir + "/" + name, 0, vocabularySize());
        EXPECT_EQ(sequences.name, kTokenizerDir + "/" + name);
        expectRows(sequences, 8);
    }
}

TEST(TokenDatasetNpy, ContextLengthCutsEachRowAndDropsItsRemainder) {
    expectRows(readTokenNpy(kTokenizerDir + "/tokens_int64.npy", 4, vocabularySize()), 4);
    expectRows(readTokenNpy(kTokenizerDir + "/tokens_int32.npy", 3, 0), 3); // 2 of 3 per row; 2 ids dropped per row
    EXPECT_NE(errorOf([] {
                  readTokenNpy(kTokenizerDir + "/tokens_int32.npy", 9, 0);
              }).find("context length 9 is longer than its rows of 8 tokens"),
              std::string::npos);
}

TEST(TokenDatasetNpy, FlatArrayIsPacked) {
    const std::string path = kTokenizerDir + "/tokens_flat.npy";
    const TokenSequences sequences = readTokenNpy(path, 5, vocabularySize());
    std::vector<std::int64_t> all;
    for (const auto& row : numpyTokens())
        all.insert(all.end(), row.begin(), row.end());
    ASSERT_EQ(sequences.count(), 4); // 24 ids -> 4 x 5, 4 dropped
    EXPECT_EQ(sequences.ids, std::vector<std::int64_t>(all.begin(), all.begin() + 20));
    EXPECT_NE(errorOf([&] { readTokenNpy(path, 0, 0); }).find("needs a context length"), std::string::npos);
    EXPECT_NE(errorOf([&] { readTokenNpy(path, 25, 0); }).find("too short"), std::string::npos);
}

TEST(TokenDatasetNpy, IdOutsideVocabularyNamesPosition) {
    const std::string path = kTokenizerDir + "/tokens_out_of_vocab.npy";
    EXPECT_EQ(errorOf([&] { readTokenNpy(path, 0, vocabularySize()); }),
              path + ": token id " + std::to_string(vocabularySize()) + " at row 1, column 5 is outside the " +
                  "vocabulary of " + std::to_string(vocabularySize()) + " ids (0-based)");
    // Without a vocabulary size any non-negative id is taken.
    EXPECT_EQ(readTokenNpy(path, 0, 0).at(1, 5), vocabularySize());
}

TEST(TokenDatasetNpy, FloatDtypeAndNonNpyRefused) {
    const std::string message = errorOf([] { readTokenNpy(kTokenizerDir + "/tokens_float.npy", 0, 0); });
    EXPECT_NE(message.find("unsupported dtype '<f4'"), std::string::npos) << message;
    EXPECT_NE(message.find("token ids must be little-endian int32 '<i4' or int64 '<i8'"), std::string::npos);
    EXPECT_NE(errorOf([] { readTokenNpy(kTokenizerDir + "/vocab.json", 0, 0); }).find("not a NumPy .npy file"),
              std::string::npos);
}

TEST(TokenDatasetPack, PacksAndDropsRemainder) {
    const std::vector<std::int64_t> ids = {1, 2, 3, 4, 5, 6, 7};
    const TokenSequences sequences = packTokens(ids, 3, "stream");
    EXPECT_EQ(sequences.count(), 2);
    EXPECT_EQ(sequences.at(1, 0), 4);
    EXPECT_EQ(sequences.ids, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(errorOf([&] { packTokens(ids, 8, "stream"); }),
              "stream: too short: 7 tokens, fewer than one sequence of 8");
    EXPECT_NE(errorOf([&] { packTokens(ids, 0, "stream"); }).find("must be at least 1"), std::string::npos);
}

class TokenDatasetFiles : public codescope::test::TempFolderTest {};

TEST_F(TokenDatasetFiles, TokenizesTextFileAsEncode) {
    const BpeTokenizer tokenizer = BpeTokenizer::fromDirectory(kTokenizerDir);
    const auto& longCase = expectedJson().at("cases").back();
    const std::string path = file("corpus.txt", longCase.at("text").get<std::string>());
    const auto expected = longCase.at("ids").get<std::vector<std::int64_t>>();
    const TokenSequences sequences = tokenizeTextFile(path, tokenizer, 16);
    EXPECT_EQ(sequences.name, path);
    EXPECT_EQ(sequences.count(), static_cast<std::int64_t>(expected.size()) / 16);
    EXPECT_EQ(sequences.ids, std::vector<std::int64_t>(expected.begin(), expected.begin() + sequences.count() * 16));
}

TEST_F(TokenDatasetFiles, TextFileErrorsNameTheFile) {
    const BpeTokenizer tokenizer = BpeTokenizer::fromDirectory(kTokenizerDir);
    const std::string bad = file("bad.txt", "fine text\n\xC3(");
    EXPECT_EQ(errorOf([&] { tokenizeTextFile(bad, tokenizer, 1); }).rfind(bad + ": invalid UTF-8 at byte offset 10", 0),
              0u);
    const std::string tiny = file("tiny.txt", "hi");
    EXPECT_NE(errorOf([&] { tokenizeTextFile(tiny, tokenizer, 64); }).find(tiny + ": too short"), std::string::npos);
    EXPECT_NE(errorOf([&] { tokenizeTextFile(m_dir + "/missing.txt", tokenizer, 4); }).find("cannot open for reading"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { tokenizeTextFile(m_dir, tokenizer, 4); }).find("is a directory"), std::string::npos);
}

TEST_F(TokenDatasetFiles, NegativeIdRefused) {
    // A 1.0 header for a flat '<i8' array of two ids (0 and -1); preamble and header padded to 128 bytes, as numpy
    // pads.
    std::string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }";
    header.resize(128 - 10 - 1, ' ');
    header += '\n';
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) + '\0' + header;
    bytes += std::string(8, '\0') + std::string(8, '\xFF');
    const std::string path = file("negative.npy", bytes);
    const std::string message = errorOf([&] { readTokenNpy(path, 1, 0); });
    EXPECT_NE(message.find("token id -1 at index 1 is negative"), std::string::npos) << message;
}

} // namespace
