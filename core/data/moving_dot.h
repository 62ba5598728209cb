#pragma once
// The moving-dot stimulus of the paper's Fig. 4a: a dot circling the frame centre, whose two latent variables
// (cos t, sin t) trace a circle that a network's activations should trace too.
#include <cstdint>
#include <vector>

#include "core/common/implementation_defaults.h"
#include "core/data/image_batch.h"

namespace codescope::data {

/// How the moving-dot frames are drawn. The paper's Fig. 4a gives no sizes: the defaults are Codescope's own
/// (core/common/implementation_defaults.h).
struct MovingDotOptions {
    int frames = implementation::kMovingDotFrames;      // frames over one period of the orbit
    std::int64_t size = implementation::kMovingDotSize; // frame height and width, pixels
    double radius = implementation::kMovingDotRadius;   // dot radius, pixels
    std::int64_t channels = 1;                          // every channel holds the same picture
    double orbit = implementation::kMovingDotOrbit;     // orbit radius as a fraction of size
};

/// The frames and their latent variables.
struct MovingDotStimulus {
    ImageBatch frames;              // frames x channels x size x size, labels = frame index
    std::vector<double> cosT, sinT; // latent per frame, t = 2*pi*i/frames over one period
};

/// Frame i shows a dot of value 1 on a 0 background, centred at (x, y) = (size/2 + orbit*size*cos t,
/// size/2 + orbit*size*sin t) with t = 2*pi*i/frames, x the column and y the row, in pixel-index coordinates (pixel
/// (row r, column c) is the unit square centred on (x=c, y=r)). The edge is anti-aliased by distance: a pixel centre
/// at distance d from the dot's centre gets clamp(radius + 0.5 - d, 0, 1), so the intensity-weighted centroid of each
/// frame is the dot's centre to within a small fraction of a pixel.
/// Throws std::invalid_argument unless frames, size, radius and channels are positive, orbit is >= 0 and finite, and
/// the whole dot (with its anti-aliased rim) stays inside the frame on every frame: orbit*size + radius + 1 <= size/2.
MovingDotStimulus movingDot(const MovingDotOptions& options);

} // namespace codescope::data
