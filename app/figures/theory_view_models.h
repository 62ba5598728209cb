#pragma once
// What the Theory tab's plots are given: the paper's closed forms (core/theory/coding_theory.h) as run-plot series,
// so the same view that compares runs draws them. Pure functions, for tests.
#include <QString>
#include <vector>

#include "core/common/job_control.h"
#include "core/mine/dropout_mlp_experiment.h"
#include "core/mine/paper_mlp_experiment.h"
#include "core/theory/toy_superposition.h"
#include "widgets/charts/run_plot_series.h"

namespace codescope::gui {

/// Fig. 2b-c: the fraction of a code's capacity left after N = 1..maxLayers dropout layers, for each rate D: without
/// error correction (1-D)^N (text above eq. 2), and with it (1-D), independent of N (eq. 2). Two series per rate,
/// coloured by the rate.
std::vector<widgets::RunPlotSeries> dropoutCapacitySeries(const std::vector<double>& dropouts, int maxLayers = 10);
widgets::RunPlotAxes dropoutCapacityAxes();

/// Fig. 1c: eq. 1's compression rate R(S, H) = 1 - S + h(S)/H against the sparsity S, for each entropy H in bits, and
/// its large-H limit 1 - S.
std::vector<widgets::RunPlotSeries> compressionSeries(const std::vector<double>& entropyBits, int points = 41);
widgets::RunPlotAxes compressionAxes();

/// Fig. 1c's toy models as the Theory tab trains them: Elhage et al.'s n = 20, m = 5 model at 6 sparsities, with
/// fewer, larger Adam steps than the CLI's default (1500 x 256 samples at rate 0.01 instead of 10,000 x 1024 at
/// 0.001), so the sweep takes a few seconds on one core and still levels off as the full one does.
theory::ToySuperpositionOptions toySuperpositionGuiOptions();

/// The toy models' dimensions per feature m / ||W||_F^2 against their sparsity S, as markers (pointsOnly) over eq. 1's
/// curves; `shade` colours them like compressionSeries' curves (their index; pass the number of curves to draw them
/// darkest). Each point's name says how many features the model stores.
widgets::RunPlotSeries toySuperpositionSeries(const theory::ToySuperpositionResult& result, double shade);

/// The floor m/n of the toy models' dimensions per feature (theory::toyDimensionsPerFeatureFloor) as a flat line
/// over S in [0, 1] (lineOnly), shaded `shade`; its label says that points on it show the model's size, not eq. 1.
widgets::RunPlotSeries toySuperpositionFloorSeries(int features, int hidden, double shade);
/// The sentence the R(S) tab shows under its strip about that floor (with m/n's value).
QString toySuperpositionFloorNote(int features, int hidden);

/// Trains the toy models of `options` (theory::runToySuperposition; on a worker thread) and returns their series.
/// Throws what runToySuperposition throws (InputError, Cancelled).
std::vector<widgets::RunPlotSeries> computeToySuperpositionSeries(const theory::ToySuperpositionOptions& options,
                                                                  double shade, const ProgressCallback& progress,
                                                                  const CancelToken* cancel);

/// Supplementary Fig. 1 as the "Theory: MINE" tab computes it: 4 bits through 6 hidden layers of 16 units, 600
/// training steps, MINE with 200 steps and 2048 evaluation rows: a few seconds per dropout rate on one core (the
/// CLI's defaults take two minutes for one rate).
mine::DropoutMlpOptions mineLayersGuiOptions();
/// The dropout rates the tab compares, one line each.
std::vector<double> mineLayersGuiDropouts();

/// One line per result: I(X; h_l) of the trained network in bits (nats / ln 2) against the layer l = 1..depth,
/// coloured by its dropout rate (result.options.dropout).
std::vector<widgets::RunPlotSeries> mineLayerSeries(const std::vector<mine::DropoutMlpResult>& results);
/// Layer depth against bits; the dashed reference is H(X) = `inputBits` bits, the most any layer can carry.
widgets::RunPlotAxes mineLayerAxes(double inputBits);

/// Runs mine::runDropoutMlpExperiment for each rate of `dropouts` with `options` (on a worker thread; progress is
/// the fraction of all runs) and returns mineLayerSeries of the results. Throws InputError, Cancelled.
std::vector<widgets::RunPlotSeries> computeMineLayerSeries(const mine::DropoutMlpOptions& options,
                                                           const std::vector<double>& dropouts,
                                                           const ProgressCallback& progress, const CancelToken* cancel);

/// Supplementary Fig. 1 as the authors ran it (mine::PaperMlpOptions' defaults: 40 tanh layers, 4 epochs of 10^6
/// samples, MINE 100 + 50 epochs): what the tab's "paper" preset runs. It takes long on a CPU (mine::estimatedSeconds
/// says how long; the tab shows it).
mine::PaperMlpOptions minePaperGuiOptions();

/// The paper preset's lines in bits (nats / ln 2) against the layer: the trained network, the untrained copy, and
/// eq. 2's reference lines C (1 - D) and C (1 - D)^N (lineOnly). The series' `dropout` is an index that only shades
/// them (0 trained, 1 untrained, 2 and 3 the references).
std::vector<widgets::RunPlotSeries> minePaperSeries(const mine::PaperMlpResult& result);
/// Layer against bits, without a reference line (continuous inputs have no finite H(X)).
widgets::RunPlotAxes minePaperAxes();
/// The paper preset's description for the tab: what runs, how long it takes on one core (estimate), and its
/// differences from the authors' run and the implementation's own choices.
QString minePaperDescription(const mine::PaperMlpOptions& options);

/// Runs mine::runPaperMlpExperiment (on a worker thread) and returns minePaperSeries of the result. Throws
/// InputError, Cancelled.
std::vector<widgets::RunPlotSeries> computeMinePaperSeries(const mine::PaperMlpOptions& options,
                                                           const ProgressCallback& progress, const CancelToken* cancel);

} // namespace codescope::gui
