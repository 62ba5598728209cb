#pragma once
// The analysis JSON file (`codescope-cli analyze --json`, core/results/layer_report.h) read into an Analysis, and an
// Analysis written back in the same layout, so that a capture run in the app can be reopened by the app or the CLI.
#include <QString>
#include <optional>
#include <string>

#include "app/figures/analysis.h"

namespace codescope::gui {

/// Why a file could not be read: which file, where (byte offset, -1 when the problem is not at one place), and what.
struct AnalysisFileError {
    QString file;
    qint64 offset = -1;
    QString reason;
    /// One line for a dialog or the status bar: "FILE: byte N: REASON".
    QString message() const;
};

/// An analysis, or the error that kept it from being read.
struct AnalysisReadResult {
    std::optional<Analysis> analysis;
    AnalysisFileError error;
    bool ok() const { return analysis.has_value(); }
};

/// Reads `path`. Never throws: a missing file, a folder, invalid JSON or JSON of another layout comes back as an
/// error. Layers are returned in depth order; null numbers (a CI without bootstrap) become NaN.
AnalysisReadResult readAnalysisFile(const QString& path);

/// The same from text already in memory; `path` only names the source in errors and in Analysis::sourcePath.
AnalysisReadResult parseAnalysisJson(const std::string& text, const QString& path);

/// Writes `analysis` to `path` atomically in the CLI's layout. Returns an error message, or "" on success.
QString writeAnalysisFile(const Analysis& analysis, const QString& path);

} // namespace codescope::gui
