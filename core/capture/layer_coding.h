#pragma once
// A layer's coding quantities next to its spectrum (issue "per-layer record"): how its response to the moving dot
// looks through random projections (Fig. 4c-d, 6c-e) and what the paper's closed forms say its exponent implies
// (eqs. 3 and 4). No LibTorch here: the activations arrive as a matrix.
#include <Eigen/Core>
#include <cstdint>
#include <optional>

#include "core/data/moving_dot.h"

namespace codescope::capture {

struct CodingOptions {
    int projections = 1000;       ///< K random projections r in R^{m x 3} (Fig. 4c); 0 = no coding quantities
    std::uint64_t seed = 0;       ///< seed of the projections (projection k is reproducible alone)
    double bitsPerUnit = 32.0;    ///< C = m x bitsPerUnit in eq. 3
    int frames = 100;             ///< moving-dot frames over one period (Fig. 4a)
    int keptCurves = 8;           ///< projections whose curves z(t) are kept for the 3-D view (Fig. 4b)
};

struct LayerCoding {
    std::int64_t units = 0;         ///< m: every unit of the layer (no stride: projections are cheap)
    int projections = 0;            ///< K
    int frames = 0;                 ///< n
    double actionMean = 0;          ///< mean over the K projections of 1/2 sum_t ||z_{t+1} - z_t||^2; activation^2
    double actionSd = 0;            ///< their sample standard deviation; activation^2
    double actionExpected = 0;      ///< the mean over all r, (3 / 2m) sum_t ||a_{t+1} - a_t||^2; activation^2
    double averageActivation = 0;   ///< mean activation over frames and units (inset of Fig. 4b)
    double stimulusR2Mean = 0;      ///< pooled R^2 of the dot's pixels from z, mean over projections (Fig. 6d)
    double stimulusR2Sd = 0;
    double latentR2Mean = 0;        ///< pooled R^2 of (cos t, sin t) from z, mean over projections (Fig. 6e)
    double latentR2Sd = 0;
    /// Eq. 4: 1/2 zeta(-alpha) in units of lambda_1, empty where alpha >= -1 (the series diverges).
    std::optional<double> eq4ExpectedAction;
    double eq4FiniteWidthAction = 0; ///< 1/2 sum_{i=1}^{m} i^alpha: eq. 4 before m -> infinity; NaN without alpha
    double denseCapacityBits = 0;    ///< C = m x bitsPerUnit
    double eq3CapacityBits = 0;      ///< eq. 3: C - |alpha| m log2(m/e), clamped at 0; bits; NaN without alpha
    /// The first keptCurves projections' curves: frames x (3 * kept), curve k in columns [3k, 3k + 3); activation units.
    Eigen::MatrixXd curves;
};

/// The moving dot drawn at a model's input size and channel count: frames x channels x size x size, the dot's radius
/// scaled with the frame (3 pixels at 32, as in Fig. 4a). Throws InputError for a non-square or too small input.
data::MovingDotStimulus movingDotForInput(std::int64_t channels, std::int64_t height, std::int64_t width, int frames);

/// The coding record of one layer. activations: n frames x m units, the layer's response to `stimulus` (frame t in
/// row t); stimulusPixels: n x pixels, the frames as the model saw them (after preprocessing); alpha: the layer's
/// spectral exponent (from its data-set spectrum). Throws InputError for shapes that disagree, NaN/Inf, fewer than 5
/// frames or options.projections < 1.
LayerCoding layerCoding(const Eigen::Ref<const Eigen::MatrixXf>& activations,
                        const Eigen::Ref<const Eigen::MatrixXd>& stimulusPixels, const data::MovingDotStimulus& stimulus,
                        double alpha, const CodingOptions& options);

} // namespace codescope::capture
