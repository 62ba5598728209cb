#include "core/results/analysis_cache.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "core/common/input_error.h"
#include "core/io/input_file.h"

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
    const io::InputFile file(path); // a pipe or a device would never end
    std::uint64_t hash = kFnvOffset;
    std::vector<unsigned char> buffer(1 << 20);
    for (std::int64_t offset = 0; offset < file.size();) {
        const auto size = static_cast<std::size_t>(std::min<std::int64_t>(file.size() - offset, buffer.size()));
        file.read(offset, buffer.data(), size);
        hash = fnv1a(reinterpret_cast<const char*>(buffer.data()), size, hash);
        offset += static_cast<std::int64_t>(size);
    }
    return hex(hash);
}

std::string analysisCacheKey(const std::string& modelDigest, const std::string& settingsText) {
    // "format 2": keys made from the whole request (format 1 keyed a hand-kept list of settings). "format 3": token
    // analyses' intervals resample whole sequences (format 2's resampled tokens, too narrow): none is reused.
    const std::string text = "codescope-analysis-cache 3\n" + modelDigest + "\n" + settingsText;
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
