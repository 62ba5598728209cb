#pragma once
// Analyses cached next to what they analysed, so that reopening a run or a sweep is instant: the file name carries a
// key of everything the result depends on (the model file's bytes, the data set and every setting), so a changed
// model or setting never reads a stale result.
#include <cstdint>
#include <optional>
#include <string>

namespace codescope::results {

/// 64-bit FNV-1a of the file's bytes, as 16 hex digits. Throws InputError naming the file if it cannot be read.
std::string fileDigest(const std::string& path);

/// The cache key: 16 hex digits of FNV-1a over the model digest and `settingsText`, the canonical text of every
/// setting the result depends on (pipeline::resultDefiningText).
std::string analysisCacheKey(const std::string& modelDigest, const std::string& settingsText);

/// Where the analysis with `key` of the model in `folder` (a run folder, or the model file's folder) is cached:
/// folder/analysis-<key>.json.
std::string analysisCachePath(const std::string& folder, const std::string& key);

/// The cached analysis's path if it exists.
std::optional<std::string> findCachedAnalysis(const std::string& folder, const std::string& key);

} // namespace codescope::results
