#include "core/data/idx_dataset.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <unistd.h>
#include <zlib.h>

#include "core/common/input_error.h"

namespace codescope::data {

namespace {

constexpr unsigned char kGzipMagic[2] = {0x1f, 0x8b};
constexpr unsigned char kUnsignedByteType = 0x08;
constexpr int kImageRank = 3;
constexpr int kLabelRank = 1;
// A lying header must not make us allocate its claimed size up front; the buffer grows with the data actually read.
constexpr std::int64_t kMaxReserveBytes = std::int64_t{64} << 20;
constexpr std::int64_t kInflateChunkBytes = std::int64_t{1} << 20;
// A compressed images file holding more pixels than this is inflated as far as read() needs, not at construction.
constexpr std::int64_t kEagerInflateBytes = std::int64_t{64} << 20;
// deflate cannot expand its input by more than this (RFC 1951: 258 bytes from a 2-bit code, rounded up).
constexpr std::int64_t kMaxDeflateRatio = 1032;

} // namespace

// An IDX file read from its start, whether it is stored raw or gzip-compressed.
class IdxStream {
public:
    explicit IdxStream(const std::string& path) : m_file(std::make_unique<ReadOnlyFile>(path)) {
        unsigned char start[2] = {};
        const std::int64_t peek = std::min<std::int64_t>(m_file->size(), 2);
        m_file->read(0, start, static_cast<std::size_t>(peek));
        if (peek == 2 && start[0] == kGzipMagic[0] && start[1] == kGzipMagic[1]) {
            // gzdopen on our own descriptor: the path is not opened a second time (it could be a pipe by now).
            const int fd = ::dup(m_file->descriptor());
            m_gz = fd >= 0 ? gzdopen(fd, "rb") : nullptr;
            if (m_gz == nullptr && fd >= 0) ::close(fd);
            if (m_gz == nullptr) throw InputError(path + ": cannot open gzip stream");
            gzbuffer(m_gz, 1u << 17);
        }
    }
    ~IdxStream() {
        if (m_gz != nullptr) gzclose(m_gz);
    }
    IdxStream(const IdxStream&) = delete;
    IdxStream& operator=(const IdxStream&) = delete;

    bool compressed() const { return m_gz != nullptr; }
    std::int64_t fileSize() const { return m_file->size(); }
    std::int64_t position() const { return m_position; }
    // Bytes left in a raw file; compressed streams do not know theirs.
    std::int64_t remainingRaw() const { return m_file->size() - m_position; }
    // True once a gzip stream turned out to end before its end-of-stream marker (a cut-off download).
    bool streamCutOff() const { return m_cutOff; }
    const std::string& path() const { return m_file->path(); }

    // Reads up to `size` bytes; fewer only at the end of the data. Throws InputError for corrupt gzip data.
    std::int64_t read(unsigned char* destination, std::int64_t size) {
        std::int64_t done = 0;
        if (m_gz == nullptr) {
            done = std::min(size, remainingRaw());
            m_file->read(m_position, destination, static_cast<std::size_t>(done));
        } else {
            while (done < size) {
                const auto want = static_cast<unsigned>(std::min<std::int64_t>(size - done, 1 << 30));
                const int got = gzread(m_gz, destination + done, want);
                if (got < 0) throw InputError(path() + ": corrupt gzip data (" + gzipError() + ")");
                if (got == 0) {
                    int code = Z_OK;
                    gzerror(m_gz, &code);
                    m_cutOff = code == Z_BUF_ERROR;
                    break;
                }
                done += got;
            }
        }
        m_position += done;
        return done;
    }

    // Hands over the raw file so the data set can keep reading it on demand.
    std::unique_ptr<ReadOnlyFile> releaseFile() { return std::move(m_file); }

private:
    std::string gzipError() {
        int code = Z_OK;
        const char* text = gzerror(m_gz, &code);
        std::string message = text != nullptr && *text != '\0' ? text : "zlib error " + std::to_string(code);
        // zlib prefixes the path it was opened with; our messages already start with it.
        const std::string prefix = path() + ": ";
        if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
        return message;
    }

    std::unique_ptr<ReadOnlyFile> m_file;
    gzFile m_gz = nullptr;
    std::int64_t m_position = 0;
    bool m_cutOff = false;
};

namespace {

std::string hex32(std::uint32_t value) {
    char text[11];
    std::snprintf(text, sizeof text, "0x%08X", value);
    return text;
}

std::string dimsText(const std::vector<std::int64_t>& dims) {
    std::string text;
    for (std::size_t i = 0; i < dims.size(); ++i)
        text += (i > 0 ? " x " : "") + std::to_string(dims[i]);
    return text;
}

// What one IDX file holds. `data` is filled when the file was compressed or `loadRaw` was asked for; otherwise
// `file` stays open at the data and the caller reads it on demand.
struct IdxContents {
    std::vector<std::int64_t> dims;
    std::int64_t dataOffset = 0;
    std::int64_t dataBytes = 0;
    std::vector<unsigned char> data;
    std::unique_ptr<ReadOnlyFile> file;
    std::unique_ptr<IdxStream> stream; // a large compressed file, positioned at its pixels, still to be inflated
};

// Inflates `stream` until `data` holds `wanted` bytes (of the `total` the header declares); at the end of the data,
// checks that nothing follows. Throws InputError "<path>: truncated: ..." when the stream ends first.
void inflateTo(IdxStream& stream, std::vector<unsigned char>& data, std::int64_t wanted, std::int64_t total,
               const std::string& declared, const std::vector<std::int64_t>& dims) {
    const std::string& path = stream.path();
    if (static_cast<std::int64_t>(data.capacity()) < wanted) {
        // Geometric growth keeps sequential batches linear; never beyond what the header declares.
        data.reserve(static_cast<std::size_t>(
            std::min(total, std::max(wanted, 2 * static_cast<std::int64_t>(data.capacity())))));
    }
    while (static_cast<std::int64_t>(data.size()) < wanted) {
        const std::int64_t have = static_cast<std::int64_t>(data.size());
        const std::int64_t want = std::min(kInflateChunkBytes, wanted - have);
        data.resize(static_cast<std::size_t>(have + want));
        const std::int64_t got = stream.read(data.data() + have, want);
        if (got < want) {
            data.resize(static_cast<std::size_t>(have + got));
            throw InputError(path + ": truncated: " + declared + ", found " + std::to_string(have + got) +
                             (stream.streamCutOff() ? " (the gzip stream is cut off)" : ""));
        }
    }
    if (static_cast<std::int64_t>(data.size()) == total) {
        unsigned char extra = 0;
        if (stream.read(&extra, 1) > 0) {
            throw InputError(path + ": " + declared + " (" + dimsText(dims) +
                             "), found more: the header does not match the file");
        }
    }
}

// `what` names the payload in messages: "image" or "label".
IdxContents readIdx(const std::string& path, int rank, const char* what, bool loadRaw) {
    auto stream = std::make_unique<IdxStream>(path);
    const auto expectedMagic = static_cast<std::uint32_t>(kUnsignedByteType << 8 | rank);
    const std::string expected =
        hex32(expectedMagic) + (rank == kImageRank ? " (IDX uint8 images, N x H x W)" : " (IDX uint8 labels, N)");
    unsigned char header[4 + 4 * kImageRank] = {};
    if (stream->read(header, 4) < 4) throw InputError(path + ": not an IDX file: shorter than the 4-byte magic");
    const std::uint32_t magic =
        std::uint32_t{header[0]} << 24 | std::uint32_t{header[1]} << 16 | std::uint32_t{header[2]} << 8 | header[3];
    if (magic != expectedMagic) {
        std::string hint;
        if (header[0] != 0 || header[1] != 0) {
            hint = "; not an IDX file";
        } else if (header[2] != kUnsignedByteType) {
            hint = "; unsupported element type 0x" + hex32(header[2]).substr(8) + " (only unsigned bytes, 0x08)";
        } else if (header[3] == kLabelRank) {
            hint = "; this is a labels file";
        } else if (header[3] == kImageRank) {
            hint = "; this is an images file";
        }
        throw InputError(path + ": bad magic number " + hex32(magic) + ", expected " + expected + hint);
    }
    if (stream->read(header + 4, 4 * rank) < 4 * rank) {
        throw InputError(path + ": truncated: the file ends inside the IDX header");
    }
    IdxContents contents;
    for (int i = 0; i < rank; ++i) {
        const unsigned char* b = header + 4 + 4 * i;
        contents.dims.push_back(std::int64_t{b[0]} << 24 | std::int64_t{b[1]} << 16 | std::int64_t{b[2]} << 8 | b[3]);
    }
    if (std::count(contents.dims.begin(), contents.dims.end(), 0) > 0) {
        throw InputError(path + ": IDX header declares a zero dimension (" + dimsText(contents.dims) + ")");
    }
    std::int64_t bytes = 1;
    for (const std::int64_t dim : contents.dims) {
        if (bytes > std::numeric_limits<std::int64_t>::max() / dim) {
            throw InputError(path + ": IDX dimensions " + dimsText(contents.dims) + " overflow 64 bits");
        }
        bytes *= dim;
    }
    contents.dataOffset = stream->position();
    contents.dataBytes = bytes;
    const std::string declared = "expected " + std::to_string(bytes) + " bytes of " + what + " data";

    if (!stream->compressed() && !loadRaw) {
        const std::int64_t held = stream->remainingRaw();
        if (held < bytes) throw InputError(path + ": truncated: " + declared + ", found " + std::to_string(held));
        if (held > bytes) {
            throw InputError(path + ": " + declared + " (" + dimsText(contents.dims) + "), found " +
                             std::to_string(held) + ": the header does not match the file");
        }
        contents.file = stream->releaseFile();
        return contents;
    }
    // deflate expands its input at most 1032-fold: a gzip file cannot hold more pixels than that.
    if (stream->compressed() && bytes / kMaxDeflateRatio > stream->fileSize()) {
        throw InputError(path + ": IDX header declares " + dimsText(contents.dims) + " = " + std::to_string(bytes) +
                         " bytes of " + what + " data, more than a gzip file of " + std::to_string(stream->fileSize()) +
                         " bytes can hold: the header lies");
    }
    if (!loadRaw && bytes > kEagerInflateBytes) {
        contents.stream = std::move(stream);
        return contents;
    }
    contents.data.reserve(static_cast<std::size_t>(std::min(bytes, kMaxReserveBytes)));
    inflateTo(*stream, contents.data, bytes, bytes, declared, contents.dims);
    return contents;
}

bool exists(const std::string& path) {
    std::error_code error;
    return std::filesystem::exists(path, error);
}

// `base` or `base.gz`, whichever exists (raw first: it is read on demand instead of inflated), or "".
std::string rawOrGzip(const std::string& base) {
    if (exists(base)) return base;
    if (exists(base + ".gz")) return base + ".gz";
    return {};
}

} // namespace

IdxDataset::IdxDataset(const std::string& imagesPath, const std::string& labelsPath)
    : m_path(imagesPath), m_labelsPath(labelsPath) {
    IdxContents images = readIdx(imagesPath, kImageRank, "image", false);
    m_count = images.dims[0];
    m_height = images.dims[1];
    m_width = images.dims[2];
    m_dataOffset = images.dataOffset;
    m_file = std::move(images.file);
    m_pixels = std::move(images.data);
    m_gz = std::move(images.stream);
    if (labelsPath.empty()) return;
    const IdxContents labels = readIdx(labelsPath, kLabelRank, "label", true);
    if (labels.dims[0] != m_count) {
        throw InputError(labelsPath + ": holds " + std::to_string(labels.dims[0]) + " labels but " + imagesPath +
                         " holds " + std::to_string(m_count) + " images");
    }
    m_labels.assign(labels.data.begin(), labels.data.end());
}

IdxDataset::~IdxDataset() = default;

ImageBatch IdxDataset::read(std::int64_t first, std::int64_t count) const {
    checkRange(first, count);
    ImageBatch batch = makeBatch(count);
    const std::int64_t imageBytes = m_height * m_width;
    const unsigned char* bytes = nullptr;
    std::vector<unsigned char> buffer;
    if (m_file) {
        buffer.resize(static_cast<std::size_t>(count * imageBytes));
        m_file->read(m_dataOffset + first * imageBytes, buffer.data(), buffer.size());
        bytes = buffer.data();
    } else if (m_gz) {
        std::lock_guard<std::mutex> lock(m_inflateMutex);
        const std::int64_t total = m_count * imageBytes;
        const std::string declared = "expected " + std::to_string(total) + " bytes of image data";
        inflateTo(*m_gz, m_pixels, (first + count) * imageBytes, total, declared, {m_count, m_height, m_width});
        buffer.assign(m_pixels.begin() + first * imageBytes, m_pixels.begin() + (first + count) * imageBytes);
        bytes = buffer.data();
    } else {
        bytes = m_pixels.data() + first * imageBytes;
    }
    std::transform(bytes, bytes + count * imageBytes, batch.pixels.begin(),
                   [](unsigned char value) { return static_cast<float>(value) / 255.0f; });
    if (!m_labels.empty()) std::copy_n(m_labels.begin() + first, count, batch.labels.begin());
    return batch;
}

std::unique_ptr<IdxDataset> openIdxDataset(const std::string& path, DatasetSplit split) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (!std::filesystem::exists(status)) throw InputError(path + ": no such file or directory");
    if (std::filesystem::is_directory(status)) {
        const std::string prefix = split == DatasetSplit::Test ? "t10k" : "train";
        const std::string folder = (std::filesystem::path(path) / prefix).string();
        const std::string images = rawOrGzip(folder + "-images-idx3-ubyte");
        if (images.empty()) {
            throw InputError(path + ": no " + prefix + "-images-idx3-ubyte or " + prefix +
                             "-images-idx3-ubyte.gz in this folder");
        }
        return std::make_unique<IdxDataset>(images, rawOrGzip(folder + "-labels-idx1-ubyte"));
    }
    // A lone images file: its labels are the sibling named the way the MNIST distribution names them.
    const std::filesystem::path file(path);
    std::string name = file.filename().string();
    std::string labels;
    const std::size_t at = name.find("images-idx3");
    if (at != std::string::npos) {
        name.replace(at, 11, "labels-idx1");
        if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) name.resize(name.size() - 3);
        labels = rawOrGzip((file.parent_path() / name).string());
    }
    return std::make_unique<IdxDataset>(path, labels);
}

} // namespace codescope::data
