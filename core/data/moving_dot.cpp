#include "core/data/moving_dot.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace codescope::data {

namespace {

constexpr double kPi = 3.14159265358979323846;

} // namespace

MovingDotStimulus movingDot(const MovingDotOptions& options) {
    const double size = static_cast<double>(options.size);
    if (options.frames <= 0 || options.size <= 0 || options.channels <= 0 || !(options.radius > 0.0) ||
        !std::isfinite(options.radius) || !(options.orbit >= 0.0) || !std::isfinite(options.orbit)) {
        throw std::invalid_argument("movingDot: frames (" + std::to_string(options.frames) + "), size (" +
                                    std::to_string(options.size) + "), radius (" + std::to_string(options.radius) +
                                    ") and channels (" + std::to_string(options.channels) +
                                    ") must be positive and orbit (" + std::to_string(options.orbit) + ") >= 0");
    }
    // The rightmost extent (centre + orbit + radius + half a pixel of rim) must stay within the last pixel's far
    // edge at size - 0.5; a clipped dot would pull the centroid off the latent position.
    if (options.orbit * size + options.radius + 1.0 > size / 2.0) {
        throw std::invalid_argument("movingDot: a dot of radius " + std::to_string(options.radius) +
                                    " on an orbit of " + std::to_string(options.orbit * size) + " pixels leaves a " +
                                    std::to_string(options.size) + "-pixel frame");
    }

    MovingDotStimulus stimulus;
    ImageBatch& batch = stimulus.frames;
    batch.count = options.frames;
    batch.channels = options.channels;
    batch.height = options.size;
    batch.width = options.size;
    batch.pixels.assign(static_cast<std::size_t>(batch.count * batch.imageSize()), 0.0f);
    batch.labels.resize(static_cast<std::size_t>(batch.count));
    const std::int64_t plane = options.size * options.size;
    for (int i = 0; i < options.frames; ++i) {
        const double t = 2.0 * kPi * i / options.frames;
        stimulus.cosT.push_back(std::cos(t));
        stimulus.sinT.push_back(std::sin(t));
        const double centreX = size / 2.0 + options.orbit * size * std::cos(t);
        const double centreY = size / 2.0 + options.orbit * size * std::sin(t);
        float* first = batch.pixels.data() + i * batch.imageSize();
        for (std::int64_t row = 0; row < options.size; ++row) {
            for (std::int64_t column = 0; column < options.size; ++column) {
                const double distance =
                    std::hypot(static_cast<double>(column) - centreX, static_cast<double>(row) - centreY);
                first[row * options.size + column] =
                    static_cast<float>(std::clamp(options.radius + 0.5 - distance, 0.0, 1.0));
            }
        }
        for (std::int64_t c = 1; c < options.channels; ++c)
            std::copy_n(first, plane, first + c * plane);
        batch.labels[static_cast<std::size_t>(i)] = i;
    }
    return stimulus;
}

} // namespace codescope::data
