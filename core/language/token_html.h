#pragma once
// Token trajectories as a self-contained HTML page: every token of the text on a background coloured by the
// projection's value there (blue below zero, white at zero, red above; scaled per row by its largest |value|), the
// value in each token's tooltip. The GUI shows the same page and prints it to PDF.
#include <string>
#include <vector>

#include "core/language/token_trajectories.h"

namespace codescope::language {

/// One HTML page holding, per layer, the lowest-action projections and the typical one (projection 0), each as a
/// coloured line of text with its action. Headed "Token trajectories: <model's file name>", with `model` (its path)
/// and `data` (what the tokens are) below. Pure function; tokens are HTML-escaped, newlines shown as a return sign,
/// and bytes that are not valid UTF-8 as U+FFFD.
std::string tokenTrajectoriesHtml(const std::vector<LayerTokenTrajectories>& layers, const std::string& model,
                                  const std::string& data);

/// The background colour of a value in [-scale, scale] as "#rrggbb" (values beyond are clamped; scale <= 0: white).
std::string divergingColour(double value, double scale);

} // namespace codescope::language
