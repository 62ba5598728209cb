#include "core/io/json_input.h"

#include <utility>

#include "core/io/input_file.h"

namespace codescope::io {

namespace {

// One pass over the raw text: bracket depth outside strings, and each string's length. Malformed text is left to
// the parser, which says where it breaks; this only refuses what the parser would accept at too high a cost.
void checkLimits(const std::string& text, const std::string& source, const JsonLimits& limits) {
    int depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            const std::size_t start = i;
            for (++i; i < text.size() && text[i] != '"'; ++i)
                if (text[i] == '\\') ++i;
            if (i - start - 1 > limits.maxStringBytes) {
                throw JsonInputError(source, static_cast<std::int64_t>(start),
                                     "a string of " + std::to_string(i - start - 1) + " bytes is longer than the " +
                                         std::to_string(limits.maxStringBytes) + " allowed");
            }
        } else if (c == '[' || c == '{') {
            if (++depth > limits.maxDepth) {
                throw JsonInputError(source, static_cast<std::int64_t>(i),
                                     "nested deeper than " + std::to_string(limits.maxDepth) + " levels");
            }
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

// nlohmann's what() is "[json.exception.KIND.ID] parse error at line 1, column 5: REASON"; only the reason is
// for the user, the position is kept separately.
std::string reasonOf(const nlohmann::json::exception& error) {
    std::string what = error.what();
    const std::size_t bracket = what.find("] ");
    if (what.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos) what.erase(0, bracket + 2);
    const std::size_t colon = what.rfind(": ");
    if (what.rfind("parse error", 0) == 0 && colon != std::string::npos) what.erase(0, colon + 2);
    return oneLine(what, 300);
}

} // namespace

JsonInputError::JsonInputError(std::string source, std::int64_t byteOffset, std::string reason)
    : InputError(oneLine(source) + (byteOffset >= 0 ? ": byte " + std::to_string(byteOffset) : std::string()) + ": " +
                 reason),
      m_source(std::move(source)), m_offset(byteOffset), m_reason(std::move(reason)) {}

nlohmann::json parseJsonText(const std::string& text, const std::string& source, const JsonLimits& limits) {
    checkLimits(text, source, limits);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        throw JsonInputError(source, static_cast<std::int64_t>(error.byte), "not valid JSON (" + reasonOf(error) + ")");
    } catch (const nlohmann::json::exception& error) {
        // out_of_range: a number beyond double's range (4e99999).
        throw JsonInputError(source, -1, "not valid JSON (" + reasonOf(error) + ")");
    }
}

nlohmann::json readJsonFile(const std::string& path, const JsonLimits& limits) {
    return parseJsonText(readInputFile(path, limits.maxFileBytes, "a JSON file"), path, limits);
}

std::string jsonTypeText(const nlohmann::json& value) {
    switch (value.type()) {
    case nlohmann::json::value_t::null:
        return "null";
    case nlohmann::json::value_t::object:
        return "an object";
    case nlohmann::json::value_t::array:
        return "an array";
    case nlohmann::json::value_t::string:
        return "a string";
    case nlohmann::json::value_t::boolean:
        return "a boolean";
    case nlohmann::json::value_t::number_float:
        return "a fractional number";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
        return "an integer";
    default:
        return "a value of another kind";
    }
}

namespace {

const nlohmann::json& field(const nlohmann::json& object, const char* key, const std::string& source) {
    if (!object.is_object())
        throw InputError(oneLine(source) + ": expected a JSON object, found " + jsonTypeText(object));
    const auto found = object.find(key);
    if (found == object.end()) throw InputError(oneLine(source) + ": '" + key + "' is missing");
    return *found;
}

std::string shownValue(const nlohmann::json& value) {
    return value.is_primitive() ? oneLine(value.dump(), 60) : jsonTypeText(value);
}

} // namespace

std::int64_t jsonInteger(const nlohmann::json& object, const char* key, const std::string& source, std::int64_t min,
                         std::int64_t max, const std::int64_t* fallback) {
    if (fallback && object.is_object() && !object.contains(key)) return *fallback;
    const nlohmann::json& value = field(object, key, source);
    bool inRange = false;
    std::int64_t result = 0;
    if (value.is_number_unsigned()) { // nlohmann reads every non-negative integer as unsigned
        const auto u = value.get<std::uint64_t>();
        inRange =
            max >= 0 && u <= static_cast<std::uint64_t>(max) && (min <= 0 || u >= static_cast<std::uint64_t>(min));
        result = static_cast<std::int64_t>(u);
    } else if (value.is_number_integer()) {
        result = value.get<std::int64_t>();
        inRange = result >= min && result <= max;
    }
    if (!inRange) {
        throw InputError(oneLine(source) + ": '" + key + "' must be an integer in [" + std::to_string(min) + ", " +
                         std::to_string(max) + "], found " + shownValue(value));
    }
    return result;
}

double jsonNumber(const nlohmann::json& object, const char* key, const std::string& source, double min, double max) {
    const nlohmann::json& value = field(object, key, source);
    if (!value.is_number() || !(value.get<double>() >= min && value.get<double>() <= max)) {
        throw InputError(oneLine(source) + ": '" + key + "' must be a number in [" +
                         oneLine(nlohmann::json(min).dump()) + ", " + oneLine(nlohmann::json(max).dump()) +
                         "], found " + shownValue(value));
    }
    return value.get<double>();
}

bool jsonBool(const nlohmann::json& object, const char* key, const std::string& source) {
    const nlohmann::json& value = field(object, key, source);
    if (!value.is_boolean()) {
        throw InputError(oneLine(source) + ": '" + key + "' must be true or false, found " + shownValue(value));
    }
    return value.get<bool>();
}

} // namespace codescope::io
