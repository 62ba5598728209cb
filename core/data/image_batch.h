#pragma once
// A block of images as every image data set hands it out, whatever the file format it came from.
#include <cstdint>
#include <vector>

namespace codescope::data {

/// `count` images stored contiguously in NCHW order (image, channel, row, column), values scaled to [0, 1]
/// (float .npy stacks may hold values outside, see NpyImageDataset).
struct ImageBatch {
    std::int64_t count = 0, channels = 0, height = 0, width = 0;
    std::vector<float> pixels;        // count x channels x height x width, contiguous (NCHW), values in [0, 1]
    std::vector<std::int64_t> labels; // count entries, -1 where the data set has no labels

    /// Values in one image: channels x height x width.
    std::int64_t imageSize() const { return channels * height * width; }
    /// Index into `pixels` of image n, channel c, row y, column x.
    std::int64_t index(std::int64_t n, std::int64_t c, std::int64_t y, std::int64_t x) const {
        return ((n * channels + c) * height + y) * width + x;
    }
};

} // namespace codescope::data
