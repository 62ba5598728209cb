#pragma once
// A dropout sweep on disk (`codescope-cli train --out DIR`): DIR/sweep.json lists the runs, each a folder with its
// manifest and model, and each run's analyses are cached beside it (analysis_cache.h). No LibTorch here: the GUI and
// the report read sweeps without loading a model.
#include <string>
#include <vector>

namespace codescope::results {

struct SweepRun {
    double dropout = 0;
    std::string directory; ///< absolute or relative to the working directory (sweep folder + the listed folder)
    std::string name;      ///< the folder's name, e.g. "dropout-0.2"
    bool finished = false; ///< the run's manifest says training finished
    /// Why this run cannot be used (its folder or manifest missing or unreadable), one line naming the file; empty
    /// for a usable run. One broken run never hides the others.
    std::string problem;
};

/// The runs of the sweep in `folder`, in increasing dropout, each with its `problem` if it has one. Throws
/// InputError naming the file for a missing or malformed sweep.json (then there is no sweep to show).
std::vector<SweepRun> readSweepFolder(const std::string& folder);

/// True if `folder` holds a sweep.json (a sweep rather than a single run or model).
bool isSweepFolder(const std::string& folder);

} // namespace codescope::results
