#pragma once
// What each view is given for an analysis: the core's per-layer results turned into the widgets' view-model structs.
// Pure functions, so tests can check exactly what a chart receives.
#include <QString>
#include <limits>
#include <vector>

#include "app/gui/analysis.h"
#include "widgets/charts/alpha_depth_series.h"
#include "widgets/charts/spectrum_series.h"

namespace codescope::gui {

/// One series per layer, in the analysis's (depth) order.
std::vector<widgets::SpectrumSeries> spectrumSeriesOf(const Analysis& analysis);

/// The analysis as one run of the alpha-vs-depth view; `dropout` colours it among other runs (NaN: unknown).
widgets::AlphaDepthSeries alphaDepthSeriesOf(const Analysis& analysis, const QString& runLabel,
                                             double dropout = std::numeric_limits<double>::quiet_NaN());

} // namespace codescope::gui
