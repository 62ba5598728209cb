#pragma once
// The analysis JSON (layer_report.h's layout, `codescope-cli analyze --json`, the analysis cache) read back into the
// core's per-layer results, for the CLI's cache, the report and the GUI alike.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/results/analysis_timings.h"
#include "core/results/layer_spectrum.h"
#include "core/common/input_error.h"

namespace codescope::results {

struct LayerReport {
    std::string model, dataset;
    std::int64_t samples = 0;
    std::vector<results::LayerSpectrum> layers; ///< depth order
    /// How it was made: the analysis request as JSON text (pipeline::requestToJson; pipeline::recordedRequest reads
    /// it) and the version of the program that made it. Both empty for a file written before results recorded them.
    std::string requestJson;
    std::string programVersion;
    /// The result's provenance as JSON text (pipeline::provenanceToJson; pipeline/provenance.h reads it); empty for a
    /// file written before results recorded it.
    std::string provenanceJson;
    /// Where the analysis's wall time went, for one just computed; empty for a report read from a file (the timings
    /// are written, not read back: a cached analysis took no time this time).
    std::optional<AnalysisTimings> timings;
};

/// Why a report could not be read: the source, the byte where the JSON broke (-1 when not at one place), the reason.
/// what() is "SOURCE: byte N: REASON".
class LayerReportError : public InputError {
public:
    LayerReportError(std::string source, std::int64_t byteOffset, std::string reason);
    const std::string& source() const { return m_source; }
    std::int64_t byteOffset() const { return m_offset; }
    const std::string& reason() const { return m_reason; }

private:
    std::string m_source;
    std::int64_t m_offset;
    std::string m_reason;
};

/// Parses a report from `text`; sourceName names it in errors. Null numbers (no bootstrap) become NaN; layers are
/// sorted by depth; each layer's coding record is read when present. Throws LayerReportError.
LayerReport parseLayerReport(const std::string& text, const std::string& sourceName);

/// Reads and parses the file at `path`. Throws LayerReportError naming it.
LayerReport readLayerReport(const std::string& path);

} // namespace codescope::results
