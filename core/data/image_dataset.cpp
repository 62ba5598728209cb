#include "core/data/image_dataset.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include "core/common/input_error.h"
#include "core/data/cifar10_dataset.h"
#include "core/data/idx_dataset.h"
#include "core/data/image_folder_dataset.h"
#include "core/data/npy_image_dataset.h"
#include "core/io/npy_reader.h"

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

ReadOnlyFile::ReadOnlyFile(const std::string& path) : m_path(path) {
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) throw InputError(path + ": cannot open for reading (" + std::strerror(errno) + ")");
    struct stat info {};
    std::string problem;
    if (::fstat(m_fd, &info) != 0) {
        problem = std::string("cannot stat (") + std::strerror(errno) + ")";
    } else if (S_ISDIR(info.st_mode)) {
        problem = "is a directory, not a file";
    } else if (!S_ISREG(info.st_mode)) {
        problem = "not a regular file (pipes and devices cannot be read)";
    }
    if (!problem.empty()) {
        ::close(m_fd); // the destructor does not run when a constructor throws
        m_fd = -1;
        throw InputError(path + ": " + problem);
    }
    m_size = info.st_size;
}

ReadOnlyFile::~ReadOnlyFile() {
    if (m_fd >= 0) ::close(m_fd);
}

ReadOnlyFile::ReadOnlyFile(ReadOnlyFile&& other) noexcept
    : m_path(std::move(other.m_path)), m_fd(std::exchange(other.m_fd, -1)), m_size(other.m_size) {}

ReadOnlyFile& ReadOnlyFile::operator=(ReadOnlyFile&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_path = std::move(other.m_path);
        m_fd = std::exchange(other.m_fd, -1);
        m_size = other.m_size;
    }
    return *this;
}

void ReadOnlyFile::read(std::int64_t offset, unsigned char* destination, std::size_t size) const {
    io::preadFully(m_fd, m_path, offset, destination, size);
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
