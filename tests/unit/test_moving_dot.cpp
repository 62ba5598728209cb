// movingDot(): the stimulus of the paper's Fig. 4a. The latent variables are checked against the dot each frame
// actually shows (its intensity-weighted centroid), not against the formula the generator uses.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "core/data/moving_dot.h"

namespace {

using codescope::data::ImageBatch;
using codescope::data::movingDot;
using codescope::data::MovingDotOptions;

constexpr double kPi = 3.14159265358979323846;

struct Centroid {
    double x = 0.0, y = 0.0, mass = 0.0;
};

// Intensity-weighted centre of one channel of frame n, in pixel-index coordinates (x = column, y = row).
Centroid centroid(const ImageBatch& frames, std::int64_t n, std::int64_t channel) {
    Centroid result;
    for (std::int64_t row = 0; row < frames.height; ++row) {
        for (std::int64_t column = 0; column < frames.width; ++column) {
            const double value = frames.pixels[static_cast<std::size_t>(frames.index(n, channel, row, column))];
            result.mass += value;
            result.x += value * static_cast<double>(column);
            result.y += value * static_cast<double>(row);
        }
    }
    result.x /= result.mass;
    result.y /= result.mass;
    return result;
}

std::vector<float> frame(const ImageBatch& frames, std::int64_t n) {
    const auto begin = frames.pixels.begin() + n * frames.imageSize();
    return std::vector<float>(begin, begin + frames.imageSize());
}

TEST(MovingDot, CentroidOfEveryFrameFollowsTheLatentCircle) {
    const MovingDotOptions options; // Fig. 4a: 100 frames of 32 x 32, radius 3, orbit 0.3 * 32
    const auto stimulus = movingDot(options);
    const ImageBatch& frames = stimulus.frames;
    ASSERT_EQ(frames.count, 100);
    EXPECT_EQ(frames.channels, 1);
    EXPECT_EQ(frames.height, 32);
    EXPECT_EQ(frames.width, 32);
    ASSERT_EQ(frames.pixels.size(), 100u * 32 * 32);
    ASSERT_EQ(stimulus.cosT.size(), 100u);
    ASSERT_EQ(stimulus.sinT.size(), 100u);
    double worst = 0.0;
    for (std::int64_t n = 0; n < 100; ++n) {
        const double t = 2.0 * kPi * static_cast<double>(n) / 100.0;
        EXPECT_NEAR(stimulus.cosT[static_cast<std::size_t>(n)], std::cos(t), 1e-12);
        EXPECT_NEAR(stimulus.sinT[static_cast<std::size_t>(n)], std::sin(t), 1e-12);
        const Centroid c = centroid(frames, n, 0);
        const double wantX = 16.0 + 0.3 * 32.0 * stimulus.cosT[static_cast<std::size_t>(n)];
        const double wantY = 16.0 + 0.3 * 32.0 * stimulus.sinT[static_cast<std::size_t>(n)];
        EXPECT_NEAR(c.x, wantX, 0.5) << "frame " << n;
        EXPECT_NEAR(c.y, wantY, 0.5) << "frame " << n;
        worst = std::max({worst, std::abs(c.x - wantX), std::abs(c.y - wantY)});
        // The dot's brightness integrates to about its area, pi r^2, on every frame.
        EXPECT_NEAR(c.mass, kPi * 9.0, 1.0) << "frame " << n;
    }
    // The anti-aliased edge keeps the centroid far closer than the half-pixel the latent needs.
    EXPECT_LT(worst, 0.05);
}

TEST(MovingDotValues, BrightDotOnDarkBackground) {
    const auto stimulus = movingDot(MovingDotOptions{});
    const ImageBatch& frames = stimulus.frames;
    EXPECT_GE(*std::min_element(frames.pixels.begin(), frames.pixels.end()), 0.0f);
    EXPECT_LE(*std::max_element(frames.pixels.begin(), frames.pixels.end()), 1.0f);
    // Frame 0: t = 0, centre (x, y) = (25.6, 16). Inside the disc is 1, far from it 0.
    EXPECT_EQ(frames.pixels[static_cast<std::size_t>(frames.index(0, 0, 16, 25))], 1.0f);
    EXPECT_EQ(frames.pixels[static_cast<std::size_t>(frames.index(0, 0, 16, 24))], 1.0f);
    EXPECT_EQ(frames.pixels[static_cast<std::size_t>(frames.index(0, 0, 16, 16))], 0.0f);
    EXPECT_EQ(frames.pixels[static_cast<std::size_t>(frames.index(0, 0, 0, 0))], 0.0f);
    // Frame 25: t = pi/2, centre (16, 25.6): x is the column, y the row.
    EXPECT_EQ(frames.pixels[static_cast<std::size_t>(frames.index(25, 0, 25, 16))], 1.0f);
    EXPECT_EQ(frames.pixels[static_cast<std::size_t>(frames.index(25, 0, 16, 25))], 0.0f);
}

TEST(MovingDot, FramesDifferAndThePeriodCloses) {
    MovingDotOptions options;
    options.frames = 12;
    const auto stimulus = movingDot(options);
    for (std::int64_t n = 0; n < 12; ++n) {
        for (std::int64_t m = n + 1; m < 12; ++m)
            EXPECT_NE(frame(stimulus.frames, n), frame(stimulus.frames, m));
    }
    // Frame i of 12 shows the same t as frame 2i of 24.
    options.frames = 24;
    const auto finer = movingDot(options);
    for (std::int64_t n = 0; n < 12; ++n)
        EXPECT_EQ(frame(stimulus.frames, n), frame(finer.frames, 2 * n));
}

TEST(MovingDot, ChannelsAreReplicated) {
    MovingDotOptions options;
    options.frames = 8;
    options.channels = 3;
    options.size = 20;
    options.radius = 2.0;
    options.orbit = 0.25;
    const auto colour = movingDot(options);
    options.channels = 1;
    const auto grey = movingDot(options);
    ASSERT_EQ(colour.frames.channels, 3);
    ASSERT_EQ(colour.frames.pixels.size(), 8u * 3 * 20 * 20);
    const std::int64_t plane = 20 * 20;
    for (std::int64_t n = 0; n < 8; ++n) {
        const std::vector<float> one = frame(grey.frames, n);
        const std::vector<float> three = frame(colour.frames, n);
        for (std::int64_t c = 0; c < 3; ++c) {
            EXPECT_TRUE(std::equal(one.begin(), one.end(), three.begin() + c * plane)) << "frame " << n << " c " << c;
        }
        const Centroid centre = centroid(colour.frames, n, 2);
        EXPECT_NEAR(centre.x, 10.0 + 5.0 * colour.cosT[static_cast<std::size_t>(n)], 0.5);
        EXPECT_NEAR(centre.y, 10.0 + 5.0 * colour.sinT[static_cast<std::size_t>(n)], 0.5);
    }
}

TEST(MovingDot, RejectsOptionsThatCannotBeDrawn) {
    const auto with = [](auto change) {
        MovingDotOptions options;
        change(options);
        return options;
    };
    EXPECT_THROW(movingDot(with([](MovingDotOptions& o) { o.frames = 0; })), std::invalid_argument);
    EXPECT_THROW(movingDot(with([](MovingDotOptions& o) { o.size = 0; })), std::invalid_argument);
    EXPECT_THROW(movingDot(with([](MovingDotOptions& o) { o.radius = 0.0; })), std::invalid_argument);
    EXPECT_THROW(movingDot(with([](MovingDotOptions& o) { o.radius = std::nan(""); })), std::invalid_argument);
    EXPECT_THROW(movingDot(with([](MovingDotOptions& o) { o.channels = 0; })), std::invalid_argument);
    EXPECT_THROW(movingDot(with([](MovingDotOptions& o) { o.orbit = -0.1; })), std::invalid_argument);
    // Orbit 0.45 * 32 = 14.4 px plus radius 3 runs off a 32-pixel frame.
    EXPECT_THROW(movingDot(with([](MovingDotOptions& o) { o.orbit = 0.45; })), std::invalid_argument);
    EXPECT_NO_THROW(movingDot(with([](MovingDotOptions& o) { o.orbit = 0.0; })));
}

} // namespace
