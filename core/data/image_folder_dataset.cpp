#include "core/data/image_folder_dataset.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>

#include "core/common/input_error.h"
#include "core/io/input_file.h"

// The one translation unit that compiles stb_image's implementation. Its code trips our warnings (-Wextra on
// third-party C-style code); they are silenced here only, not for our own code. stbi_failure_reason() is thread-local
// in this version of stb_image (STBI_THREAD_LOCAL), so concurrent read() calls each see their own failure.
#define STB_IMAGE_IMPLEMENTATION
#include "core/common/third_party_warnings_off.h"
#include <stb/stb_image.h>
#include "core/common/third_party_warnings_on.h"

namespace codescope::data {

namespace {

bool isImageFile(const std::filesystem::path& path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".png" || extension == ".jpg" || extension == ".jpeg";
}

// Grey + alpha decodes to grey, RGBA to RGB: alpha carries no image content for a model trained on opaque images.
int channelsWithoutAlpha(int components) {
    return components <= 2 ? 1 : 3;
}

std::string shapeText(std::int64_t channels, std::int64_t height, std::int64_t width) {
    return std::to_string(channels) + " x " + std::to_string(height) + " x " + std::to_string(width);
}

// Limits on what an image's header may claim, checked before stb_image allocates for it. A decoded image of more
// than 2^26 pixels (8192 x 8192) is no input for a layer analysis, and a PNG cannot hold more than about 10,000
// pixels per byte of file (deflate's ratio is at most 1032:1, and 1-bit pixels pack 8 to a byte): a header that
// claims more lies about the file.
constexpr std::int64_t kMaxImagePixels = std::int64_t{1} << 26;
constexpr std::int64_t kMaxPngPixelsPerByte = 10000;
constexpr std::int64_t kMaxImageFileBytes = std::int64_t{256} << 20;

// The header's claims checked against the limits above; `fileBytes` is the size of the whole file. Throws
// InputError naming the file.
void checkClaims(const std::string& file, int width, int height, bool png, std::int64_t fileBytes) {
    const std::int64_t pixels = std::int64_t{width} * height;
    if (pixels > kMaxImagePixels) {
        throw InputError(io::oneLine(file) + ": image header claims " + std::to_string(width) + " x " +
                         std::to_string(height) + " pixels, over the limit of " + std::to_string(kMaxImagePixels) +
                         " (8192 x 8192)");
    }
    if (png && pixels > kMaxPngPixelsPerByte * fileBytes) {
        throw InputError(io::oneLine(file) + ": PNG header claims " + std::to_string(width) + " x " +
                         std::to_string(height) + " pixels, more than its " + std::to_string(fileBytes) +
                         " bytes can hold: the header lies");
    }
}

// stb_image 2.27 (Debian 12's) trusts a JPEG's Huffman table counts: a DHT segment whose 16 counts add up to more
// than 256 writes past the table it fills (found by fuzz_image_file; upstream checks it from 2.28). Such a file is
// refused before stb_image sees it. Walks the markers of `bytes` (which may be only the file's start), skipping
// entropy-coded data byte by byte to the next marker, as a decoder does.
void checkJpegHuffmanTables(const std::string& bytes, const std::string& file) {
    const auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    // stb_image takes any number of 0xFF fill bytes before a marker, SOI included.
    std::size_t start = 0;
    while (start < bytes.size() && at(start) == 0xFF)
        ++start;
    if (start == 0 || start >= bytes.size() || at(start) != 0xD8) return;
    for (std::size_t pos = start + 1; pos + 4 <= bytes.size();) {
        const unsigned char marker = at(pos + 1);
        if (at(pos) != 0xFF || marker == 0xFF) {
            ++pos; // entropy-coded data, or fill bytes before a marker
        } else if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
            pos += 2; // a stuffed 0xFF, TEM, a restart marker or SOI: no length follows
        } else if (marker == 0xD9) {
            return; // end of image
        } else {
            const std::size_t end = std::min(bytes.size(), pos + 2 + (std::size_t{at(pos + 2)} << 8 | at(pos + 3)));
            // A table cut off by the segment's or the file's end still counts: stb_image reads zeros past the end
            // of the file and the bytes after the segment as if they were the table's.
            for (std::size_t table = pos + 4; marker == 0xC4 && table < end;) {
                std::size_t codes = 0;
                for (std::size_t i = 1; i <= 16 && table + i < bytes.size(); ++i)
                    codes += at(table + i);
                if (codes > 256) {
                    throw InputError(io::oneLine(file) + ": corrupt JPEG (a Huffman table of " + std::to_string(codes) +
                                     " codes at byte " + std::to_string(table) + "; at most 256)");
                }
                table += 17 + codes;
            }
            pos = std::max(end, pos + 4);
        }
    }
}

const stbi_uc* bytesOf(const std::string& bytes) {
    return reinterpret_cast<const stbi_uc*>(bytes.data());
}

// The file's first `maxBytes` bytes (all of it if smaller), read through InputFile: a pipe or device is refused.
std::string imageBytes(const io::InputFile& input, std::int64_t maxBytes) {
    if (input.size() > kMaxImageFileBytes) {
        throw InputError(io::oneLine(input.path()) + ": " + io::byteSizeText(input.size()) +
                         " is too large for an image (at most " + io::byteSizeText(kMaxImageFileBytes) + ")");
    }
    std::string bytes(static_cast<std::size_t>(std::min(input.size(), maxBytes)), '\0');
    input.read(0, reinterpret_cast<unsigned char*>(bytes.data()), bytes.size());
    return bytes;
}

// stbi_info of the image at `file`, its header checked (checkClaims). Reads the header's first MiB only unless the
// image's header runs longer (a JPEG with large metadata). `bytes`, if given, receives the whole file.
void imageInfo(const std::string& file, int& width, int& height, int& components, std::string* bytes = nullptr) {
    const io::InputFile input(file);
    constexpr std::int64_t kHeaderBytes = std::int64_t{1} << 20;
    std::string head = imageBytes(input, bytes ? kMaxImageFileBytes : kHeaderBytes);
    checkJpegHuffmanTables(head, file);
    auto info = [&] {
        return stbi_info_from_memory(bytesOf(head), static_cast<int>(head.size()), &width, &height, &components);
    };
    if (info() == 0 && static_cast<std::int64_t>(head.size()) < input.size()) {
        head = imageBytes(input, kMaxImageFileBytes);
        checkJpegHuffmanTables(head, file);
        info();
    }
    if (info() == 0) throw InputError(io::oneLine(file) + ": cannot decode image (" + stbi_failure_reason() + ")");
    checkClaims(file, width, height, head.size() >= 4 && head.compare(1, 3, "PNG") == 0, input.size());
    if (bytes) *bytes = std::move(head);
}

struct StbiFree {
    void operator()(stbi_uc* pixels) const { stbi_image_free(pixels); }
};

} // namespace

ImageFolderDataset::ImageFolderDataset(const std::string& folder) : m_folder(folder) {
    std::error_code error;
    const auto status = std::filesystem::status(folder, error);
    if (!std::filesystem::exists(status)) throw InputError(folder + ": no such file or directory");
    if (!std::filesystem::is_directory(status)) throw InputError(folder + ": not a folder");
    std::filesystem::directory_iterator entries(folder, error);
    if (error) throw InputError(folder + ": cannot list the folder (" + error.message() + ")");
    for (const auto& entry : entries) {
        std::error_code typeError;
        if (entry.is_regular_file(typeError) && isImageFile(entry.path())) m_files.push_back(entry.path().string());
    }
    if (m_files.empty()) throw InputError(folder + ": no PNG or JPEG files (.png, .jpg, .jpeg) in this folder");
    // Directory order is whatever the file system says; a data set's image order must not depend on it.
    std::sort(m_files.begin(), m_files.end());

    for (const std::string& file : m_files) {
        int width = 0;
        int height = 0;
        int components = 0;
        imageInfo(file, width, height, components);
        const int channels = channelsWithoutAlpha(components);
        if (file == m_files.front()) {
            m_channels = channels;
            m_height = height;
            m_width = width;
        } else if (channels != m_channels || height != m_height || width != m_width) {
            throw InputError(file + ": image is " + shapeText(channels, height, width) +
                             " (channels x height x width) but " + m_files.front() + " is " +
                             shapeText(m_channels, m_height, m_width) +
                             "; all images in a folder must share size and channel count");
        }
    }
}

ImageBatch ImageFolderDataset::read(std::int64_t first, std::int64_t count) const {
    checkRange(first, count);
    ImageBatch batch = makeBatch(count);
    const std::int64_t planeSize = m_height * m_width;
    for (std::int64_t n = 0; n < count; ++n) {
        const std::string& file = m_files[static_cast<std::size_t>(first + n)];
        int width = 0;
        int height = 0;
        int components = 0;
        // The header is checked again: the file may have been replaced since the folder was opened.
        std::string bytes;
        imageInfo(file, width, height, components, &bytes);
        if (width != m_width || height != m_height) {
            throw InputError(io::oneLine(file) + ": image is now " +
                             shapeText(channelsWithoutAlpha(components), height, width) + " but was " +
                             shapeText(m_channels, m_height, m_width) +
                             " when the folder was opened; was the file replaced?");
        }
        const std::unique_ptr<stbi_uc, StbiFree> pixels(
            stbi_load_from_memory(bytesOf(bytes), static_cast<int>(bytes.size()), &width, &height, &components,
                                  static_cast<int>(m_channels)));
        if (!pixels) throw InputError(io::oneLine(file) + ": cannot decode image (" + stbi_failure_reason() + ")");
        if (width != m_width || height != m_height || channelsWithoutAlpha(components) != m_channels) {
            throw InputError(file + ": image is now " + shapeText(channelsWithoutAlpha(components), height, width) +
                             " but was " + shapeText(m_channels, m_height, m_width) +
                             " when the folder was opened; was the file replaced?");
        }
        // stb_image interleaves channels (H x W x C); ImageBatch is planar (C x H x W).
        float* out = batch.pixels.data() + n * batch.imageSize();
        for (std::int64_t i = 0; i < planeSize; ++i) {
            for (std::int64_t c = 0; c < m_channels; ++c) {
                out[c * planeSize + i] = static_cast<float>(pixels.get()[i * m_channels + c]) / 255.0f;
            }
        }
    }
    return batch;
}

} // namespace codescope::data
