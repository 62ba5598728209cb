#include "core/data/cifar10_dataset.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "core/common/input_error.h"

namespace codescope::data {

namespace {

constexpr std::int64_t kPixelBytes = kCifar10RecordBytes - 1;
constexpr int kClasses = 10;
constexpr int kTrainBatches = 5;

bool isFile(const std::filesystem::path& path) {
    std::error_code error;
    return std::filesystem::is_regular_file(path, error);
}

// The batch files of one folder for the split, in record order; empty when the folder holds none of them.
std::vector<std::string> batchFiles(const std::filesystem::path& folder, DatasetSplit split) {
    if (split == DatasetSplit::Test && isFile(folder / "test_batch.bin")) return {(folder / "test_batch.bin").string()};
    std::vector<std::string> files;
    for (int i = 1; i <= kTrainBatches; ++i) {
        const auto file = folder / ("data_batch_" + std::to_string(i) + ".bin");
        if (isFile(file)) files.push_back(file.string());
    }
    return files;
}

} // namespace

Cifar10Dataset::Cifar10Dataset(const std::vector<std::string>& paths, const std::string& name)
    : m_name(name.empty() && !paths.empty() ? paths.front() : name) {
    if (paths.empty()) throw std::invalid_argument("Cifar10Dataset: no files given");
    m_recordStarts.push_back(0);
    for (const std::string& path : paths) {
        ReadOnlyFile file(path);
        const std::int64_t bytes = file.size();
        if (bytes == 0) throw InputError(path + ": empty file: no CIFAR-10 records");
        if (bytes % kCifar10RecordBytes != 0) {
            throw InputError(path + ": truncated: " + std::to_string(bytes) + " bytes is not a whole number of " +
                             std::to_string(kCifar10RecordBytes) + "-byte CIFAR-10 records (" +
                             std::to_string(bytes / kCifar10RecordBytes) + " records and " +
                             std::to_string(bytes % kCifar10RecordBytes) +
                             " bytes; CIFAR-100 records, 3074 bytes, are not supported)");
        }
        m_recordStarts.push_back(m_recordStarts.back() + bytes / kCifar10RecordBytes);
        m_files.push_back(std::move(file));
    }
}

std::vector<std::string> Cifar10Dataset::paths() const {
    std::vector<std::string> result;
    for (const ReadOnlyFile& file : m_files)
        result.push_back(file.path());
    return result;
}

ImageBatch Cifar10Dataset::read(std::int64_t first, std::int64_t count) const {
    checkRange(first, count);
    ImageBatch batch = makeBatch(count);
    std::vector<unsigned char> records;
    std::int64_t done = 0;
    // The file holding `first`: the last whose first record is <= first.
    auto fileIndex = static_cast<std::size_t>(std::upper_bound(m_recordStarts.begin(), m_recordStarts.end(), first) -
                                              m_recordStarts.begin() - 1);
    while (done < count) {
        const ReadOnlyFile& file = m_files[fileIndex];
        const std::int64_t local = first + done - m_recordStarts[fileIndex];
        const std::int64_t take = std::min(count - done, m_recordStarts[fileIndex + 1] - (first + done));
        records.resize(static_cast<std::size_t>(take * kCifar10RecordBytes));
        file.read(local * kCifar10RecordBytes, records.data(), records.size());
        for (std::int64_t r = 0; r < take; ++r) {
            const unsigned char* record = records.data() + r * kCifar10RecordBytes;
            if (record[0] >= kClasses) {
                throw InputError(file.path() + ": record " + std::to_string(local + r) + " has label " +
                                 std::to_string(record[0]) + "; CIFAR-10 labels are 0..9 (is this CIFAR-100?)");
            }
            batch.labels[static_cast<std::size_t>(done + r)] = record[0];
            // The file's layout is already planar (C x H x W), the order ImageBatch wants.
            std::transform(record + 1, record + 1 + kPixelBytes, batch.pixels.begin() + (done + r) * kPixelBytes,
                           [](unsigned char value) { return static_cast<float>(value) / 255.0f; });
        }
        done += take;
        ++fileIndex;
    }
    return batch;
}

std::unique_ptr<Cifar10Dataset> openCifar10(const std::string& path, DatasetSplit split) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (!std::filesystem::exists(status)) throw InputError(path + ": no such file or directory");
    if (!std::filesystem::is_directory(status)) return std::make_unique<Cifar10Dataset>(std::vector{path});
    std::vector<std::string> files = batchFiles(path, split);
    if (files.empty()) files = batchFiles(std::filesystem::path(path) / "cifar-10-batches-bin", split);
    if (files.empty()) {
        throw InputError(path + ": no CIFAR-10 batch files in this folder (expected " +
                         std::string(split == DatasetSplit::Test ? "test_batch.bin or " : "") +
                         "data_batch_1.bin .. data_batch_5.bin)");
    }
    return std::make_unique<Cifar10Dataset>(files, path);
}

} // namespace codescope::data
