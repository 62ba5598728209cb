#include "core/data/npy_image_dataset.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "core/common/input_error.h"
#include "core/io/npy_reader.h"

namespace codescope::data {

// The '<f4'/'<f8' payload is copied straight into floats and doubles; that is only right on a little-endian host
// (every platform Codescope ships for: amd64, arm64).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "NpyImageDataset assumes a little-endian host");

namespace {

// Reads are split into chunks of whole images of at most this many bytes, so a large request does not need a
// second buffer as large as the batch itself.
constexpr std::int64_t kMaxChunkBytes = std::int64_t{16} << 20;
// Pixels are 0..1 (or a normalised or 0..255 float scale); a value beyond this is not an image, and fed to a model it
// overflows the activations to Inf, where the error could no longer name the file.
constexpr double kMaxPixelMagnitude = 1e6;

} // namespace

NpyImageDataset::NpyImageDataset(const std::string& path) : m_file(path) {
    const io::NpyArrayHeader header = io::readNpyArrayHeader(
        m_file.descriptor(), path, {"|u1", "<f4", "<f8"},
        "image stacks must be uint8 '|u1' (0..255), or little-endian float32 '<f4' or float64 '<f8' (0..1)");
    const std::vector<std::int64_t>& shape = header.shape;
    const std::string shapeText = io::npyShapeText(shape);
    if (shape.size() != 3 && shape.size() != 4) {
        throw InputError(path + ": shape " + shapeText + " is " + std::to_string(shape.size()) +
                         "-D; expected images N x C x H x W or N x H x W");
    }
    if (std::count(shape.begin(), shape.end(), 0) > 0) {
        throw InputError(path + ": shape " + shapeText + " has a zero dimension: no images");
    }
    if (header.fortranOrder) {
        throw InputError(path + ": Fortran-order arrays are not supported; save np.ascontiguousarray(images)");
    }
    m_element = header.descr == "|u1" ? Element::UInt8 : header.descr == "<f4" ? Element::Float32 : Element::Float64;
    m_itemSize = m_element == Element::UInt8 ? 1 : m_element == Element::Float32 ? 4 : 8;
    m_dataOffset = header.dataOffset;
    m_count = shape[0];
    m_channels = shape.size() == 4 ? shape[1] : 1;
    m_height = shape[shape.size() - 2];
    m_width = shape[shape.size() - 1];

    io::npyCheckedDataBytes(header, m_itemSize, path);
}

template <typename T>
void NpyImageDataset::convert(const unsigned char* bytes, std::int64_t firstImage, std::int64_t values,
                              float* out) const {
    for (std::int64_t i = 0; i < values; ++i) {
        T value;
        std::memcpy(&value, bytes + i * static_cast<std::int64_t>(sizeof(T)), sizeof(T));
        if (!(std::abs(static_cast<double>(value)) <= kMaxPixelMagnitude)) {
            const std::int64_t plane = m_height * m_width;
            const std::int64_t image = i / (m_channels * plane);
            const std::int64_t within = i % (m_channels * plane);
            char large[32];
            std::snprintf(large, sizeof large, "%.3g", static_cast<double>(value));
            throw InputError(m_file.path() + ": value " +
                             (std::isnan(value)   ? "NaN"
                              : std::isinf(value) ? (value > 0 ? "Inf" : "-Inf")
                                                  : std::string(large) + " (far outside any pixel range)") +
                             " at image " + std::to_string(firstImage + image) + ", channel " +
                             std::to_string(within / plane) + ", row " + std::to_string(within % plane / m_width) +
                             ", column " + std::to_string(within % m_width) + " (0-based)");
        }
        out[i] = static_cast<float>(value);
    }
}

ImageBatch NpyImageDataset::read(std::int64_t first, std::int64_t count) const {
    checkRange(first, count);
    ImageBatch batch = makeBatch(count);
    const std::int64_t imageValues = batch.imageSize();
    const std::int64_t imageBytes = imageValues * m_itemSize;
    const std::int64_t chunkImages = std::max<std::int64_t>(1, kMaxChunkBytes / imageBytes);
    std::vector<unsigned char> buffer;
    for (std::int64_t done = 0; done < count; done += chunkImages) {
        const std::int64_t images = std::min(chunkImages, count - done);
        buffer.resize(static_cast<std::size_t>(images * imageBytes));
        m_file.read(m_dataOffset + (first + done) * imageBytes, buffer.data(), buffer.size());
        float* out = batch.pixels.data() + done * imageValues;
        const std::int64_t values = images * imageValues;
        switch (m_element) {
        case Element::UInt8:
            std::transform(buffer.begin(), buffer.end(), out,
                           [](unsigned char value) { return static_cast<float>(value) / 255.0f; });
            break;
        case Element::Float32:
            convert<float>(buffer.data(), first + done, values, out);
            break;
        case Element::Float64:
            convert<double>(buffer.data(), first + done, values, out);
            break;
        }
    }
    return batch;
}

} // namespace codescope::data
