#pragma once
// Turns a data set's images into what a model expects: its input size, channel count and normalisation.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/image_batch.h"

namespace codescope::data {

/// The input a model expects. Defaults are deliberately invalid (0): a model's input shape must be stated.
struct Preprocessing {
    std::int64_t channels = 0, height = 0, width = 0;
    std::vector<float> mean, std; // per output channel; empty = no normalisation
};

/// How images are normalised after scaling to [0, 1]: not at all, or with ImageNet's per-channel mean and std.
enum class Normalization { None, ImageNet };

/// `p` with `normalization`'s mean and std for its channels (ImageNet's first p.channels of R, G, B, torchvision's
/// constants); None clears them.
Preprocessing withNormalization(Preprocessing p, Normalization normalization);

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

/// Throws InputError "<datasetName>: its images have C channels but the model takes M (...)" unless preprocess can
/// turn `datasetChannels`-channel images into `modelChannels`-channel ones (equal, 1 -> 3 or 3 -> 1): checked when a
/// data set is paired with a model, so that the mismatch names the data instead of failing inside a batch.
void checkChannelsConvertible(const std::string& datasetName, std::int64_t datasetChannels, std::int64_t modelChannels);

/// One line saying how preprocess changes images of shape `from` (C, H, W: the data set's) into the model's input
/// `to` (C, H, W), so that a run at another size than the data's is never silent: e.g. "images are resized from
/// 1x28x28 to 3x224x224 (the model's input; the grey channel replicated)". Empty when the two shapes are equal
/// (normalisation is not mentioned: only the user asks for it). Throws std::invalid_argument unless both have 3
/// entries.
std::string inputChangeNote(const std::vector<std::int64_t>& from, const std::vector<std::int64_t>& to);

/// "1x28x28": a shape as messages and tables write it.
std::string shapeText(const std::vector<std::int64_t>& shape);

} // namespace codescope::data
