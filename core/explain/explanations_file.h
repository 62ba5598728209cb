#pragma once
// Reading back what `codescope-cli explain --json` wrote, and the per-layer summary of Fig. 7b: the mean explanation
// score of single neurons and of random projections at each depth, with a 95% interval.
#include <string>
#include <vector>

#include "core/explain/explanation_score.h"

namespace codescope::explain {

/// The units of an explanations JSON (explanationsJson's format). A null score reads as NaN, a null error as "".
/// Throws InputError naming the file (missing, not JSON, not that format).
std::vector<UnitExplanation> readExplanationsJson(const std::string& path);

/// One layer's scores of one kind of unit.
struct DepthScore {
    std::string layer;
    int depth = 0;
    bool projections = false; ///< random projections (true) or single neurons (false)
    int units = 0;            ///< units with a finite score
    double mean = 0;          ///< mean score over those units
    double lo = 0, hi = 0;    ///< mean -/+ 1.96 standard errors (= mean with one unit)
};

/// Per layer (depth order) and kind, the mean finite score with its normal 95% interval; layers where a kind has no
/// finite score are left out for that kind.
std::vector<DepthScore> scoresByDepth(const std::vector<UnitExplanation>& units);

} // namespace codescope::explain
