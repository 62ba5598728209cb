#pragma once
// One layer's spectrum: what the capture produces and the reports, views and caches consume (no LibTorch here).
#include "core/models/layer_info.h"
#include "core/spectrum/spectrum_analysis.h"

namespace codescope::capture {

struct LayerSpectrum {
    models::LayerInfo layer;
    spectrum::SpectrumResult spectrum;
};

} // namespace codescope::capture
