#pragma once
// A dropout sweep as the app shows it: every run's cached analysis (written by `codescope-cli analyze --sweep` or
// `--run`, core/results/analysis_cache.h), read without touching a model, so opening a sweep is instant. Pure
// functions: the app calls them on a worker thread.
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

#include "app/figures/analysis.h"

namespace codescope::gui {

struct SweepRunAnalysis {
    double dropout = 0;
    QString runName; ///< the run folder's name, e.g. "dropout-0.2"
    Analysis analysis;
};

struct SweepReadResult {
    QString folder;
    std::vector<SweepRunAnalysis> runs; ///< increasing dropout; only runs with a cached analysis
    QStringList skipped;                ///< every run without a usable cached analysis, "NAME: reason"
    QStringList unanalysed;             ///< run folders that have no analysis yet and could be analysed now
    QString error;                      ///< non-empty when the folder is not a readable sweep or no run has one
    bool ok() const { return error.isEmpty(); }
};

/// True if `folder` holds a sweep (a sweep.json from `codescope-cli train`).
bool isSweepFolder(const QString& folder);

/// Reads the sweep in `folder`: for each run, its most recently written analysis-*.json. Never throws.
SweepReadResult readSweep(const QString& folder);

} // namespace codescope::gui
