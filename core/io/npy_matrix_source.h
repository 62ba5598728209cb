#pragma once
// A .npy file on disk as a MatrixSource: the spectrum engine streams it without loading it.
#include "core/io/matrix_source.h"
#include "core/io/npy_reader.h"

namespace codescope::io {

class NpyMatrixSource final : public MatrixSource {
public:
    /// Opens and validates the file. Throws InputError naming the file and the problem.
    explicit NpyMatrixSource(const std::string& path) : m_reader(path) {}
    std::int64_t rows() const override { return m_reader.header().rows; }
    std::int64_t cols() const override { return m_reader.header().cols; }
    std::string name() const override { return m_reader.path(); }
    void readRows(std::int64_t firstRow, const std::vector<std::int64_t>& columns,
                  Eigen::Ref<Eigen::MatrixXd> out) override {
        m_reader.readRows(firstRow, columns, out);
    }
    const NpyHeader& header() const { return m_reader.header(); }

private:
    NpyMatrixReader m_reader;
};

} // namespace codescope::io
