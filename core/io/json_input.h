#pragma once
// JSON files the user hands us (a run's manifest, an analysis, a sweep, a tokenizer's vocab.json), parsed within
// limits: nesting depth and string length are checked on the raw text before the parser builds anything, so a file
// of 200,000 nested brackets or a 100,000-character name is refused in one line instead of exhausting the stack or
// the memory of whatever walks the tree later. Every parser failure, a number out of range (4e99999) included,
// becomes a JsonInputError that names the file.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/input_error.h"

namespace codescope::io {

/// What a JSON input may hold.
struct JsonLimits {
    int maxDepth = 64;                      ///< nested objects and arrays
    std::size_t maxStringBytes = 64 * 1024; ///< one string or key, in bytes as written (escapes included)
    std::int64_t maxFileBytes = 64 << 20;   ///< the whole file (readJsonFile only)
};

/// A JSON input that cannot be used. what() is "SOURCE: not valid JSON (REASON)" or "SOURCE: byte N: REASON".
class JsonInputError : public InputError {
public:
    JsonInputError(std::string source, std::int64_t byteOffset, std::string reason);
    const std::string& source() const { return m_source; }
    std::int64_t byteOffset() const { return m_offset; } ///< where the text broke, -1 when not at one place
    const std::string& reason() const { return m_reason; }

private:
    std::string m_source;
    std::int64_t m_offset;
    std::string m_reason;
};

/// Parses `text` (named `source` in errors) after checking it against `limits`. Throws JsonInputError.
nlohmann::json parseJsonText(const std::string& text, const std::string& source, const JsonLimits& limits = {});

/// Reads the file at `path` through InputFile (pipes and devices refused, at most limits.maxFileBytes) and parses
/// it. Throws InputError for a file that cannot be read, JsonInputError for its contents.
nlohmann::json readJsonFile(const std::string& path, const JsonLimits& limits = {});

/// A JSON value's type in words ("a string", "an array", ...), for messages such as "'hidden' must be an integer,
/// found a string".
std::string jsonTypeText(const nlohmann::json& value);

/// The integer `object[key]`, checked: throws InputError "SOURCE: 'KEY' must be an integer in [MIN, MAX], found ..."
/// if `object` is not an object, the key is missing (unless `fallback` is given), or the value is of another JSON
/// type or out of range. Model configs read their sizes with it, so that a size of 2^40 is refused before LibTorch
/// tries to allocate it.
std::int64_t jsonInteger(const nlohmann::json& object, const char* key, const std::string& source, std::int64_t min,
                         std::int64_t max, const std::int64_t* fallback = nullptr);

/// The number `object[key]` in [min, max]; as jsonInteger.
double jsonNumber(const nlohmann::json& object, const char* key, const std::string& source, double min, double max);

/// The boolean `object[key]`; as jsonInteger.
bool jsonBool(const nlohmann::json& object, const char* key, const std::string& source);

} // namespace codescope::io
