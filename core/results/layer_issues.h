#pragma once
// What went unusual in one model's analysis, summarised for a person: one line per kind of warning and one for the
// layers without an exponent, instead of a line per layer (the details stay in the JSON's "warnings" and "status").
#include <string>
#include <vector>

#include "core/results/layer_spectrum.h"

namespace codescope::results {

/// The kind of one layer warning (SpectrumResult::warnings), as a short phrase that reads after "in N of M layers":
/// e.g. "alpha's finite-sample bias exceeds its standard error" for the bootstrap's bias warning. Unknown warnings
/// are their own text up to the first ':'.
std::string warningKind(const std::string& warning);

/// At most one line per kind of warning, in order of first appearance: "KIND in N of M layers (first: LAYER); each
/// is in the JSON's warnings", and, when any layer has no exponent, one line first: "no alpha in N of M layers:
/// NAME (KIND), ...; each reason is in the JSON's status" (at most 5 names, then "and K more"). Empty when nothing
/// is unusual.
std::vector<std::string> summarizeLayerIssues(const std::vector<results::LayerSpectrum>& layers);

} // namespace codescope::results
