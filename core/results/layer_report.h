#pragma once
// Per-layer spectra of one model on one data set, as JSON (the `analyze` command's output and the GUI's cache).
#include <string>
#include <vector>

#include "core/capture/layer_spectrum.h"

namespace codescope::results {

/// JSON object {"model", "dataset", "samples", "layers": [...]} with, per layer in depth order: name, depth, kind,
/// shape, n_features, stride, n_features_used, n_components, alpha, intercept, alpha_ci95 ([lo, hi] or nulls),
/// fit_range, eigenvalues, warnings.
std::string layerSpectraJson(const std::string& model, const std::string& dataset, std::int64_t samples,
                             const std::vector<capture::LayerSpectrum>& layers);

} // namespace codescope::results
