#include "core/io/npy_reader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <map>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <utility>

#include "core/common/input_error.h"

namespace codescope::io {

// Offsets beyond 2 GiB must reach pread intact; 32-bit off_t builds would silently wrap them.
static_assert(sizeof(off_t) >= 8, "NpyMatrixReader needs a 64-bit off_t (build with _FILE_OFFSET_BITS=64)");

std::int64_t npyItemSize(NpyDtype dtype) {
    return dtype == NpyDtype::Float32 ? 4 : 8;
}

const char* npyDescr(NpyDtype dtype) {
    return dtype == NpyDtype::Float32 ? "<f4" : "<f8";
}

namespace {

constexpr unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
// numpy refuses headers longer than 10000 characters when loading; we allow more, but a bound is still needed so a
// lying 4-byte length field cannot make us allocate gigabytes before we notice.
constexpr std::int64_t kMaxHeaderBytes = std::int64_t{1} << 20;
// C-order reads are split into chunks of at most this many bytes (always at least one row), so the buffer stays
// bounded even when a caller asks for many rows of a very wide matrix.
constexpr std::int64_t kMaxChunkBytes = std::int64_t{32} << 20;
// Values nested deeper than this are not something numpy writes; the bound keeps recursion off the stack's edge.
constexpr int kMaxNesting = 16;

// Values beyond this magnitude cannot be analysed: sums of their squares (a covariance) overflow double precision
// long before an eigensolver sees them, which then fails without saying why. No float32 value comes near it.
constexpr double kMaxUsableMagnitude = 1e100;

// Finite and small enough to square and sum: false for NaN, +-Inf and values beyond kMaxUsableMagnitude.
bool usable(double value) {
    return std::abs(value) <= kMaxUsableMagnitude;
}

// Header text can hold anything; messages must stay on one line and short.
std::string printable(const std::string& text) {
    std::string result;
    for (const char c : text) {
        if (result.size() >= 80) {
            result += "...";
            break;
        }
        const auto byte = static_cast<unsigned char>(c);
        result += (byte < 0x20 || byte == 0x7f) ? '?' : c;
    }
    return result;
}

std::string systemError() {
    return std::strerror(errno);
}

} // namespace

void preadFully(int fd, const std::string& path, std::int64_t offset, unsigned char* destination, std::size_t size) {
    while (size > 0) {
        const ssize_t got = ::pread(fd, destination, size, static_cast<off_t>(offset));
        if (got < 0) {
            if (errno == EINTR) continue;
            throw InputError(path + ": read failed at byte offset " + std::to_string(offset) + " (" + systemError() +
                             ")");
        }
        if (got == 0) {
            throw InputError(path + ": unexpected end of file at byte offset " + std::to_string(offset) +
                             " (was the file truncated while being read?)");
        }
        destination += got;
        offset += got;
        size -= static_cast<std::size_t>(got);
    }
}

namespace {

// A Python literal as numpy's header uses them: 'str', int, True/False/None, (tuple,) and [list].
struct PyValue {
    enum class Kind { String, Integer, Bool, None, Tuple, List };
    Kind kind = Kind::None;
    std::string text;           // String: the contents, without quotes
    std::int64_t integer = 0;   // Integer
    bool boolean = false;       // Bool
    std::vector<PyValue> items; // Tuple, List
    std::string source;         // as written in the header, for messages
};

// numpy writes the header with repr() of a dict and reads it back with ast.literal_eval; this parser accepts the
// subset of Python literals that can appear there, whatever the key order, spacing or padding.
class HeaderDictParser {
public:
    HeaderDictParser(const std::string& text, const std::string& path) : m_text(text), m_path(path) {}

    std::map<std::string, PyValue> parse() {
        skipSpace();
        expect('{');
        std::map<std::string, PyValue> dict;
        while (true) {
            skipSpace();
            if (consume('}')) break;
            if (peek() != '\'' && peek() != '"') fail("expected a quoted key");
            const std::string key = parseString();
            skipSpace();
            expect(':');
            PyValue value = parseValue(0);
            if (!dict.emplace(key, std::move(value)).second) fail("key '" + printable(key) + "' appears twice");
            skipSpace();
            if (consume(',')) continue;
            expect('}');
            break;
        }
        skipSpace();
        if (m_pos != m_text.size()) fail("unexpected text after the closing '}'");
        return dict;
    }

private:
    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
    bool atEnd() const { return m_pos >= m_text.size(); }

    void skipSpace() {
        while (!atEnd() && std::strchr(" \t\r\n", m_text[m_pos]) != nullptr)
            ++m_pos;
    }

    bool consume(char c) {
        if (atEnd() || m_text[m_pos] != c) return false;
        ++m_pos;
        return true;
    }

    void expect(char c) {
        if (!consume(c)) fail(std::string("expected '") + c + "'");
    }

    [[noreturn]] void fail(const std::string& detail) const {
        throw InputError(m_path + ": malformed header (" + detail + " at character " + std::to_string(m_pos) + ")");
    }

    std::string parseString() {
        const char quote = m_text[m_pos++];
        std::string result;
        while (true) {
            if (atEnd()) fail("unterminated string");
            const char c = m_text[m_pos++];
            if (c == quote) break;
            // Escapes never occur in dtype names or keys; keeping the escaped character is enough to skip them.
            if (c == '\\') {
                if (atEnd()) fail("unterminated string");
                result += m_text[m_pos++];
                continue;
            }
            result += c;
        }
        return result;
    }

    std::int64_t parseInteger() {
        bool negative = false;
        if (peek() == '+' || peek() == '-') negative = m_text[m_pos++] == '-';
        if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a digit");
        std::int64_t magnitude = 0;
        while (std::isdigit(static_cast<unsigned char>(peek()))) {
            const int digit = m_text[m_pos++] - '0';
            if (magnitude > (std::numeric_limits<std::int64_t>::max() - digit) / 10) {
                fail("integer too large for 64 bits");
            }
            magnitude = magnitude * 10 + digit;
        }
        // Python 2 numpy wrote long integers as 4000L in format 1.0/2.0 headers; numpy still reads them.
        if (peek() == 'L' || peek() == 'l') ++m_pos;
        if (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '.' || peek() == '_') {
            fail("unsupported number");
        }
        return negative ? -magnitude : magnitude;
    }

    PyValue parseValue(int depth) {
        if (depth > kMaxNesting) fail("values nested too deeply");
        skipSpace();
        const std::size_t start = m_pos;
        PyValue value;
        const char c = peek();
        if (c == '\'' || c == '"') {
            value.kind = PyValue::Kind::String;
            value.text = parseString();
        } else if (c == '(' || c == '[') {
            const char close = c == '(' ? ')' : ']';
            value.kind = c == '(' ? PyValue::Kind::Tuple : PyValue::Kind::List;
            ++m_pos;
            bool sawComma = false;
            while (true) {
                skipSpace();
                if (consume(close)) break;
                value.items.push_back(parseValue(depth + 1));
                skipSpace();
                if (consume(',')) {
                    sawComma = true;
                    continue;
                }
                expect(close);
                break;
            }
            // In Python "(5)" is the integer 5, not a tuple; only "(5,)" is a 1-tuple.
            if (value.kind == PyValue::Kind::Tuple && value.items.size() == 1 && !sawComma) {
                PyValue inner = std::move(value.items.front());
                inner.source = m_text.substr(start, m_pos - start);
                return inner;
            }
        } else if (c == '+' || c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
            value.kind = PyValue::Kind::Integer;
            value.integer = parseInteger();
        } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            std::string word;
            while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_')
                word += m_text[m_pos++];
            if (word == "True" || word == "False") {
                value.kind = PyValue::Kind::Bool;
                value.boolean = word == "True";
            } else if (word == "None") {
                value.kind = PyValue::Kind::None;
            } else {
                fail("unexpected word '" + printable(word) + "'");
            }
        } else {
            if (atEnd()) fail("unexpected end");
            fail("unexpected character '" + printable(std::string(1, c)) + "'");
        }
        value.source = m_text.substr(start, m_pos - start);
        return value;
    }

    const std::string& m_text;
    const std::string& m_path;
    std::size_t m_pos = 0;
};

// Why a descr other than '<f4'/'<f8' is refused, in words a user can act on.
std::string dtypeProblem(const std::string& descr) {
    if (descr.size() < 2) return "not a recognised dtype";
    const char order = descr[0];
    if (std::strchr("<>|=", order) == nullptr) return "no byte-order prefix; numpy writes '<' or '>'";
    const char kind = descr[1];
    const std::string size = descr.substr(2);
    std::string what;
    switch (kind) {
    case 'f':
        what = size == "4" ? "float32" : size == "8" ? "float64" : "float of " + size + " bytes";
        break;
    case 'i':
        what = "signed integer";
        break;
    case 'u':
        what = "unsigned integer";
        break;
    case 'b':
        what = "bool";
        break;
    case '?':
        what = "bool";
        break;
    case 'c':
        what = "complex";
        break;
    case 'O':
        what = "Python object";
        break;
    case 'U':
        what = "unicode string";
        break;
    case 'S':
    case 'a':
        what = "byte string";
        break;
    case 'V':
        what = "raw void";
        break;
    case 'M':
        what = "datetime";
        break;
    case 'm':
        what = "timedelta";
        break;
    default:
        what = "unknown kind";
        break;
    }
    if (order == '>') return "big-endian " + what;
    if (order == '=') return what + " in native byte order, which the file does not pin down";
    if (order == '|' && (size == "4" || size == "8") && kind == 'f') return what + " without a byte order";
    return what;
}

[[noreturn]] void throwUnsupportedDtype(const std::string& path, const std::string& shown, const std::string& why,
                                        const std::string& supportedText) {
    throw InputError(path + ": unsupported dtype " + shown + " (" + why + "); " + supportedText);
}

std::string parseDescr(const std::string& path, const PyValue& descr, const std::vector<std::string>& acceptedDescrs,
                       const std::string& supportedText) {
    if (descr.kind == PyValue::Kind::List) {
        throwUnsupportedDtype(path, printable(descr.source), "structured records", supportedText);
    }
    if (descr.kind != PyValue::Kind::String) {
        throw InputError(path + ": malformed header ('descr' is " + printable(descr.source) + ", not a dtype string)");
    }
    if (std::find(acceptedDescrs.begin(), acceptedDescrs.end(), descr.text) != acceptedDescrs.end()) return descr.text;
    throwUnsupportedDtype(path, "'" + printable(descr.text) + "'", dtypeProblem(descr.text), supportedText);
}

std::vector<std::int64_t> parseShape(const std::string& path, const PyValue& shape) {
    if (shape.kind != PyValue::Kind::Tuple) {
        throw InputError(path + ": malformed header ('shape' is " + printable(shape.source) + ", not a tuple)");
    }
    std::vector<std::int64_t> dims;
    for (const PyValue& item : shape.items) {
        if (item.kind != PyValue::Kind::Integer || item.integer < 0) {
            throw InputError(path + ": malformed header ('shape' " + printable(shape.source) +
                             " holds something other than non-negative integers)");
        }
        dims.push_back(item.integer);
    }
    return dims;
}

// Decoding by bytes keeps the reader right on any host; compilers turn it into a single load on little-endian ones.
template <typename T> T loadLittleEndian(const unsigned char* bytes);

template <> float loadLittleEndian<float>(const unsigned char* bytes) {
    const std::uint32_t bits = std::uint32_t{bytes[0]} | std::uint32_t{bytes[1]} << 8 | std::uint32_t{bytes[2]} << 16 |
                               std::uint32_t{bytes[3]} << 24;
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

template <> double loadLittleEndian<double>(const unsigned char* bytes) {
    std::uint64_t bits = 0;
    for (int i = 7; i >= 0; --i)
        bits = bits << 8 | bytes[i];
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

// Index of the first NaN/Inf among `count` values, or -1. Blocks are scanned without an early exit so the common
// all-finite case runs as a branch-free loop; only a block that holds a bad value is scanned again to find it.
template <typename T> std::int64_t firstNonFinite(const unsigned char* bytes, std::int64_t count) {
    constexpr std::int64_t kBlock = 256;
    for (std::int64_t start = 0; start < count; start += kBlock) {
        const std::int64_t end = std::min(count, start + kBlock);
        bool anyBad = false;
        for (std::int64_t i = start; i < end; ++i) {
            anyBad |= !usable(static_cast<double>(loadLittleEndian<T>(bytes + i * sizeof(T))));
        }
        if (!anyBad) continue;
        for (std::int64_t i = start; i < end; ++i) {
            if (!usable(static_cast<double>(loadLittleEndian<T>(bytes + i * sizeof(T))))) return i;
        }
    }
    return -1;
}

template <typename T>
void pickColumns(const unsigned char* rows, std::int64_t rowCount, std::int64_t rowBytes,
                 const std::vector<std::int64_t>& columns, Eigen::Ref<Eigen::MatrixXd>& out, Eigen::Index firstOutRow) {
    for (std::int64_t r = 0; r < rowCount; ++r) {
        const unsigned char* row = rows + r * rowBytes;
        for (std::size_t j = 0; j < columns.size(); ++j) {
            out(firstOutRow + r, static_cast<Eigen::Index>(j)) =
                static_cast<double>(loadLittleEndian<T>(row + columns[j] * static_cast<std::int64_t>(sizeof(T))));
        }
    }
}

template <typename T>
void copyColumn(const unsigned char* values, std::int64_t count, Eigen::Ref<Eigen::MatrixXd>& out,
                Eigen::Index column) {
    for (std::int64_t r = 0; r < count; ++r) {
        out(r, column) = static_cast<double>(loadLittleEndian<T>(values + r * static_cast<std::int64_t>(sizeof(T))));
    }
}

std::int64_t firstNonFinite(NpyDtype dtype, const unsigned char* bytes, std::int64_t count) {
    return dtype == NpyDtype::Float32 ? firstNonFinite<float>(bytes, count) : firstNonFinite<double>(bytes, count);
}

double loadValue(NpyDtype dtype, const unsigned char* bytes) {
    return dtype == NpyDtype::Float32 ? loadLittleEndian<float>(bytes) : loadLittleEndian<double>(bytes);
}

} // namespace

std::string npyShapeText(const std::vector<std::int64_t>& dims) {
    std::string text = "(";
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (i > 0) text += ", ";
        text += std::to_string(dims[i]);
    }
    if (dims.size() == 1) text += ",";
    return text + ")";
}

std::int64_t npyCheckedDataBytes(const NpyArrayHeader& header, std::int64_t itemSize, const std::string& path) {
    const std::string shapeText = npyShapeText(header.shape);
    std::int64_t dataBytes = itemSize;
    for (const std::int64_t dim : header.shape) {
        if (dim > 0 && dataBytes > (std::numeric_limits<std::int64_t>::max() - header.dataOffset) / dim) {
            throw InputError(path + ": shape " + shapeText + " is too large: its byte count overflows 64 bits");
        }
        dataBytes *= dim;
    }
    const std::int64_t heldBytes = header.fileSize - header.dataOffset;
    if (heldBytes != dataBytes) {
        const std::string declared = "header declares " + shapeText + " '" + header.descr +
                                     "' = " + std::to_string(dataBytes) + " bytes of data but the file holds " +
                                     std::to_string(heldBytes);
        if (heldBytes < dataBytes) throw InputError(path + ": truncated: " + declared);
        throw InputError(path + ": extra trailing bytes: " + declared + " (the header lies about the shape)");
    }
    return dataBytes;
}

NpyArrayHeader readNpyArrayHeader(int fd, const std::string& path, const std::vector<std::string>& acceptedDescrs,
                                  const std::string& supportedText) {
    struct stat info {};
    if (::fstat(fd, &info) != 0) throw InputError(path + ": cannot stat (" + systemError() + ")");
    if (S_ISDIR(info.st_mode)) throw InputError(path + ": is a directory, not a .npy file");
    if (!S_ISREG(info.st_mode)) throw InputError(path + ": not a regular file (pipes and devices cannot be read)");
    const std::int64_t fileSize = info.st_size;

    unsigned char preamble[12] = {};
    preadFully(fd, path, 0, preamble, static_cast<std::size_t>(std::min<std::int64_t>(fileSize, sizeof preamble)));
    if (fileSize < 6 || std::memcmp(preamble, kMagic, sizeof kMagic) != 0) {
        throw InputError(path + ": not a NumPy .npy file (bad magic)");
    }
    if (fileSize < 8) throw InputError(path + ": truncated: the file ends inside the .npy version field");

    NpyArrayHeader header;
    header.fileSize = fileSize;
    header.majorVersion = preamble[6];
    header.minorVersion = preamble[7];
    if (header.minorVersion != 0 || header.majorVersion < 1 || header.majorVersion > 3) {
        throw InputError(path + ": unsupported .npy format version " + std::to_string(header.majorVersion) + "." +
                         std::to_string(header.minorVersion) + " (supported: 1.0, 2.0, 3.0)");
    }
    // Format 1.0 stores the header length in 2 bytes, 2.0 and 3.0 in 4 (3.0 differs only in a utf8 header).
    const std::int64_t lengthBytes = header.majorVersion == 1 ? 2 : 4;
    const std::int64_t headerStart = 8 + lengthBytes;
    if (fileSize < headerStart) throw InputError(path + ": truncated: the file ends inside the header length field");
    std::int64_t headerLength = 0;
    for (std::int64_t i = lengthBytes - 1; i >= 0; --i)
        headerLength = headerLength << 8 | preamble[8 + i];
    if (headerStart + headerLength > fileSize) {
        throw InputError(path + ": header length field says " + std::to_string(headerLength) +
                         " bytes but the file holds only " + std::to_string(fileSize - headerStart) +
                         " after it: the header lies about its size");
    }
    if (headerLength > kMaxHeaderBytes) {
        throw InputError(path + ": header length field says " + std::to_string(headerLength) +
                         " bytes, over the limit of " + std::to_string(kMaxHeaderBytes) +
                         " (numpy writes a few hundred): the header lies about its size");
    }
    std::string text(static_cast<std::size_t>(headerLength), '\0');
    preadFully(fd, path, headerStart, reinterpret_cast<unsigned char*>(text.data()), text.size());
    if (text.empty() || text.back() != '\n') {
        throw InputError(path + ": malformed header (not terminated by a newline; the header length field may lie "
                                "about its size)");
    }
    header.dataOffset = headerStart + headerLength;

    const std::map<std::string, PyValue> dict = HeaderDictParser(text, path).parse();
    for (const auto& entry : dict) {
        if (entry.first != "descr" && entry.first != "fortran_order" && entry.first != "shape") {
            throw InputError(path + ": malformed header (unexpected key '" + printable(entry.first) + "')");
        }
    }
    for (const char* key : {"descr", "fortran_order", "shape"}) {
        if (dict.count(key) == 0) throw InputError(path + ": malformed header (missing key '" + key + "')");
    }
    header.descr = parseDescr(path, dict.at("descr"), acceptedDescrs, supportedText);
    const PyValue& fortranOrder = dict.at("fortran_order");
    if (fortranOrder.kind != PyValue::Kind::Bool) {
        throw InputError(path + ": malformed header ('fortran_order' is " + printable(fortranOrder.source) +
                         ", not True or False)");
    }
    header.fortranOrder = fortranOrder.boolean;
    header.shape = parseShape(path, dict.at("shape"));
    return header;
}

namespace {

NpyHeader readHeader(int fd, const std::string& path) {
    const NpyArrayHeader array = readNpyArrayHeader(fd, path, {"<f4", "<f8"},
                                                    "only little-endian float32 '<f4' and float64 '<f8' are supported");
    const std::vector<std::int64_t>& dims = array.shape;
    if (dims.size() != 2) {
        const std::string rank = dims.empty() ? "a 0-D scalar" : std::to_string(dims.size()) + "-D";
        throw InputError(path + ": shape " + npyShapeText(dims) + " is " + rank +
                         "; expected a 2-D matrix (rows = samples, columns = features)");
    }
    NpyHeader header;
    header.majorVersion = array.majorVersion;
    header.minorVersion = array.minorVersion;
    header.dtype = array.descr == "<f4" ? NpyDtype::Float32 : NpyDtype::Float64;
    header.fortranOrder = array.fortranOrder;
    header.dataOffset = array.dataOffset;
    const std::int64_t fileSize = array.fileSize;
    header.rows = dims[0];
    header.cols = dims[1];
    if (header.rows == 0 || header.cols == 0) {
        throw InputError(path + ": empty matrix: shape " + npyShapeText(dims) + " has zero " +
                         (header.rows == 0 ? "rows (samples)" : "columns (features)"));
    }

    const std::int64_t itemSize = npyItemSize(header.dtype);
    const std::int64_t maxDataBytes = std::numeric_limits<std::int64_t>::max() - header.dataOffset;
    if (header.rows > maxDataBytes / itemSize / header.cols) {
        throw InputError(path + ": shape " + npyShapeText(dims) + " is too large: its byte count overflows 64 bits");
    }
    const std::int64_t dataBytes = header.rows * header.cols * itemSize;
    const std::int64_t heldBytes = fileSize - header.dataOffset;
    if (heldBytes != dataBytes) {
        const std::string declared = "header declares " + std::to_string(header.rows) + " x " +
                                     std::to_string(header.cols) + " '" + npyDescr(header.dtype) +
                                     "' = " + std::to_string(dataBytes) + " bytes of data but the file holds " +
                                     std::to_string(heldBytes);
        if (heldBytes < dataBytes) throw InputError(path + ": truncated: " + declared);
        throw InputError(path + ": extra trailing bytes: " + declared + " (the header lies about the shape)");
    }
    return header;
}

} // namespace

NpyMatrixReader::NpyMatrixReader(const std::string& path) : m_path(path) {
    // O_NONBLOCK: a FIFO must not hang the open; readHeader refuses anything but a regular file.
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (m_fd < 0) throw InputError(path + ": cannot open for reading (" + systemError() + ")");
    try {
        m_header = readHeader(m_fd, m_path);
    } catch (...) {
        // The destructor does not run when a constructor throws.
        ::close(m_fd);
        m_fd = -1;
        throw;
    }
}

NpyMatrixReader::~NpyMatrixReader() {
    if (m_fd >= 0) ::close(m_fd);
}

NpyMatrixReader::NpyMatrixReader(NpyMatrixReader&& other) noexcept
    : m_path(std::move(other.m_path)), m_header(other.m_header), m_fd(std::exchange(other.m_fd, -1)),
      m_buffer(std::move(other.m_buffer)) {}

NpyMatrixReader& NpyMatrixReader::operator=(NpyMatrixReader&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_path = std::move(other.m_path);
        m_header = other.m_header;
        m_fd = std::exchange(other.m_fd, -1);
        m_buffer = std::move(other.m_buffer);
    }
    return *this;
}

const NpyHeader& NpyMatrixReader::header() const {
    return m_header;
}

const std::string& NpyMatrixReader::path() const {
    return m_path;
}

void NpyMatrixReader::readRows(std::int64_t firstRow, const std::vector<std::int64_t>& columns,
                               Eigen::Ref<Eigen::MatrixXd> out) {
    if (out.cols() != static_cast<Eigen::Index>(columns.size())) {
        throw std::invalid_argument(m_path + ": readRows: out has " + std::to_string(out.cols()) + " columns but " +
                                    std::to_string(columns.size()) + " column indices were given");
    }
    const std::int64_t count = out.rows();
    if (firstRow < 0 || firstRow > m_header.rows - count) {
        throw std::out_of_range(m_path + ": cannot read " + std::to_string(count) + " rows from row " +
                                std::to_string(firstRow) + ": the matrix has " + std::to_string(m_header.rows) +
                                " rows");
    }
    for (const std::int64_t column : columns) {
        if (column < 0 || column >= m_header.cols) {
            throw std::out_of_range(m_path + ": column " + std::to_string(column) +
                                    " is out of range (the matrix has " + std::to_string(m_header.cols) + " columns)");
        }
    }
    if (count == 0) return;
    if (m_header.fortranOrder) {
        readRowsFortranOrder(firstRow, columns, out);
    } else {
        readRowsCOrder(firstRow, columns, out);
    }
}

void NpyMatrixReader::readExactly(std::int64_t offset, unsigned char* destination, std::size_t size) {
    preadFully(m_fd, m_path, offset, destination, size);
}

void NpyMatrixReader::readRowsCOrder(std::int64_t firstRow, const std::vector<std::int64_t>& columns,
                                     Eigen::Ref<Eigen::MatrixXd>& out) {
    const std::int64_t itemSize = npyItemSize(m_header.dtype);
    const std::int64_t rowBytes = m_header.cols * itemSize;
    const std::int64_t chunkRows = std::max<std::int64_t>(1, kMaxChunkBytes / rowBytes);
    const std::int64_t count = out.rows();
    for (std::int64_t done = 0; done < count; done += chunkRows) {
        const std::int64_t rowCount = std::min(chunkRows, count - done);
        const auto bytes = static_cast<std::size_t>(rowCount * rowBytes);
        if (m_buffer.size() < bytes) m_buffer.resize(bytes);
        readExactly(m_header.dataOffset + (firstRow + done) * rowBytes, m_buffer.data(), bytes);
        // Whole rows are checked, not only the requested columns: a NaN anywhere in a sample poisons that sample
        // for any later analysis, and the answer must not depend on which columns a caller happened to pick.
        const std::int64_t bad = firstNonFinite(m_header.dtype, m_buffer.data(), rowCount * m_header.cols);
        if (bad >= 0) {
            throwNonFinite(firstRow + done + bad / m_header.cols, bad % m_header.cols,
                           loadValue(m_header.dtype, m_buffer.data() + bad * itemSize));
        }
        if (m_header.dtype == NpyDtype::Float32) {
            pickColumns<float>(m_buffer.data(), rowCount, rowBytes, columns, out, done);
        } else {
            pickColumns<double>(m_buffer.data(), rowCount, rowBytes, columns, out, done);
        }
    }
}

void NpyMatrixReader::readRowsFortranOrder(std::int64_t firstRow, const std::vector<std::int64_t>& columns,
                                           Eigen::Ref<Eigen::MatrixXd>& out) {
    const std::int64_t itemSize = npyItemSize(m_header.dtype);
    const std::int64_t count = out.rows();
    const auto bytes = static_cast<std::size_t>(count * itemSize);
    if (m_buffer.size() < bytes) m_buffer.resize(bytes);
    std::int64_t badRow = -1;
    std::int64_t badColumn = -1;
    double badValue = 0.0;
    for (std::size_t j = 0; j < columns.size(); ++j) {
        const std::int64_t column = columns[j];
        // In Fortran order each column is contiguous, so the requested rows of one column are one segment.
        readExactly(m_header.dataOffset + (column * m_header.rows + firstRow) * itemSize, m_buffer.data(), bytes);
        const std::int64_t bad = firstNonFinite(m_header.dtype, m_buffer.data(), count);
        // Report the earliest row (then the lowest column) so the message does not depend on the column order.
        if (bad >= 0 && (badRow < 0 || firstRow + bad < badRow || (firstRow + bad == badRow && column < badColumn))) {
            badRow = firstRow + bad;
            badColumn = column;
            badValue = loadValue(m_header.dtype, m_buffer.data() + bad * itemSize);
        }
        if (m_header.dtype == NpyDtype::Float32) {
            copyColumn<float>(m_buffer.data(), count, out, static_cast<Eigen::Index>(j));
        } else {
            copyColumn<double>(m_buffer.data(), count, out, static_cast<Eigen::Index>(j));
        }
    }
    if (badRow >= 0) throwNonFinite(badRow, badColumn, badValue);
}

void NpyMatrixReader::throwNonFinite(std::int64_t row, std::int64_t column, double value) const {
    if (std::isfinite(value)) {
        char text[32];
        std::snprintf(text, sizeof text, "%.3g", value);
        throw InputError(m_path + ": value " + text + " at row " + std::to_string(row) + ", column " +
                         std::to_string(column) +
                         " is too large to analyse (|value| > 1e100 overflows the "
                         "covariance; rescale the data) (rows are 0-based)");
    }
    const char* name = std::isnan(value) ? "NaN" : value > 0 ? "Inf" : "-Inf";
    throw InputError(m_path + ": value " + name + " at row " + std::to_string(row) + ", column " +
                     std::to_string(column) + " (rows are 0-based)");
}

} // namespace codescope::io
