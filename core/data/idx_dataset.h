#pragma once
// IDX files (LeCun's MNIST format, also used by Fashion-MNIST): a big-endian header, then uint8 pixels.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/data/image_dataset.h"

namespace codescope::data {

/// Where the dataset-fashion-mnist package installs the four gzip-compressed IDX files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// Greyscale images from an IDX images file (magic 0x00000803: uint8, dims N x H x W) with optional labels from an
/// IDX labels file (magic 0x00000801: uint8, dim N). Either file may be raw or gzip-compressed (recognised by its
/// first bytes, not its name). A compressed images file of up to 64 MiB of pixels is inflated once, at construction,
/// into memory (Fashion-MNIST's test set is 7.8 MB); a larger one is inflated only as far as read() is asked to go,
/// so a small gzip whose header claims millions of images costs only the images used. A raw file stays on disk and
/// read() fetches the requested images with pread. Pixels are scaled by 1/255; channels() is 1.
class IdxStream;

class IdxDataset : public ImageDataset {
public:
    /// Opens `imagesPath` and, unless `labelsPath` is empty, `labelsPath`, and validates both: magic numbers, every
    /// dimension > 0, exactly N*H*W bytes of pixels (and N bytes of labels) after the header, and as many labels as
    /// images. Throws InputError ("<path>: <problem>") for a missing or unreadable file, a wrong magic number, a zero
    /// dimension, a truncated file ("<path>: truncated: expected N bytes of image data, found M"), trailing bytes,
    /// corrupt gzip data, or a label count that differs from the image count.
    /// A large compressed file is checked for truncation and trailing bytes as far as it is read (see read()).
    explicit IdxDataset(const std::string& imagesPath, const std::string& labelsPath = {});
    ~IdxDataset() override;

    std::int64_t size() const override { return m_count; }
    std::int64_t channels() const override { return 1; }
    std::int64_t height() const override { return m_height; }
    std::int64_t width() const override { return m_width; }
    /// The images file's path.
    std::string name() const override { return m_path; }
    /// See ImageDataset::read. Labels are the labels file's bytes (0..9 for (Fashion-)MNIST), or -1 without one.
    /// Throws InputError if a raw images file was truncated after being opened, or if a large compressed one turns out
    /// truncated, corrupt or longer than its header says as far as it is inflated.
    ImageBatch read(std::int64_t first, std::int64_t count) const override;

    /// The labels file's path, empty when the data set has no labels.
    const std::string& labelsPath() const { return m_labelsPath; }

private:
    std::string m_path;
    std::string m_labelsPath;
    std::int64_t m_count = 0;
    std::int64_t m_height = 0;
    std::int64_t m_width = 0;
    std::int64_t m_dataOffset = 0;        // header bytes before the pixels of a raw file
    std::unique_ptr<ReadOnlyFile> m_file; // a raw images file, read on demand; null for a compressed one
    // A compressed file's pixels: all N*H*W bytes, or for a large file the first images, inflated so far from m_gz.
    mutable std::vector<unsigned char> m_pixels;
    mutable std::unique_ptr<IdxStream> m_gz; // a large compressed file still being inflated; null otherwise
    mutable std::mutex m_inflateMutex;       // guards m_pixels and m_gz while m_gz is set
    std::vector<std::int64_t> m_labels;      // empty without a labels file
};

/// Opens IDX images as the "fashion-mnist[-train][:PATH]" specs of openDataset do. `path` is either a folder holding
/// `<prefix>-images-idx3-ubyte` (raw, or with .gz appended) and, optionally, `<prefix>-labels-idx1-ubyte[.gz]`, with
/// prefix "t10k" for the test split and "train" for the train split; or a single IDX images file, in which case the
/// labels come from the sibling whose name has "labels-idx1" in place of "images-idx3", when there is one (`split`
/// is then ignored). Throws InputError if `path` does not exist, a folder lacks the split's images file, or a file
/// is bad (see IdxDataset).
std::unique_ptr<IdxDataset> openIdxDataset(const std::string& path, DatasetSplit split);

} // namespace codescope::data
