// BpeTokenizer. Expected ids come from an independent reference: GPT-2's encoder.py algorithm run in Python with the
// `regex` module on a small merges table learnt from the GPL-3 text (tests/data/make_tokenizer_fixtures.py), and
// from Hugging Face's hand-made GPT-2 tokenizer test vocabulary, checked by hand below.
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
#include <thread>
#include <vector>

#include "core/common/input_error.h"
#include "core/text/bpe_tokenizer.h"

using codescope::test::errorOf;
using codescope::test::writeBytes;

namespace {

using codescope::InputError;
using codescope::text::BpeTokenizer;

using codescope::test::kTokenizerDir;
const nlohmann::json& expectedJson() {
    return codescope::test::tokenizerExpectedJson();
}

const BpeTokenizer& fixtureTokenizer() {
    static const BpeTokenizer tokenizer = BpeTokenizer::fromDirectory(kTokenizerDir);
    return tokenizer;
}

TEST(BpeTokenizerReference, EncodesAsGpt2ReferenceEncoder) {
    const BpeTokenizer& tokenizer = fixtureTokenizer();
    const auto& cases = expectedJson().at("cases");
    ASSERT_GE(cases.size(), 20u);
    for (const auto& item : cases) {
        const auto text = item.at("text").get<std::string>();
        SCOPED_TRACE(text.substr(0, 80));
        EXPECT_EQ(tokenizer.encode(text), item.at("ids").get<std::vector<std::int64_t>>());
    }
}

TEST(BpeTokenizerReference, DecodeInvertsEncode) {
    const BpeTokenizer& tokenizer = fixtureTokenizer();
    for (const auto& item : expectedJson().at("cases")) {
        const auto text = item.at("text").get<std::string>();
        SCOPED_TRACE(text.substr(0, 80));
        EXPECT_EQ(tokenizer.decode(tokenizer.encode(text)), text);
    }
}

TEST(BpeTokenizerReference, VocabularyAndTokenBytes) {
    const BpeTokenizer& tokenizer = fixtureTokenizer();
    EXPECT_EQ(tokenizer.vocabularySize(), expectedJson().at("vocabularySize").get<std::int64_t>());
    // GPT-2's encoder.json starts with the byte symbols in bytes_to_unicode order: '!' is id 0, the space (shown as
    // 'Ġ', U+0120) is id 188 + 32 = 220 (the 33rd of the 68 remapped bytes), and a merge's bytes are its operands'.
    EXPECT_EQ(tokenizer.tokenBytes(0), "!");
    EXPECT_EQ(tokenizer.tokenBytes(220), " ");
    EXPECT_EQ(tokenizer.tokenBytes(188), std::string(1, '\0'));
    EXPECT_EQ(tokenizer.tokenBytes(tokenizer.vocabularySize() - 1), "<|endoftext|>");
    // A token may be part of a UTF-8 character: decode keeps the raw bytes.
    const std::vector<std::int64_t> ids = tokenizer.encode("\xC3\xA9"); // é: two byte tokens
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_EQ(tokenizer.decode({ids[0]}), "\xC3");
    EXPECT_NE(errorOf([&] { tokenizer.tokenBytes(tokenizer.vocabularySize()); }).find("not in the vocabulary"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { tokenizer.decode({5, -1}); }).find("token id -1 at position 1"), std::string::npos);
}

TEST(BpeTokenizerReference, ConcurrentEncodesAgree) {
    const BpeTokenizer tokenizer = BpeTokenizer::fromDirectory(kTokenizerDir); // a fresh, empty cache
    const auto& cases = expectedJson().at("cases");
    std::vector<std::thread> threads;
    std::vector<int> mismatches(4, 0);
    for (std::size_t t = 0; t < mismatches.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 20; ++round) {
                for (const auto& item : cases) {
                    if (tokenizer.encode(item.at("text").get<std::string>()) !=
                        item.at("ids").get<std::vector<std::int64_t>>()) {
                        ++mismatches[t];
                    }
                }
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    for (const int count : mismatches)
        EXPECT_EQ(count, 0);
}

TEST(BpeTokenizerReference, InvalidUtf8NamesByteOffset) {
    const BpeTokenizer& tokenizer = fixtureTokenizer();
    const std::string message = errorOf([&] { tokenizer.encode("abc \xFF rest", "notes.txt"); });
    EXPECT_EQ(message.rfind("notes.txt: invalid UTF-8 at byte offset 4", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
    for (const std::string& bad :
         {std::string("ok \xE2\x82"), std::string("ok \xED\xA0\x80"), std::string("ok \xC0\xAF"),
          std::string("ok \xF4\x90\x80\x80"), std::string("ok \x80")}) {
        SCOPED_TRACE(bad);
        EXPECT_NE(errorOf([&] { tokenizer.encode(bad); }).find("invalid UTF-8 at byte offset 3"), std::string::npos);
    }
}

class BpeTokenizerFiles : public codescope::test::TempFolderTest {
protected:
    // Hugging Face's GPT-2 tokenizer test vocabulary (transformers tests/models/gpt2/test_tokenization_gpt2.py).
    void writeTinyVocabulary(const std::string& merges = "#version: 0.2\n\u0120 l\n\u0120l o\n\u0120lo w\ne r\n\n") {
        const std::vector<std::string> tokens = {"l",
                                                 "o",
                                                 "w",
                                                 "e",
                                                 "r",
                                                 "s",
                                                 "t",
                                                 "i",
                                                 "d",
                                                 "n",
                                                 "\u0120",
                                                 "\u0120l",
                                                 "\u0120n",
                                                 "\u0120lo",
                                                 "\u0120low",
                                                 "er",
                                                 "\u0120lowest",
                                                 "\u0120newer",
                                                 "\u0120wider",
                                                 "<unk>"};
        nlohmann::json vocab = nlohmann::json::object();
        for (std::size_t i = 0; i < tokens.size(); ++i)
            vocab[tokens[i]] = i;
        file("vocab.json", vocab.dump());
        file("merges.txt", merges);
    }
};

TEST_F(BpeTokenizerFiles, HuggingFaceTinyVocabulary) {
    writeTinyVocabulary();
    const BpeTokenizer tokenizer = BpeTokenizer::fromDirectory(m_dir);
    EXPECT_EQ(tokenizer.vocabularySize(), 20);
    // " lower": Ġ l o w e r -> (Ġ l) Ġl o w e r -> (Ġl o) Ġlo w e r -> (Ġlo w) Ġlow e r -> (e r) Ġlow er = 14 15.
    // " newer": Ġ n e w e r has only the pair (e r): Ġ n e w er = 10 9 3 2 15.
    const std::vector<std::int64_t> expected = {14, 15, 10, 9, 3, 2, 15};
    EXPECT_EQ(tokenizer.encode(" lower newer"), expected);
    EXPECT_EQ(tokenizer.decode(expected), " lower newer");
    // No byte 'x' in this vocabulary: the error names the byte, its offset and its symbol.
    const std::string message = errorOf([&] { tokenizer.encode("lo x", "in.txt"); });
    EXPECT_EQ(message, "in.txt: byte 0x78 at byte offset 3 has no token: its symbol 'x' is not in vocab.json");
}

TEST_F(BpeTokenizerFiles, MergesWithoutHeaderAndWithCrLf) {
    writeTinyVocabulary("\u0120 l\r\n\u0120l o\r\n\r\n\u0120lo w\r\ne r");
    EXPECT_EQ(BpeTokenizer::fromDirectory(m_dir).encode(" lower"), (std::vector<std::int64_t>{14, 15}));
}

TEST_F(BpeTokenizerFiles, MalformedMergeLineNamesLine) {
    writeTinyVocabulary("#version: 0.2\n\u0120 l\ne r x\n");
    const std::string message = errorOf([&] { BpeTokenizer::fromDirectory(m_dir); });
    EXPECT_EQ(message, m_dir + "/merges.txt: line 3: expected two symbols separated by one space, got 'e r x'");
    writeTinyVocabulary("#version: 0.2\nlow\n");
    EXPECT_NE(errorOf([&] { BpeTokenizer::fromDirectory(m_dir); }).find("line 2: expected two symbols"),
              std::string::npos);
}

TEST_F(BpeTokenizerFiles, MergeResultMissingFromVocabulary) {
    writeTinyVocabulary("#version: 0.2\n\u0120 l\nl o\n");
    const std::string message = errorOf([&] { BpeTokenizer::fromDirectory(m_dir); });
    EXPECT_NE(message.find("merges.txt: line 3: merge 'l o' makes 'lo', which is not in"), std::string::npos)
        << message;
}

TEST_F(BpeTokenizerFiles, MalformedVocabulary) {
    file("merges.txt", "#version: 0.2\n");
    const auto load = [&] { BpeTokenizer::fromDirectory(m_dir); };
    file("vocab.json", "{\"a\": 0, ");
    EXPECT_EQ(errorOf(load).rfind(m_dir + "/vocab.json: not valid JSON (", 0), 0u);
    file("vocab.json", "[\"a\", \"b\"]");
    EXPECT_NE(errorOf(load).find("expected a non-empty JSON object"), std::string::npos);
    file("vocab.json", "{\"a\": 0, \"b\": \"1\"}");
    EXPECT_NE(errorOf(load).find("token 'b' has id \"1\", not an integer"), std::string::npos);
    file("vocab.json", "{\"a\": 0, \"b\": -3}");
    EXPECT_NE(errorOf(load).find("token 'b' has id -3"), std::string::npos);
    file("vocab.json", "{\"a\": 0, \"b\": 0}");
    EXPECT_NE(errorOf(load).find("id 0 is given to both"), std::string::npos);
    std::filesystem::remove(m_dir + "/vocab.json");
    EXPECT_EQ(errorOf(load).rfind(m_dir + "/vocab.json: cannot open for reading", 0), 0u);
}

TEST_F(BpeTokenizerFiles, SparseIdsCountToLargestPlusOne) {
    file("vocab.json", "{\"a\": 0, \"b\": 5}");
    file("merges.txt", "");
    const BpeTokenizer tokenizer = BpeTokenizer::fromDirectory(m_dir);
    EXPECT_EQ(tokenizer.vocabularySize(), 6);
    EXPECT_EQ(tokenizer.encode("ba"), (std::vector<std::int64_t>{5, 0}));
    EXPECT_NE(errorOf([&] { tokenizer.decode({3}); }).find("token id 3 at position 0"), std::string::npos);
}

} // namespace
