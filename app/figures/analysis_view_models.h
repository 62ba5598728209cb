#pragma once
// What each view is given for an analysis: the core's per-layer results turned into the widgets' view-model structs.
// Pure functions, so tests can check exactly what a chart receives.
#include <QString>
#include <limits>
#include <vector>

#include "app/figures/analysis.h"
#include "widgets/charts/run_plot_series.h"
#include "widgets/charts/spectrum_series.h"
#include "widgets/projection3d/projection_curves.h"

namespace codescope::gui {

/// Why `layer` has no power-law exponent (its status, e.g. "dead: ..."); empty when alpha was fitted.
QString noAlphaReason(const results::LayerSpectrum& layer);

/// The layers of `analysis` without an exponent in one short phrase for a caption: "2 of 9 layers have no α:
/// conv3.relu (dead), fc2 (collapsed)", the kind of each one's status, at most `maxNames` named and the rest
/// counted; empty when every layer has one.
QString layersWithoutAlphaText(const Analysis& analysis, int maxNames = 5);

/// One series per layer, in the analysis's (depth) order; a layer without an exponent carries its status.
std::vector<widgets::SpectrumSeries> spectrumSeriesOf(const Analysis& analysis);

/// The analysis as one run of the alpha-vs-depth view; `dropout` colours it among other runs (NaN: unknown). A
/// layer without an exponent is a point without alpha that carries its status (a gap in the line, marked).
widgets::RunPlotSeries alphaDepthSeriesOf(const Analysis& analysis, const QString& runLabel,
                                          double dropout = std::numeric_limits<double>::quiet_NaN());

/// The per-layer coding plots of the paper, drawn by the run-plot view (widgets::AlphaDepthView) with their axes.
enum class CodingPlot {
    ActionByDepth,             ///< Fig. 4c / 6c: mean action of the random projections, +- 1 sd, against depth
    ActionByAlpha,             ///< Fig. 4d: mean action against the layer's alpha
    ExplainedVarianceByDepth,  ///< Fig. 6d: stimulus variance explained (pooled R^2), +- 1 sd, against depth
    ExplainedVarianceByAction, ///< Fig. 6e: explained variance against mean action
};

/// Every coding plot, in tab order.
std::vector<CodingPlot> allCodingPlots();
/// Axis titles and read-out names of `plot`.
widgets::RunPlotAxes codingPlotAxes(CodingPlot plot);
/// A short name ("action-depth") for file names, and a tab title.
QString codingPlotName(CodingPlot plot);
QString codingPlotTabTitle(CodingPlot plot);
/// One run's points of `plot`: the layers with a coding record (layers without one are left out). A layer whose
/// x or y has no value (action against alpha for a layer without alpha) is a point without it, with the reason.
widgets::RunPlotSeries codingSeriesOf(const Analysis& analysis, CodingPlot plot, const QString& runLabel,
                                      double dropout = std::numeric_limits<double>::quiet_NaN());
/// The 3-D view's curves (Fig. 4b) of the named layers that have kept curves, in depth order, at most `maxLayers`:
/// each kept projection's z(t) over the moving dot's frames, t the frame's angle 2 pi i / n.
std::vector<widgets::ProjectionCurves> projectionCurvesOf(const Analysis& analysis, const QStringList& layers,
                                                          std::size_t maxLayers = 6);

/// True if any layer of the analysis has a coding record.
bool hasCodingRecords(const Analysis& analysis);

} // namespace codescope::gui
