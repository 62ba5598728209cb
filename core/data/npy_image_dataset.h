#pragma once
// An image stack saved with numpy.save, streamed from disk.
#include <cstdint>
#include <string>

#include "core/data/image_dataset.h"

namespace codescope::data {

/// A .npy array of shape N x C x H x W, or N x H x W (then one channel), in C order. dtype uint8 ('|u1') is scaled
/// by 1/255; float32 ('<f4') and float64 ('<f8') are taken as already in [0, 1] and passed through unchanged (values
/// outside are allowed, e.g. pre-normalised data; NaN and Inf are not). The file is never loaded whole: read()
/// fetches the requested images with pread. No labels: every label is -1.
class NpyImageDataset : public ImageDataset {
public:
    /// Opens `path` and validates its header (see io::readNpyArrayHeader) and size. Throws InputError ("<path>:
    /// <problem>") for a missing, unreadable or non-.npy file, a dtype other than '|u1', '<f4', '<f8', a rank other
    /// than 3 or 4, a zero dimension, Fortran order, or a data size that differs from the shape's (truncated file).
    explicit NpyImageDataset(const std::string& path);

    std::int64_t size() const override { return m_count; }
    std::int64_t channels() const override { return m_channels; }
    std::int64_t height() const override { return m_height; }
    std::int64_t width() const override { return m_width; }
    /// The file's path.
    std::string name() const override { return m_file.path(); }
    /// See ImageDataset::read. Throws InputError naming the file and the first bad value's image, channel, row and
    /// column (0-based) for NaN/Inf in a float file, and for a file truncated after being opened.
    ImageBatch read(std::int64_t first, std::int64_t count) const override;

private:
    enum class Element { UInt8, Float32, Float64 };

    template <typename T>
    void convert(const unsigned char* bytes, std::int64_t firstImage, std::int64_t values, float* out) const;

    ReadOnlyFile m_file;
    Element m_element = Element::UInt8;
    std::int64_t m_itemSize = 1;
    std::int64_t m_dataOffset = 0;
    std::int64_t m_count = 0;
    std::int64_t m_channels = 0;
    std::int64_t m_height = 0;
    std::int64_t m_width = 0;
};

} // namespace codescope::data
