#pragma once
// One layer's result: its spectrum and coding record, what the capture produces and the reports, views and caches
// consume. Plain values (no LibTorch, no computation), so every layer of core and the app can hold them.
#include <Eigen/Core>
#include <cstdint>
#include <optional>

#include "core/models/layer_info.h"
#include "core/spectrum/spectrum_analysis.h"

namespace codescope::results {

struct LayerCoding {
    std::int64_t units = 0;       ///< m: every unit of the layer (no stride: projections are cheap)
    int projections = 0;          ///< K
    int frames = 0;               ///< n
    double actionMean = 0;        ///< mean over the K projections of 1/2 sum_t ||z_{t+1} - z_t||^2; activation^2
    double actionSd = 0;          ///< their sample standard deviation; activation^2
    double actionExpected = 0;    ///< the mean over all r, (3 / 2m) sum_t ||a_{t+1} - a_t||^2; activation^2
    double averageActivation = 0; ///< mean activation over frames and units (inset of Fig. 4b)
    double stimulusR2Mean = 0;    ///< pooled R^2 of the dot's pixels from z, mean over projections (Fig. 6d)
    double stimulusR2Sd = 0;
    double latentR2Mean = 0; ///< pooled R^2 of (cos t, sin t) from z, mean over projections (Fig. 6e)
    double latentR2Sd = 0;
    /// Eq. 4: 1/2 zeta(-alpha) in units of lambda_1, empty where alpha >= -1 (the series diverges).
    std::optional<double> eq4ExpectedAction;
    double eq4FiniteWidthAction = 0; ///< 1/2 sum_{i=1}^{m} i^alpha: eq. 4 before m -> infinity; NaN without alpha
    double denseCapacityBits = 0;    ///< C = m x bitsPerUnit
    double eq3CapacityBits = 0;      ///< eq. 3: C - |alpha| m log2(m/e), clamped at 0; bits; NaN without alpha
    /// The first keptCurves projections' curves: frames x (3 * kept), curve k in columns [3k, 3k + 3); activation
    /// units.
    Eigen::MatrixXd curves;
};

struct LayerSpectrum {
    models::LayerInfo layer;
    spectrum::SpectrumResult spectrum;
    std::optional<LayerCoding> coding; ///< the moving-dot and closed-form quantities, when they were computed
};

} // namespace codescope::results
