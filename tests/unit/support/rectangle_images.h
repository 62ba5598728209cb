#pragma once
// A tiny in-test image set for training: 28 x 28 grey images, each a bright rectangle on a dark background, the
// structure a VAE learns within an epoch.
#include <cstdint>
#include <random>

#include "core/data/image_batch.h"

namespace codescope::test {

/// `count` images from `seed`: rectangles of side 6..12 pixels at 0.95 on 0.05, labels -1.
inline data::ImageBatch rectangleImages(std::int64_t count, std::uint32_t seed) {
    data::ImageBatch batch;
    batch.count = count;
    batch.channels = 1;
    batch.height = batch.width = 28;
    batch.pixels.assign(static_cast<std::size_t>(count * 28 * 28), 0.05f);
    batch.labels.assign(static_cast<std::size_t>(count), -1);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> corner(2, 14), side(6, 12);
    for (std::int64_t n = 0; n < count; ++n) {
        const int y0 = corner(rng), x0 = corner(rng), h = side(rng), w = side(rng);
        for (int y = y0; y < y0 + h; ++y)
            for (int x = x0; x < x0 + w; ++x)
                batch.pixels[static_cast<std::size_t>(batch.index(n, 0, y, x))] = 0.95f;
    }
    return batch;
}

} // namespace codescope::test
