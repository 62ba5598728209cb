// A GPT-2 tokenizer's vocab.json and merges.txt: the input is both, split at the first NUL byte (seeds:
// tests/data/fuzz/vocab_merges), then a short text is encoded and decoded.
#include <algorithm>
#include <string>

#include "core/common/input_error.h"
#include "core/text/bpe_tokenizer.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::uint8_t* split = std::find(data, data + size, 0);
    const std::size_t vocabBytes = static_cast<std::size_t>(split - data);
    const std::string vocab = codescope::fuzz::asFile(data, vocabBytes, 0);
    const std::size_t rest = vocabBytes < size ? size - vocabBytes - 1 : 0;
    const std::string merges = codescope::fuzz::asFile(split + (vocabBytes < size ? 1 : 0), rest, 1);
    try {
        const auto tokenizer = codescope::text::BpeTokenizer::fromFiles(vocab, merges);
        const auto ids = tokenizer.encode("Hello world, 123 tokens!", "text");
        tokenizer.decode(ids);
    } catch (const codescope::InputError&) {
    }
    return 0;
}
