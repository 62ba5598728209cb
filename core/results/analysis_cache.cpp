#include "core/results/analysis_cache.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/common/input_error.h"

namespace codescope::results {

namespace {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;

std::uint64_t fnv1a(const char* data, std::size_t size, std::uint64_t hash) {
    for (std::size_t i = 0; i < size; ++i) {
        hash ^= static_cast<unsigned char>(data[i]);
        hash *= kFnvPrime;
    }
    return hash;
}

std::string hex(std::uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

} // namespace

std::string fileDigest(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot read the file (missing or not readable)");
    std::uint64_t hash = kFnvOffset;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        hash = fnv1a(buffer.data(), static_cast<std::size_t>(in.gcount()), hash);
    }
    if (in.bad()) throw InputError(path + ": read error while keying the analysis cache");
    return hex(hash);
}

std::string analysisCacheKey(const std::string& modelDigest, const std::string& settingsText) {
    // "format 2": keys made from the whole request (format 1 keyed a hand-kept list of settings).
    const std::string text = "codescope-analysis-cache 2\n" + modelDigest + "\n" + settingsText;
    return hex(fnv1a(text.data(), text.size(), kFnvOffset));
}

std::string analysisCachePath(const std::string& folder, const std::string& key) {
    return (std::filesystem::path(folder) / ("analysis-" + key + ".json")).string();
}

std::optional<std::string> findCachedAnalysis(const std::string& folder, const std::string& key) {
    const std::string path = analysisCachePath(folder, key);
    std::error_code error;
    if (std::filesystem::is_regular_file(path, error)) return path;
    return std::nullopt;
}

} // namespace codescope::results
