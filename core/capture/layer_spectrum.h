#pragma once
// One layer's spectrum and coding record: what the capture produces and the reports, views and caches consume (no LibTorch here).
#include <optional>

#include "core/capture/layer_coding.h"
#include "core/models/layer_info.h"
#include "core/spectrum/spectrum_analysis.h"

namespace codescope::capture {

struct LayerSpectrum {
    models::LayerInfo layer;
    spectrum::SpectrumResult spectrum;
    std::optional<LayerCoding> coding; ///< the moving-dot and closed-form quantities, when they were computed
};

} // namespace codescope::capture
