#pragma once
// The tokenizer fixture (tests/data/tokenizer, made by tests/data/make_tokenizer_fixtures.py): a GPT-2-format
// vocabulary and merges, and the ids a Python re-implementation of GPT-2's encoder gives for its test strings.
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace codescope::test {

inline const std::string kTokenizerDir = std::string(CODESCOPE_TEST_DATA_DIR) + "/tokenizer";

/// expected.json: {"cases": [{"text", "ids"}, ...]}, read once.
inline const nlohmann::json& tokenizerExpectedJson() {
    static const nlohmann::json json = [] {
        std::ifstream in(kTokenizerDir + "/expected.json");
        if (!in) throw std::runtime_error("cannot open " + kTokenizerDir + "/expected.json");
        return nlohmann::json::parse(in);
    }();
    return json;
}

} // namespace codescope::test
