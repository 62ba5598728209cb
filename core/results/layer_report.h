#pragma once
// Per-layer spectra of one model on one data set, as JSON (the `analyze` command's output and the GUI's cache).
#include <string>
#include <vector>

#include "core/results/analysis_timings.h"
#include "core/results/layer_spectrum.h"

namespace codescope::results {

/// JSON object {"model", "dataset", "samples", "program" ("codescope"), "program_version", "request" and
/// "provenance" (when given), "paper_checks" (when given), "layers": [...]} with, per layer in depth order: name,
/// depth, kind, shape, n_features, stride, n_features_used, n_components, status ("ok", or why the layer has no
/// exponent: SpectrumResult::status), alpha (null without exponent), intercept, alpha_ci95 ([lo, hi] or nulls),
/// fit_range, estimator, alpha_r2, eigenvalues, alpha_bootstrap_bias, alpha_standard_error (null without bootstrap),
/// warnings, and, when the layer has a coding record, "coding": {units, frames, projections, action_mean, action_sd,
/// action_expected (activation^2 units), average_activation, explained_variance_stimulus / explained_variance_latent
/// ({mean, sd} of the pooled R^2, fractions), eq4_expected_action (1/2 zeta(-alpha) in units of lambda_1; null with
/// eq4_note where alpha >= -1), eq4_finite_width_action, capacity_bits (m x bits), eq3_capacity_bits}.
struct ReportOptions {
    /// The analysis request that made the layers, as JSON text (pipeline::requestToJson), written whole under
    /// "request"; empty writes none. Every file also names the program and its version.
    std::string requestJson;
    /// The result's provenance as JSON text (pipeline::provenanceToJson), written whole under "provenance"; empty
    /// writes none.
    std::string provenanceJson;
    /// Per layer, also "alpha_estimators": {huber|wls|mle: {alpha, r2, fit_range}} and "fit_range_table":
    /// [{lo, hi, alpha or null}] (Huber over lo in {5, 10, 20} x hi in {30, 50, 100}), from the layer's eigenvalues.
    bool robustness = false;
    /// The paper's claims checked on these layers (claims::paperChecksJson), written whole under "paper_checks";
    /// empty writes none.
    std::string paperChecksJson;
    /// Where the whole analysis's time went, written under "timings"; nullptr writes none.
    const AnalysisTimings* timings = nullptr;
};

std::string layerSpectraJson(const std::string& model, const std::string& dataset, std::int64_t samples,
                             const std::vector<results::LayerSpectrum>& layers, const ReportOptions& options = {});

} // namespace codescope::results
