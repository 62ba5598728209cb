// preprocess(): the bilinear resize against PyTorch's F.interpolate (values in tests/data/images/
// bilinear_expected.json, written by tests/data/make_image_fixtures.py) and against cases worked out by hand; the
// channel conversions and normalisation against their formulas.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/data/image_preprocessing.h"

namespace {

using codescope::data::ImageBatch;
using codescope::data::preprocess;
using codescope::data::Preprocessing;

ImageBatch batchOf(std::int64_t count, std::int64_t channels, std::int64_t height, std::int64_t width,
                   std::vector<float> pixels) {
    ImageBatch batch;
    batch.count = count;
    batch.channels = channels;
    batch.height = height;
    batch.width = width;
    batch.pixels = std::move(pixels);
    batch.labels.assign(static_cast<std::size_t>(count), -1);
    return batch;
}

Preprocessing target(std::int64_t channels, std::int64_t height, std::int64_t width) {
    Preprocessing p;
    p.channels = channels;
    p.height = height;
    p.width = width;
    return p;
}

void expectNear(const std::vector<float>& got, const std::vector<float>& want, float tolerance) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_NEAR(got[i], want[i], tolerance) << "index " << i;
}

TEST(Preprocess, BilinearMatchesTorchInterpolate) {
    const std::string path = std::string(CODESCOPE_TEST_DATA_DIR) + "/images/bilinear_expected.json";
    std::ifstream in(path);
    ASSERT_TRUE(in) << "cannot open " << path;
    const nlohmann::json json = nlohmann::json::parse(in);
    ASSERT_GE(json.at("cases").size(), 6u);
    for (const auto& c : json.at("cases")) {
        const std::int64_t channels = c.at("channels");
        const std::int64_t outHeight = c.at("out_height");
        const std::int64_t outWidth = c.at("out_width");
        SCOPED_TRACE(c.at("in_height").dump() + "x" + c.at("in_width").dump() + " -> " + std::to_string(outHeight) +
                     "x" + std::to_string(outWidth));
        const ImageBatch input =
            batchOf(1, channels, c.at("in_height"), c.at("in_width"), c.at("input").get<std::vector<float>>());
        const ImageBatch out = preprocess(input, target(channels, outHeight, outWidth));
        EXPECT_EQ(out.count, 1);
        EXPECT_EQ(out.channels, channels);
        EXPECT_EQ(out.height, outHeight);
        EXPECT_EQ(out.width, outWidth);
        expectNear(out.pixels, c.at("expected").get<std::vector<float>>(), 1e-6f);
    }
}

TEST(Preprocess, UpsamplingTwoByTwoByHand) {
    // Half-pixel centres: output column d samples input x = (d + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25,
    // 0.75, 1.25 (past the last pixel, so its upper neighbour is itself): weights (1, 0), (.75, .25), (.25, .75),
    // (0, 1); rows alike.
    const ImageBatch out = preprocess(batchOf(1, 1, 2, 2, {0, 1, 2, 3}), target(1, 4, 4));
    expectNear(out.pixels,
               {0.0f, 0.25f, 0.75f, 1.0f, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2.0f, 2.25f, 2.75f, 3.0f},
               1e-6f);
}

TEST(Preprocess, DownsamplingByTwoAveragesBlocksWithoutAntialiasing) {
    // Output pixel d samples x = 2 (d + 0.5) - 0.5 = 0.5, 2.5: the mean of each 2 x 2 block.
    std::vector<float> ramp;
    for (int i = 0; i < 16; ++i)
        ramp.push_back(static_cast<float>(i));
    const ImageBatch out = preprocess(batchOf(1, 1, 4, 4, ramp), target(1, 2, 2));
    expectNear(out.pixels, {2.5f, 4.5f, 10.5f, 12.5f}, 1e-6f);
    // Shrinking 1 x 6 to 1 x 2 samples x = 1 and 4 exactly: pixels in between are skipped, not blended.
    const ImageBatch skip = preprocess(batchOf(1, 1, 1, 6, {10, 20, 30, 40, 50, 60}), target(1, 1, 2));
    expectNear(skip.pixels, {20.0f, 50.0f}, 1e-5f);
}

TEST(Preprocess, ColourToGreyUsesItu601Luma) {
    // Three 1 x 1 images: pure red, pure green, and a mix.
    const ImageBatch in = batchOf(3, 3, 1, 1, {1, 0, 0, 0, 1, 0, 0.2f, 0.4f, 0.6f});
    const ImageBatch out = preprocess(in, target(1, 1, 1));
    expectNear(out.pixels, {0.299f, 0.587f, 0.299f * 0.2f + 0.587f * 0.4f + 0.114f * 0.6f}, 1e-6f);
    // Pure blue, and a resize after the conversion: a 2 x 2 -> 4 x 4 of luma equals the hand-worked upsampling.
    const ImageBatch blue = preprocess(batchOf(1, 3, 1, 1, {0, 0, 1}), target(1, 1, 1));
    expectNear(blue.pixels, {0.114f}, 1e-7f);
    const ImageBatch grey = preprocess(batchOf(1, 3, 2, 2, {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}), target(1, 4, 4));
    expectNear(grey.pixels,
               {0.0f, 0.25f, 0.75f, 1.0f, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2.0f, 2.25f, 2.75f, 3.0f},
               1e-5f);
}

TEST(Preprocess, GreyToColourReplicatesThenNormalisesPerChannel) {
    Preprocessing p = target(3, 2, 2);
    p.mean = {0.5f, 0.25f, 0.0f};
    p.std = {0.5f, 0.25f, 2.0f};
    ImageBatch in = batchOf(2, 1, 2, 2, {0.0f, 0.2f, 0.4f, 0.6f, 1.0f, 0.8f, 0.6f, 0.4f});
    in.labels = {4, 7};
    const ImageBatch out = preprocess(in, p);
    ASSERT_EQ(out.pixels.size(), 2u * 3 * 2 * 2);
    EXPECT_EQ(out.labels, (std::vector<std::int64_t>{4, 7}));
    for (std::int64_t n = 0; n < 2; ++n) {
        for (std::int64_t c = 0; c < 3; ++c) {
            for (std::int64_t i = 0; i < 4; ++i) {
                const float x = in.pixels[static_cast<std::size_t>(n * 4 + i)];
                const float want = (x - p.mean[static_cast<std::size_t>(c)]) / p.std[static_cast<std::size_t>(c)];
                EXPECT_NEAR(out.pixels[static_cast<std::size_t>(out.index(n, c, i / 2, i % 2))], want, 1e-6f);
            }
        }
    }
}

TEST(Preprocess, MatchingShapeWithoutNormalisationIsTheIdentity) {
    const std::vector<float> pixels = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f, 0.0f, 0.05f};
    const ImageBatch in = batchOf(2, 2, 1, 3, pixels); // 2 channels: passed through unchanged
    const ImageBatch out = preprocess(in, target(2, 1, 3));
    EXPECT_EQ(out.pixels, pixels);
    const ImageBatch none = preprocess(batchOf(0, 3, 5, 5, {}), target(1, 2, 2));
    EXPECT_EQ(none.count, 0);
    EXPECT_EQ(none.channels, 1);
    EXPECT_TRUE(none.pixels.empty());
}

TEST(Preprocess, InvalidCombinationsThrowInvalidArgument) {
    const ImageBatch rgb = batchOf(1, 3, 2, 2, std::vector<float>(12, 0.5f));
    EXPECT_THROW(preprocess(rgb, target(2, 2, 2)), std::invalid_argument);
    EXPECT_THROW(preprocess(rgb, target(4, 2, 2)), std::invalid_argument);
    EXPECT_THROW(preprocess(batchOf(1, 2, 2, 2, std::vector<float>(8, 0.5f)), target(3, 2, 2)), std::invalid_argument);
    EXPECT_THROW(preprocess(batchOf(1, 4, 1, 1, std::vector<float>(4, 0.5f)), target(1, 1, 1)), std::invalid_argument);
    EXPECT_THROW(preprocess(rgb, target(3, 0, 2)), std::invalid_argument);
    EXPECT_THROW(preprocess(rgb, target(3, 2, -1)), std::invalid_argument);
    EXPECT_THROW(preprocess(rgb, target(0, 2, 2)), std::invalid_argument);
    EXPECT_THROW(preprocess(batchOf(1, 3, 2, 2, std::vector<float>(11, 0.5f)), target(3, 2, 2)), std::invalid_argument);
    EXPECT_THROW(preprocess(batchOf(1, 3, 0, 2, {}), target(3, 2, 2)), std::invalid_argument);

    Preprocessing p = target(3, 2, 2);
    p.mean = {0.5f, 0.5f, 0.5f};
    EXPECT_THROW(preprocess(rgb, p), std::invalid_argument); // std missing
    p.std = {0.5f, 0.5f};
    EXPECT_THROW(preprocess(rgb, p), std::invalid_argument); // lengths differ
    p.mean = {0.5f};
    p.std = {0.5f};
    EXPECT_THROW(preprocess(rgb, p), std::invalid_argument); // one value for three channels
    p.mean = {0.5f, 0.5f, 0.5f};
    p.std = {0.5f, 0.0f, 0.5f};
    EXPECT_THROW(preprocess(rgb, p), std::invalid_argument);
    p.std = {0.5f, -1.0f, 0.5f};
    EXPECT_THROW(preprocess(rgb, p), std::invalid_argument);
    p.std = {0.5f, 0.5f, 0.5f};
    EXPECT_NO_THROW(preprocess(rgb, p));
}

} // namespace
