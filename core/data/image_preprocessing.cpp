#include "core/data/image_preprocessing.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/common/input_error.h"
#include "core/io/input_file.h"

namespace codescope::data {

namespace {

// Where output pixel `dst` samples an input axis: two neighbours and the weight of the second.
struct LinearTap {
    std::int64_t low = 0;
    std::int64_t high = 0;
    float weight = 0.0f;
};

// PyTorch's area_pixel_compute_source_index for align_corners=False: half-pixel centres, source positions before
// the first pixel clamped to it, and the upper neighbour clamped to the last pixel. Computed in float, as PyTorch
// does for float tensors, so results agree to the last bit or two.
std::vector<LinearTap> linearTaps(std::int64_t inSize, std::int64_t outSize) {
    const float scale = static_cast<float>(inSize) / static_cast<float>(outSize);
    std::vector<LinearTap> taps(static_cast<std::size_t>(outSize));
    for (std::int64_t dst = 0; dst < outSize; ++dst) {
        const float source = std::max(scale * (static_cast<float>(dst) + 0.5f) - 0.5f, 0.0f);
        LinearTap& tap = taps[static_cast<std::size_t>(dst)];
        tap.low = std::min(static_cast<std::int64_t>(source), inSize - 1);
        tap.high = std::min(tap.low + 1, inSize - 1);
        tap.weight = source - static_cast<float>(tap.low);
    }
    return taps;
}

void resizePlane(const float* in, std::int64_t inWidth, const std::vector<LinearTap>& rows,
                 const std::vector<LinearTap>& columns, float* out) {
    const auto outWidth = static_cast<std::int64_t>(columns.size());
    for (std::size_t y = 0; y < rows.size(); ++y) {
        const LinearTap& r = rows[y];
        const float* top = in + r.low * inWidth;
        const float* bottom = in + r.high * inWidth;
        for (std::int64_t x = 0; x < outWidth; ++x) {
            const LinearTap& c = columns[static_cast<std::size_t>(x)];
            const float upper = (1.0f - c.weight) * top[c.low] + c.weight * top[c.high];
            const float lower = (1.0f - c.weight) * bottom[c.low] + c.weight * bottom[c.high];
            out[static_cast<std::int64_t>(y) * outWidth + x] = (1.0f - r.weight) * upper + r.weight * lower;
        }
    }
}

bool channelsConvertible(std::int64_t from, std::int64_t to) {
    return from == to || (from == 1 && to == 3) || (from == 3 && to == 1);
}

std::string shapeText(std::int64_t channels, std::int64_t height, std::int64_t width) {
    return std::to_string(channels) + " x " + std::to_string(height) + " x " + std::to_string(width);
}

void validate(const ImageBatch& in, const Preprocessing& p) {
    if (p.channels <= 0 || p.height <= 0 || p.width <= 0) {
        throw std::invalid_argument("preprocess: target size " + shapeText(p.channels, p.height, p.width) +
                                    " (channels x height x width) must be positive");
    }
    if (in.count < 0 || in.channels <= 0 || in.height <= 0 || in.width <= 0) {
        throw std::invalid_argument("preprocess: input batch of " + std::to_string(in.count) + " images of " +
                                    shapeText(in.channels, in.height, in.width) + " has a non-positive size");
    }
    if (static_cast<std::int64_t>(in.pixels.size()) != in.count * in.imageSize()) {
        throw std::invalid_argument("preprocess: input batch holds " + std::to_string(in.pixels.size()) +
                                    " values but " + std::to_string(in.count) + " images of " +
                                    shapeText(in.channels, in.height, in.width) + " need " +
                                    std::to_string(in.count * in.imageSize()));
    }
    const bool convertible = channelsConvertible(in.channels, p.channels);
    if (!convertible) {
        throw std::invalid_argument("preprocess: cannot turn " + std::to_string(in.channels) + "-channel images into " +
                                    std::to_string(p.channels) + "-channel ones (only 1 -> 3, 3 -> 1 or unchanged)");
    }
    const auto channels = static_cast<std::size_t>(p.channels);
    if (p.mean.size() != p.std.size() || (!p.mean.empty() && p.mean.size() != channels)) {
        throw std::invalid_argument("preprocess: mean has " + std::to_string(p.mean.size()) + " values and std " +
                                    std::to_string(p.std.size()) +
                                    "; both must be empty or have one per output "
                                    "channel (" +
                                    std::to_string(p.channels) + ")");
    }
    for (const float s : p.std) {
        if (!(s > 0.0f) || !std::isfinite(s)) {
            throw std::invalid_argument("preprocess: std " + std::to_string(s) + " must be positive and finite");
        }
    }
}

} // namespace

ImageBatch preprocess(const ImageBatch& in, const Preprocessing& p) {
    validate(in, p);
    ImageBatch out;
    out.count = in.count;
    out.channels = p.channels;
    out.height = p.height;
    out.width = p.width;
    out.pixels.assign(static_cast<std::size_t>(out.count * out.imageSize()), 0.0f);
    out.labels = in.labels;

    const std::int64_t inPlane = in.height * in.width;
    const std::int64_t outPlane = out.height * out.width;
    const bool toGrey = in.channels == 3 && p.channels == 1;
    const bool toColour = in.channels == 1 && p.channels == 3;
    // Luma before resizing and replication after: both are linear, so the order does not change the result, and
    // this way only the fewer channels are resized.
    const std::int64_t resized = toGrey || toColour ? 1 : in.channels;
    const std::vector<LinearTap> rows = linearTaps(in.height, out.height);
    const std::vector<LinearTap> columns = linearTaps(in.width, out.width);
    std::vector<float> grey(toGrey ? static_cast<std::size_t>(inPlane) : 0);
    for (std::int64_t n = 0; n < in.count; ++n) {
        const float* image = in.pixels.data() + n * in.imageSize();
        if (toGrey) {
            for (std::int64_t i = 0; i < inPlane; ++i) {
                grey[static_cast<std::size_t>(i)] = kLumaWeights[0] * image[i] + kLumaWeights[1] * image[inPlane + i] +
                                                    kLumaWeights[2] * image[2 * inPlane + i];
            }
            image = grey.data();
        }
        float* target = out.pixels.data() + n * out.imageSize();
        for (std::int64_t c = 0; c < resized; ++c) {
            const float* source = image + c * inPlane;
            float* plane = target + c * outPlane;
            if (in.height == out.height && in.width == out.width) {
                std::copy_n(source, inPlane, plane);
            } else {
                resizePlane(source, in.width, rows, columns, plane);
            }
        }
        if (toColour) {
            std::copy_n(target, outPlane, target + outPlane);
            std::copy_n(target, outPlane, target + 2 * outPlane);
        }
        if (!p.mean.empty()) {
            for (std::int64_t c = 0; c < out.channels; ++c) {
                const float mean = p.mean[static_cast<std::size_t>(c)];
                const float deviation = p.std[static_cast<std::size_t>(c)];
                float* plane = target + c * outPlane;
                for (std::int64_t i = 0; i < outPlane; ++i)
                    plane[i] = (plane[i] - mean) / deviation;
            }
        }
    }
    return out;
}

void checkChannelsConvertible(const std::string& datasetName, std::int64_t datasetChannels,
                              std::int64_t modelChannels) {
    if (channelsConvertible(datasetChannels, modelChannels)) return;
    throw InputError(io::oneLine(datasetName) + ": its images have " + std::to_string(datasetChannels) +
                     " channels but the model takes " + std::to_string(modelChannels) +
                     " (only grey <-> RGB, 1 <-> 3 channels, can be converted)");
}

std::string inputChangeNote(const std::vector<std::int64_t>& from, const std::vector<std::int64_t>& to) {
    if (from.size() != 3 || to.size() != 3)
        throw std::invalid_argument("inputChangeNote: shapes must be C, H, W, got " + shapeText(from) + " and " +
                                    shapeText(to));
    if (from == to) return {};
    const bool resized = from[1] != to[1] || from[2] != to[2];
    std::string how = "the model's input";
    if (from[0] == 1 && to[0] == 3) how += "; the grey channel replicated";
    if (from[0] == 3 && to[0] == 1) how += "; made grey by luma";
    return std::string("images are ") + (resized ? "resized" : "converted") + " from " + shapeText(from) + " to " +
           shapeText(to) + " (" + how + ")";
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string text;
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? "x" : "") + std::to_string(shape[i]);
    return text;
}

Preprocessing withNormalization(Preprocessing p, Normalization normalization) {
    p.mean.clear();
    p.std.clear();
    if (normalization == Normalization::ImageNet) {
        constexpr float kMean[] = {0.485f, 0.456f, 0.406f};
        constexpr float kStd[] = {0.229f, 0.224f, 0.225f};
        const auto used = static_cast<std::size_t>(std::clamp<std::int64_t>(p.channels, 0, 3));
        p.mean.assign(kMean, kMean + used);
        p.std.assign(kStd, kStd + used);
    }
    return p;
}

} // namespace codescope::data
