#pragma once
// CIFAR-10's binary version: fixed-size records of one label byte followed by a 3 x 32 x 32 colour image.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/image_dataset.h"

namespace codescope::data {

/// Bytes in one CIFAR-10 record: 1 label byte + 3072 pixel bytes (R plane, then G, then B; each 32 rows of 32).
inline constexpr std::int64_t kCifar10RecordBytes = 1 + 3 * 32 * 32;

/// The records of one or more CIFAR-10 binary batch files, concatenated in the order given. Files stay on disk;
/// read() fetches the requested records with pread. 3 channels of 32 x 32, pixels scaled by 1/255, labels 0..9.
class Cifar10Dataset : public ImageDataset {
public:
    /// Opens every file of `paths` and checks that its size is a positive multiple of kCifar10RecordBytes. `name`
    /// is what name() reports (the first path when empty). Throws InputError ("<path>: <problem>") for a missing or
    /// unreadable file, an empty file, or a truncated one (a size that is not a multiple of 3073 bytes), and
    /// std::invalid_argument for an empty `paths`.
    explicit Cifar10Dataset(const std::vector<std::string>& paths, const std::string& name = {});

    std::int64_t size() const override { return m_recordStarts.back(); }
    std::int64_t channels() const override { return 3; }
    std::int64_t height() const override { return 32; }
    std::int64_t width() const override { return 32; }
    std::string name() const override { return m_name; }
    /// See ImageDataset::read. Labels are checked as they are read, not at open (that would read every file
    /// whole): throws InputError naming the file and the record (0-based within the file) for a label outside
    /// 0..9, and for a file truncated after being opened.
    ImageBatch read(std::int64_t first, std::int64_t count) const override;

    /// The files in the order their records are numbered.
    std::vector<std::string> paths() const;

private:
    std::string m_name;
    std::vector<ReadOnlyFile> m_files;
    std::vector<std::int64_t> m_recordStarts; // m_files.size() + 1 entries: the first global index of each file
};

/// Opens CIFAR-10 as the "cifar10[-train]:PATH" specs of openDataset do. `path` is one .bin file (split ignored)
/// or a folder. In a folder, DatasetSplit::Test reads test_batch.bin when it is there, and otherwise falls back to
/// the training files; DatasetSplit::Train reads the data_batch_1.bin .. data_batch_5.bin files present, in that
/// order. A folder without these files may hold them in a "cifar-10-batches-bin" subfolder (the official archive's
/// layout), which is searched next. Throws InputError if `path` does not exist, a folder holds none of the files,
/// or a file is bad (see Cifar10Dataset).
std::unique_ptr<Cifar10Dataset> openCifar10(const std::string& path, DatasetSplit split);

} // namespace codescope::data
