#include "core/data/image_dataset.h"

#include <stdexcept>

#include "core/common/input_error.h"
#include "core/data/cifar10_dataset.h"
#include "core/data/idx_dataset.h"
#include "core/data/image_folder_dataset.h"
#include "core/data/npy_image_dataset.h"

namespace codescope::data {

void ImageDataset::checkRange(std::int64_t first, std::int64_t count) const {
    // Written so that no sum can overflow, whatever a caller passes.
    if (first < 0 || count < 0 || first > size() || count > size() - first) {
        throw std::out_of_range(name() + ": cannot read " + std::to_string(count) + " images from image " +
                                std::to_string(first) + ": the data set has " + std::to_string(size()) + " images");
    }
}

ImageBatch ImageDataset::makeBatch(std::int64_t count) const {
    ImageBatch batch;
    batch.count = count;
    batch.channels = channels();
    batch.height = height();
    batch.width = width();
    batch.pixels.assign(static_cast<std::size_t>(count * batch.imageSize()), 0.0f);
    batch.labels.assign(static_cast<std::size_t>(count), -1);
    return batch;
}

std::unique_ptr<ImageDataset> openDataset(const std::string& spec) {
    const std::size_t colon = spec.find(':');
    const std::string kind = spec.substr(0, colon);
    const bool hasPath = colon != std::string::npos;
    const std::string path = hasPath ? spec.substr(colon + 1) : std::string();
    if (hasPath && path.empty()) throw InputError(spec + ": missing path after '" + kind + ":'");

    if (kind == "fashion-mnist" || kind == "fashion-mnist-train") {
        const DatasetSplit split = kind == "fashion-mnist" ? DatasetSplit::Test : DatasetSplit::Train;
        return openIdxDataset(hasPath ? path : kFashionMnistDir, split);
    }
    const bool needsPath = kind == "cifar10" || kind == "cifar10-train" || kind == "images" || kind == "npy";
    if (needsPath && !hasPath) throw InputError(spec + ": missing path: write " + kind + ":PATH");
    if (kind == "cifar10") return openCifar10(path, DatasetSplit::Test);
    if (kind == "cifar10-train") return openCifar10(path, DatasetSplit::Train);
    if (kind == "images") return std::make_unique<ImageFolderDataset>(path);
    if (kind == "npy") return std::make_unique<NpyImageDataset>(path);
    throw InputError(spec + ": unknown data set kind '" + kind +
                     "' (expected fashion-mnist, fashion-mnist-train, cifar10, cifar10-train, images or npy)");
}

} // namespace codescope::data
