#pragma once
// A layer's coding quantities next to its spectrum (issue "per-layer record"): how its response to the moving dot
// looks through random projections (Fig. 4c-d, 6c-e) and what the paper's closed forms say its exponent implies
// (eqs. 3 and 4). No LibTorch here: the activations arrive as a matrix.
#include <Eigen/Core>
#include <cstdint>
#include <optional>

#include "core/common/implementation_defaults.h"
#include "core/common/paper_defaults.h"
#include "core/data/moving_dot.h"
#include "core/projection/explained_variance.h"
#include "core/results/layer_spectrum.h"

namespace codescope::capture {

struct CodingOptions {
    int projections = paper::kProjections; ///< K random projections r in R^{m x 3} (Fig. 4c); 0 = no coding quantities
    std::uint64_t seed = 0;                ///< seed of the projections (projection k is reproducible alone)
    double bitsPerUnit = 32.0;             ///< C = m x bitsPerUnit in eq. 3
    int frames = implementation::kMovingDotFrames; ///< moving-dot frames over one period (Codescope's own choice)
    int keptCurves = 8; ///< projections whose curves z(t) are kept for the 3-D view (Fig. 4b)
};

// The records themselves (LayerCoding, LayerSpectrum) are results: results/layer_spectrum.h. Capture fills them.
using results::LayerCoding;
using results::LayerSpectrum;

/// The moving dot drawn at a model's input size and channel count: frames x channels x size x size, the dot's radius
/// scaled with the frame (implementation::kMovingDotRadius pixels at kMovingDotSize: Codescope's own choice).
/// Throws InputError for a non-square or too small input.
data::MovingDotStimulus movingDotForInput(std::int64_t channels, std::int64_t height, std::int64_t width, int frames);

/// The coding record of one layer. activations: n frames x m units, the layer's response to `stimulus` (frame t in
/// row t); stimulusPixels: n x pixels, the frames as the model saw them (after preprocessing); alpha: the layer's
/// spectral exponent (from its data-set spectrum). Throws InputError for shapes that disagree, NaN/Inf, fewer than 5
/// frames or options.projections < 1.
LayerCoding layerCoding(const Eigen::Ref<const Eigen::MatrixXf>& activations,
                        const Eigen::Ref<const Eigen::MatrixXd>& stimulusPixels,
                        const data::MovingDotStimulus& stimulus, double alpha, const CodingOptions& options);

/// What every layer's explained variance reads out, prepared once for all layers: the frames' pixels (n x pixels,
/// as the model saw them) and the dot's latent (cos t, sin t). Throws InputError as projection::readoutTarget.
struct CodingTargets {
    projection::ReadoutTarget pixels;
    projection::ReadoutTarget latent;
};
CodingTargets codingTargets(const Eigen::Ref<const Eigen::MatrixXd>& stimulusPixels,
                            const data::MovingDotStimulus& stimulus);

/// As above, with the targets prepared once (codingTargets) for many layers.
LayerCoding layerCoding(const Eigen::Ref<const Eigen::MatrixXf>& activations, const CodingTargets& targets,
                        double alpha, const CodingOptions& options);

} // namespace codescope::capture
