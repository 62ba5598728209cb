#pragma once
// The image data sets that activation capture runs a model over, behind one interface so that capture does not care
// whether the images come from IDX, CIFAR-10 binaries, a folder of PNG/JPEG files or a .npy stack.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/image_batch.h"
#include "core/io/input_file.h"

namespace codescope::data {

/// A read-only, random-access collection of equally sized images.
class ImageDataset {
public:
    virtual ~ImageDataset() = default;
    virtual std::int64_t size() const = 0; // number of images
    virtual std::int64_t channels() const = 0;
    virtual std::int64_t height() const = 0;
    virtual std::int64_t width() const = 0;
    virtual std::string name() const = 0; // for messages, e.g. the path
    /// {channels(), height(), width()}: the data set's own shape of one image, known once it is open (headers only,
    /// no pixels read). A TorchScript model is fed images of this shape unless the user gives another.
    std::vector<std::int64_t> shape() const { return {channels(), height(), width()}; }
    /// Images [first, first+count) scaled to [0,1]. Thread-safe for concurrent calls (workers read in parallel).
    /// Throws InputError naming the file and problem (truncated, corrupt) and std::out_of_range for a bad range.
    virtual ImageBatch read(std::int64_t first, std::int64_t count) const = 0;

protected:
    /// Throws std::out_of_range naming the data set unless 0 <= first, 0 <= count and first + count <= size().
    void checkRange(std::int64_t first, std::int64_t count) const;
    /// A batch of `count` images of this data set's shape, pixels zeroed and labels -1, ready to be filled in.
    ImageBatch makeBatch(std::int64_t count) const;
};

/// Which half of a data set that ships with both: the test split (what activation capture measures by default) or
/// the training split.
enum class DatasetSplit { Test, Train };

/// Opens "fashion-mnist" (default test split: /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz, labels
/// t10k-labels-idx1-ubyte.gz), "fashion-mnist:PATH" (a folder holding those IDX files, or a single IDX images file,
/// raw or .gz), "fashion-mnist-train" (the train split), "cifar10:PATH" (folder with data_batch_1..5.bin and/or
/// test_batch.bin, or one .bin), "images:PATH" (folder of PNG/JPEG), "npy:PATH" (.npy N x C x H x W or N x H x W,
/// float32/float64 in [0,1] or uint8 0..255).
/// Also accepted: "fashion-mnist-train:PATH" (the train-* files of a folder) and "cifar10-train:PATH" (only the
/// data_batch files of a folder). "cifar10:PATH" on a folder reads test_batch.bin when it is there, else every
/// data_batch_1..5.bin present, in that order; see openIdxDataset and openCifar10 for the details of each kind.
/// Throws InputError for an unknown kind, a missing path, an empty folder, or a bad file.
std::unique_ptr<ImageDataset> openDataset(const std::string& spec);

/// A regular file opened read-only for positioned reads (core/io/input_file.h): pipes, devices and folders are
/// refused at open.
using ReadOnlyFile = io::InputFile;

} // namespace codescope::data
