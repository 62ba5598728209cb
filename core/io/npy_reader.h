#pragma once
// Streaming reader for 2-D NumPy .npy matrices (rows = samples, columns = features). Layer activations can be
// tens of GB, so the file is never loaded whole: the header is parsed once and rows are fetched on demand with
// pread, a chunk at a time, into a buffer the reader reuses between calls. The header parser also serves N-D
// arrays (image stacks, see core/data/npy_image_dataset.h).
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace codescope::io {

/// Element types the reader and writer support: little-endian IEEE float32 ('<f4') and float64 ('<f8').
enum class NpyDtype { Float32, Float64 };

/// Size of one element in bytes (4 or 8).
std::int64_t npyItemSize(NpyDtype dtype);

/// NumPy's descr string for the dtype: "<f4" or "<f8".
const char* npyDescr(NpyDtype dtype);

/// What the .npy header says about the matrix stored after it.
struct NpyHeader {
    int majorVersion = 1;
    int minorVersion = 0;
    NpyDtype dtype = NpyDtype::Float32;
    bool fortranOrder = false;
    std::int64_t rows = 0;       // samples
    std::int64_t cols = 0;       // features
    std::int64_t dataOffset = 0; // bytes from file start to first element
};

/// What a .npy header of any rank says, before a reader decides whether it can use the array.
struct NpyArrayHeader {
    int majorVersion = 1;
    int minorVersion = 0;
    std::string descr; // numpy dtype string as written: one of the accepted ones ("<f4", "|u1")
    bool fortranOrder = false;
    std::vector<std::int64_t> shape; // any rank (0-D included), every dimension >= 0
    std::int64_t dataOffset = 0;     // bytes from file start to the first element
    std::int64_t fileSize = 0;       // bytes in the whole file; the caller compares it with the data size it expects
};

/// Parses the header of a .npy file (format 1.0, 2.0 or 3.0) open for reading on `fd`. Checks the magic, version,
/// header length, the dict's syntax and keys, that 'descr' is one of `acceptedDescrs`, that 'fortran_order' is a bool
/// and that 'shape' is a tuple of non-negative integers. Rank, empty dimensions and the data size are left to the
/// caller, which knows what it can read. Throws InputError ("<path>: <problem>") for a file that cannot be read, a
/// directory, a non-.npy file, an unsupported version, a malformed or lying header, and for a dtype outside
/// `acceptedDescrs`: the message names the dtype and why it is refused, then appends `supportedText` (e.g. "only
/// uint8 '|u1' is supported").
NpyArrayHeader readNpyArrayHeader(int fd, const std::string& path, const std::vector<std::string>& acceptedDescrs,
                                  const std::string& supportedText);

/// numpy's repr of a shape for messages: "(2, 3)", "(3,)", "()".
std::string npyShapeText(const std::vector<std::int64_t>& dims);

/// Bytes of data that `header`'s shape declares at `itemSize` bytes an element, checked against the file: throws
/// InputError ("<path>: <problem>") if the byte count overflows 64 bits, or if the file holds fewer (truncated) or
/// more (extra trailing bytes) data bytes than that.
std::int64_t npyCheckedDataBytes(const NpyArrayHeader& header, std::int64_t itemSize, const std::string& path);

/// Reads exactly `size` bytes at byte `offset` of `fd` with pread, which leaves the file position alone, so several
/// threads may read one descriptor at once. Throws InputError naming `path` on a read error or an early end of file.
void preadFully(int fd, const std::string& path, std::int64_t offset, unsigned char* destination, std::size_t size);

/// Reads a 2-D float32/float64 .npy file (format versions 1.0, 2.0 and 3.0; C or Fortran order) by row ranges.
/// Not thread-safe: one reader per thread (each call reuses the reader's buffer).
class NpyMatrixReader {
public:
    /// Opens `path`, parses and validates the header, and checks that the file holds exactly the declared data.
    /// Throws InputError (what() = "<path>: <problem>") if the file is missing or unreadable, is not a .npy file,
    /// has an unsupported version, a malformed or lying header, a dtype other than '<f4'/'<f8', a shape that is
    /// not 2-D, zero rows or columns, a size that overflows 64 bits, or fewer or more data bytes than declared.
    explicit NpyMatrixReader(const std::string& path);
    /// Closes the file descriptor.
    ~NpyMatrixReader();
    NpyMatrixReader(const NpyMatrixReader&) = delete;
    NpyMatrixReader& operator=(const NpyMatrixReader&) = delete;
    /// A moved-from reader holds no file; only destruction and assignment are valid on it.
    NpyMatrixReader(NpyMatrixReader&& other) noexcept;
    NpyMatrixReader& operator=(NpyMatrixReader&& other) noexcept;

    const NpyHeader& header() const;
    const std::string& path() const;

    /// Reads rows [firstRow, firstRow + out.rows()) at the given 0-based column indices into out
    /// (out.rows() x columns.size(), converted to double). Throws InputError on I/O failure, a NaN/Inf value or one
    /// beyond 1e100 in magnitude (its square would overflow the covariance),
    /// naming the file and the first bad row (0-based) and column. In C order every value of the rows read is
    /// checked, not only the requested columns, so a bad value is reported whichever columns a caller picks.
    /// Throws std::invalid_argument if out.cols() != columns.size(), std::out_of_range if a row or column index
    /// lies outside the matrix (callers validate user-given indices against header()).
    void readRows(std::int64_t firstRow, const std::vector<std::int64_t>& columns, Eigen::Ref<Eigen::MatrixXd> out);

private:
    void readExactly(std::int64_t offset, unsigned char* destination, std::size_t size);
    void readRowsCOrder(std::int64_t firstRow, const std::vector<std::int64_t>& columns,
                        Eigen::Ref<Eigen::MatrixXd>& out);
    void readRowsFortranOrder(std::int64_t firstRow, const std::vector<std::int64_t>& columns,
                              Eigen::Ref<Eigen::MatrixXd>& out);
    [[noreturn]] void throwNonFinite(std::int64_t row, std::int64_t column, double value) const;

    std::string m_path;
    NpyHeader m_header;
    int m_fd = -1;
    std::vector<unsigned char> m_buffer; // raw bytes of the last chunk, kept so repeated calls do not reallocate
};

} // namespace codescope::io
