#pragma once
// A small, strict parser for "--name value" / "--name=value" options: unknown options and malformed numbers are
// usage errors (exit code 2), never silently ignored.
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace codescope::cli {

/// A usage error: the message is printed as one line on stderr and the program exits with code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class CommandLine {
public:
    /// Parses args (without the program and subcommand names). valueOptions take a value; flags do not.
    /// Throws UsageError for an unknown option, a missing value, a repeated option or a positional argument.
    CommandLine(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
                const std::set<std::string>& flags);

    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    std::string text(const std::string& name, const std::string& fallback = "") const;
    /// An integer option within [min, max]. Throws UsageError if it is not one.
    std::int64_t integer(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
    /// "LO:HI" with integers. Throws UsageError if malformed.
    std::pair<int, int> range(const std::string& name, std::pair<int, int> fallback) const;

private:
    std::map<std::string, std::string> m_values;
};

} // namespace codescope::cli
