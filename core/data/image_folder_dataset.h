#pragma once
// A folder of PNG/JPEG files, decoded on demand with stb_image.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/image_dataset.h"

namespace codescope::data {

/// The .png, .jpg and .jpeg files (extension matched case-insensitively) directly inside a folder, in byte order of
/// their names; other files and subfolders are ignored. Greyscale files (with or without alpha) give 1 channel,
/// colour files 3: alpha is dropped, not blended. Every file must decode to the same channel count, height and width.
/// Files are decoded in read(), not kept in memory. No labels: every label is -1.
class ImageFolderDataset : public ImageDataset {
public:
    /// Lists the folder and reads each file's header (not its pixels) to learn its size and channel count.
    /// Throws InputError ("<path>: <problem>") if the folder does not exist or is not a folder, holds no PNG/JPEG
    /// file, holds a file stb_image cannot parse (naming the file and stbi_failure_reason()), or holds a file whose
    /// channels x height x width differ from the first file's (naming both).
    explicit ImageFolderDataset(const std::string& folder);

    std::int64_t size() const override { return static_cast<std::int64_t>(m_files.size()); }
    std::int64_t channels() const override { return m_channels; }
    std::int64_t height() const override { return m_height; }
    std::int64_t width() const override { return m_width; }
    /// The folder's path.
    std::string name() const override { return m_folder; }
    /// See ImageDataset::read. Throws InputError naming the file if it no longer decodes (stbi_failure_reason(); a
    /// file whose header parses can still hold corrupt pixel data) or its size changed since the folder was opened.
    ImageBatch read(std::int64_t first, std::int64_t count) const override;

    /// The image files in data set order (full paths).
    const std::vector<std::string>& files() const { return m_files; }

private:
    std::string m_folder;
    std::vector<std::string> m_files;
    std::int64_t m_channels = 0;
    std::int64_t m_height = 0;
    std::int64_t m_width = 0;
};

} // namespace codescope::data
