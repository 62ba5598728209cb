#pragma once
// Turns a data set's images into what a model expects: its input size, channel count and normalisation.
#include <cstdint>
#include <vector>

#include "core/data/image_batch.h"

namespace codescope::data {

/// The input a model expects. Defaults are deliberately invalid (0): a model's input shape must be stated.
struct Preprocessing {
    std::int64_t channels = 0, height = 0, width = 0;
    std::vector<float> mean, std; // per output channel; empty = no normalisation
};

/// ITU-R BT.601 luma weights for R, G, B: how a colour image becomes one grey channel.
inline constexpr float kLumaWeights[3] = {0.299f, 0.587f, 0.114f};

/// Resizes, converts channels and normalises `in` for a model:
/// 1. 3 -> 1 channels by ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B);
/// 2. bilinear resize to p.height x p.width, the same numbers as torch.nn.functional.interpolate(mode='bilinear',
///    align_corners=False, antialias=False) (half-pixel centres, edge pixels clamped; no antialiasing when shrinking);
/// 3. 1 -> 3 channels by replicating the grey channel;
/// 4. (x - mean[c]) / std[c] per output channel when mean and std are given.
/// Channel counts that match are passed through. Returns count x p.channels x p.height x p.width, labels copied.
/// Throws std::invalid_argument if p's sizes are not positive, in.pixels.size() != count*channels*height*width or
/// in's sizes are not positive (count may be 0), the channel change is neither of the above, mean and std are not
/// both empty or both p.channels long, or a std is not positive and finite.
ImageBatch preprocess(const ImageBatch& in, const Preprocessing& p);

} // namespace codescope::data
