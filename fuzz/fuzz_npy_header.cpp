// The .npy reader: header parsing and row reads of whatever the header declares.
#include <Eigen/Core>
#include <vector>

#include "core/common/input_error.h"
#include "core/io/npy_reader.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        codescope::io::NpyMatrixReader reader(codescope::fuzz::asFile(data, size));
        const auto& header = reader.header();
        const std::int64_t rows = std::min<std::int64_t>(header.rows, 4);
        std::vector<std::int64_t> columns;
        for (std::int64_t c = 0; c < std::min<std::int64_t>(header.cols, 4); ++c)
            columns.push_back(c);
        Eigen::MatrixXd out(rows, static_cast<Eigen::Index>(columns.size()));
        reader.readRows(0, columns, out);
    } catch (const codescope::InputError&) {
    }
    return 0;
}
