#pragma once
// The spectrum result as files a researcher keeps: JSON for programs, CSV for spreadsheets and plotting.
#include <string>

#include "core/spectrum/spectrum_analysis.h"

namespace codescope::results {

/// JSON object with exactly the keys n_samples, n_features, stride, n_features_used, n_components, eigenvalues,
/// explained_variance_ratio, alpha, intercept, alpha_ci95 ([lo, hi], null without bootstrap), fit_range ([lo, hi]).
std::string spectrumJson(const spectrum::SpectrumResult& result);

/// CSV with header component,eigenvalue,explained_variance_ratio,power_law_fit; one row per component (1-based);
/// power_law_fit = exp(intercept) * k^alpha.
std::string spectrumCsv(const spectrum::SpectrumResult& result);

} // namespace codescope::results
