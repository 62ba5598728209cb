#include "app/cli/command_line.h"

#include <cerrno>
#include <cstdlib>

namespace codescope::cli {

namespace {
bool parseInteger(const std::string& text, std::int64_t& value) {
    if (text.empty()) return false;
    char* end = nullptr;
    errno = 0;
    const long long parsed = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return false;
    value = parsed;
    return true;
}
} // namespace

CommandLine::CommandLine(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
                         const std::set<std::string>& flags) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + arg + "'");
        std::string name = arg.substr(2);
        std::string value;
        const auto equals = name.find('=');
        const bool inlineValue = equals != std::string::npos;
        if (inlineValue) {
            value = name.substr(equals + 1);
            name = name.substr(0, equals);
        }
        if (flags.count(name)) {
            if (inlineValue) throw UsageError("option --" + name + " takes no value");
        } else if (valueOptions.count(name)) {
            if (!inlineValue) {
                if (i + 1 >= args.size()) throw UsageError("option --" + name + " needs a value");
                value = args[++i];
            }
        } else {
            throw UsageError("unknown option --" + name);
        }
        if (m_values.count(name)) throw UsageError("option --" + name + " given twice");
        m_values[name] = value;
    }
}

std::string CommandLine::text(const std::string& name, const std::string& fallback) const {
    const auto found = m_values.find(name);
    return found == m_values.end() ? fallback : found->second;
}

std::int64_t CommandLine::integer(const std::string& name, std::int64_t fallback, std::int64_t min,
                                  std::int64_t max) const {
    if (!has(name)) return fallback;
    std::int64_t value = 0;
    if (!parseInteger(text(name), value) || value < min || value > max)
        throw UsageError("--" + name + " must be an integer from " + std::to_string(min) + " to " +
                         std::to_string(max) + ", got '" + text(name) + "'");
    return value;
}

std::pair<int, int> CommandLine::range(const std::string& name, std::pair<int, int> fallback) const {
    if (!has(name)) return fallback;
    const std::string value = text(name);
    const auto colon = value.find(':');
    std::int64_t lo = 0;
    std::int64_t hi = 0;
    if (colon == std::string::npos || !parseInteger(value.substr(0, colon), lo) ||
        !parseInteger(value.substr(colon + 1), hi) || lo < 1 || hi <= lo || hi > 1000000)
        throw UsageError("--" + name + " must be LO:HI with 1 <= LO < HI (1-based components), got '" + value + "'");
    return {static_cast<int>(lo), static_cast<int>(hi)};
}

} // namespace codescope::cli
