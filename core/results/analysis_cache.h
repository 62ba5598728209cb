#pragma once
// Analyses cached next to what they analysed, so that reopening a run or a sweep is instant: the file name carries a
// key of everything the result depends on (the model file's bytes, the data set and every setting), so a changed
// model or setting never reads a stale result.
#include <cstdint>
#include <optional>
#include <string>

namespace codescope::results {

/// What an analysis depends on besides the model file.
struct AnalysisSettings {
    std::string dataset;          ///< the data set spec as given (e.g. "fashion-mnist")
    std::string layers = "auto";  ///< the layer list as given
    std::string inputShape;       ///< the C x H x W the model ran at ("1x28x28"), empty for token data
    std::string normalize = "none";
    std::int64_t samples = 0;
    int fitLo = 0, fitHi = 0;
    std::int64_t maxComponents = 0, maxFeatures = 0;
    int bootstrap = 0;
    std::uint64_t seed = 0;
    int projections = 0, frames = 0;
    double bitsPerUnit = 0;
    std::string estimator = "huber";
    std::string spectrum = "pca";
};

/// 64-bit FNV-1a of the file's bytes, as 16 hex digits. Throws InputError naming the file if it cannot be read.
std::string fileDigest(const std::string& path);

/// The cache key: 16 hex digits of FNV-1a over the model digest and every setting, written canonically.
std::string analysisCacheKey(const std::string& modelDigest, const AnalysisSettings& settings);

/// Where the analysis with `key` of the model in `folder` (a run folder, or the model file's folder) is cached:
/// folder/analysis-<key>.json.
std::string analysisCachePath(const std::string& folder, const std::string& key);

/// The cached analysis's path if it exists.
std::optional<std::string> findCachedAnalysis(const std::string& folder, const std::string& key);

} // namespace codescope::results
