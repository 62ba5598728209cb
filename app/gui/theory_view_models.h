#pragma once
// What the Theory tab's plots are given: the paper's closed forms (core/theory/coding_theory.h) as run-plot series,
// so the same view that compares runs draws them. Pure functions, for tests.
#include <vector>

#include "widgets/charts/alpha_depth_series.h"

namespace codescope::gui {

/// Fig. 2b-c: the fraction of a code's capacity left after N = 1..maxLayers dropout layers, for each rate D: without
/// error correction (1-D)^N (text above eq. 2), and with it (1-D), independent of N (eq. 2). Two series per rate,
/// coloured by the rate.
std::vector<widgets::AlphaDepthSeries> dropoutCapacitySeries(const std::vector<double>& dropouts, int maxLayers = 10);
widgets::RunPlotAxes dropoutCapacityAxes();

/// Fig. 1c: eq. 1's compression rate R(S, H) = 1 - S + h(S)/H against the sparsity S, for each entropy H in bits, and
/// its large-H limit 1 - S.
std::vector<widgets::AlphaDepthSeries> compressionSeries(const std::vector<double>& entropyBits, int points = 41);
widgets::RunPlotAxes compressionAxes();

} // namespace codescope::gui
