#include "core/io/npy_writer.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/common/input_error.h"
#include "core/io/atomic_file.h"

namespace codescope::io {

namespace {

// numpy aligns the data to 64 bytes so the array can be memory-mapped with any dtype alignment.
constexpr std::size_t kArrayAlign = 64;
// numpy pads the header so the growth axis (rows in C order) can be rewritten in place with up to this many digits.
constexpr std::size_t kGrowthAxisMaxDigits = 21;
constexpr std::size_t kFlushBytes = std::size_t{1} << 20;

// Encoding by bytes writes little-endian on any host.
void appendLittleEndian(std::vector<unsigned char>& buffer, std::uint64_t bits, int bytes) {
    for (int i = 0; i < bytes; ++i)
        buffer.push_back(static_cast<unsigned char>(bits >> (8 * i)));
}

std::string npyHeaderBytes(Eigen::Index rows, Eigen::Index cols, NpyDtype dtype, bool fortranOrder) {
    std::string dict = std::string("{'descr': '") + npyDescr(dtype) +
                       "', 'fortran_order': " + (fortranOrder ? "True" : "False") + ", 'shape': (" +
                       std::to_string(rows) + ", " + std::to_string(cols) + "), }";
    const std::string growthAxis = std::to_string(fortranOrder ? cols : rows);
    dict.append(kGrowthAxisMaxDigits - growthAxis.size(), ' ');
    // Same arithmetic as numpy's _wrap_header: 1 to 64 spaces, then '\n', ending on a 64-byte boundary.
    constexpr std::size_t kPreambleBytes = 10; // magic (6), version (2), 2-byte header length
    const std::size_t withNewline = dict.size() + 1;
    const std::size_t padding = kArrayAlign - (kPreambleBytes + withNewline) % kArrayAlign;
    const std::size_t headerLength = withNewline + padding; // < 256 for any 2-D shape: fits format 1.0's 2 bytes
    std::string bytes("\x93NUMPY\x01\x00", 8);
    bytes += static_cast<char>(headerLength & 0xff);
    bytes += static_cast<char>(headerLength >> 8);
    bytes += dict;
    bytes.append(padding, ' ');
    bytes += '\n';
    return bytes;
}

[[noreturn]] void throwFloat32Overflow(const std::string& path, Eigen::Index row, Eigen::Index col, double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    throw InputError(path + ": value " + text + " at row " + std::to_string(row) + ", column " + std::to_string(col) +
                     " does not fit in float32");
}

} // namespace

void writeNpy(const std::string& path, const Eigen::Ref<const Eigen::MatrixXd>& values, NpyDtype dtype,
              bool fortranOrder) {
    if (values.rows() == 0 || values.cols() == 0) {
        throw InputError(path + ": cannot write an empty matrix (" + std::to_string(values.rows()) + " x " +
                         std::to_string(values.cols()) + "); a .npy matrix needs at least one row and one column");
    }
    AtomicFile file(path);
    const std::string header = npyHeaderBytes(values.rows(), values.cols(), dtype, fortranOrder);
    file.write(header.data(), header.size());

    std::vector<unsigned char> buffer;
    buffer.reserve(kFlushBytes + 8);
    const Eigen::Index outer = fortranOrder ? values.cols() : values.rows();
    const Eigen::Index inner = fortranOrder ? values.rows() : values.cols();
    for (Eigen::Index o = 0; o < outer; ++o) {
        for (Eigen::Index i = 0; i < inner; ++i) {
            const Eigen::Index row = fortranOrder ? i : o;
            const Eigen::Index col = fortranOrder ? o : i;
            const double value = values(row, col);
            if (dtype == NpyDtype::Float32) {
                const auto narrowed = static_cast<float>(value);
                if (std::isinf(narrowed) && std::isfinite(value)) throwFloat32Overflow(path, row, col, value);
                std::uint32_t bits;
                std::memcpy(&bits, &narrowed, sizeof bits);
                appendLittleEndian(buffer, bits, 4);
            } else {
                std::uint64_t bits;
                std::memcpy(&bits, &value, sizeof bits);
                appendLittleEndian(buffer, bits, 8);
            }
            if (buffer.size() >= kFlushBytes) {
                file.write(buffer.data(), buffer.size());
                buffer.clear();
            }
        }
    }
    file.write(buffer.data(), buffer.size());
    file.commit();
}

} // namespace codescope::io
