#pragma once
// One row per layer as CSV: what a spreadsheet or a plotting script wants from an analysis (`analyze --csv`, the
// app's File > Export table).
#include <string>
#include <vector>

#include "core/results/layer_spectrum.h"

namespace codescope::results {

/// Header depth,layer,shape,n_features,stride,alpha,alpha_ci_lo,alpha_ci_hi,alpha_r2,estimator,action_mean,
/// action_sd,explained_variance_stimulus,explained_variance_latent,eq4_expected_action,eq3_capacity_bits,status
/// (status: "ok" or why the layer has no alpha, SpectrumResult::status); one row
/// per layer in the given order. Shapes are written as 8x14x14; missing values (no bootstrap, no coding record, a
/// divergent eq. 4) are empty fields. Layer names with a comma or a quote are quoted as RFC 4180 says.
std::string layerTableCsv(const std::vector<results::LayerSpectrum>& layers);

} // namespace codescope::results
