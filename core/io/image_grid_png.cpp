#include "core/io/image_grid_png.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/common/input_error.h"
#include "core/io/atomic_file.h"

// The one translation unit that compiles stb_image_write's implementation; its C-style code trips our warnings,
// silenced here only.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include "core/common/third_party_warnings_off.h"
#include <stb/stb_image_write.h>
#include "core/common/third_party_warnings_on.h"

namespace codescope::io {

namespace {

constexpr int kGap = 2;
constexpr std::int64_t kMinTilePixels = 64;

void appendBytes(void* context, void* data, int size) {
    auto* bytes = static_cast<std::string*>(context);
    bytes->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

} // namespace

void writeImageGridPng(const std::string& path, const Eigen::Ref<const Eigen::MatrixXd>& images, std::int64_t channels,
                       std::int64_t height, std::int64_t width, int columns) {
    if (channels != 1 && channels != 3) throw InputError(path + ": a PNG gallery needs 1 or 3 channels");
    if (height < 1 || width < 1 || images.rows() < 1 || images.cols() != channels * height * width || columns < 1)
        throw InputError(path + ": the images do not have the stated shape " + std::to_string(channels) + " x " +
                         std::to_string(height) + " x " + std::to_string(width));
    if (!images.allFinite()) throw InputError(path + ": the images contain NaN or Inf");

    const std::int64_t scale =
        std::max<std::int64_t>(1, (kMinTilePixels + std::max(height, width) - 1) / std::max(height, width));
    const std::int64_t tileH = height * scale, tileW = width * scale;
    const std::int64_t count = images.rows();
    const std::int64_t cols = std::min<std::int64_t>(columns, count);
    const std::int64_t rows = (count + cols - 1) / cols;
    const std::int64_t outW = cols * tileW + (cols + 1) * kGap, outH = rows * tileH + (rows + 1) * kGap;
    std::vector<unsigned char> pixels(static_cast<std::size_t>(outW * outH * 3), 255);
    for (std::int64_t k = 0; k < count; ++k) {
        const double peak = images.row(k).cwiseAbs().maxCoeff();
        const double gain = peak > 0 ? 127.5 / peak : 0.0;
        const std::int64_t top = kGap + (k / cols) * (tileH + kGap), left = kGap + (k % cols) * (tileW + kGap);
        for (std::int64_t y = 0; y < tileH; ++y)
            for (std::int64_t x = 0; x < tileW; ++x)
                for (std::int64_t c = 0; c < 3; ++c) {
                    const std::int64_t channel = channels == 1 ? 0 : c;
                    const double value = images(k, (channel * height + y / scale) * width + x / scale);
                    const double level = std::clamp(127.5 + gain * value, 0.0, 255.0);
                    pixels[static_cast<std::size_t>(((top + y) * outW + left + x) * 3 + c)] =
                        static_cast<unsigned char>(std::lround(level));
                }
    }
    std::string png;
    if (!stbi_write_png_to_func(appendBytes, &png, static_cast<int>(outW), static_cast<int>(outH), 3, pixels.data(),
                                static_cast<int>(outW * 3)))
        throw InputError(path + ": could not encode the PNG");
    writeFileAtomically(path, png);
}

} // namespace codescope::io
