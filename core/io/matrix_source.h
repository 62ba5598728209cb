#pragma once
// A samples x features matrix that analyses read in blocks of rows, so that no analysis needs the whole matrix
// in memory: a .npy file on disk, a matrix already in memory, later a layer's activations.
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace codescope::io {

class MatrixSource {
public:
    virtual ~MatrixSource() = default;
    virtual std::int64_t rows() const = 0; ///< samples
    virtual std::int64_t cols() const = 0; ///< features
    /// Names the data in error messages (a file path, a layer name).
    virtual std::string name() const = 0;
    /// Fills out (out.rows() x columns.size()) with rows [firstRow, firstRow + out.rows()) at the given 0-based
    /// columns. Throws InputError for unreadable or non-finite data.
    virtual void readRows(std::int64_t firstRow, const std::vector<std::int64_t>& columns,
                          Eigen::Ref<Eigen::MatrixXd> out) = 0;
};

/// A matrix held in memory (float or double), borrowed: it must outlive the source.
template <typename Matrix> class InMemoryMatrixSource final : public MatrixSource {
public:
    InMemoryMatrixSource(const Matrix& matrix, std::string name) : m_matrix(matrix), m_name(std::move(name)) {}
    std::int64_t rows() const override { return m_matrix.rows(); }
    std::int64_t cols() const override { return m_matrix.cols(); }
    std::string name() const override { return m_name; }
    void readRows(std::int64_t firstRow, const std::vector<std::int64_t>& columns,
                  Eigen::Ref<Eigen::MatrixXd> out) override {
        for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(columns.size()); ++j)
            out.col(j) = m_matrix.col(columns[j]).segment(firstRow, out.rows()).template cast<double>();
    }

private:
    const Matrix& m_matrix;
    std::string m_name;
};

} // namespace codescope::io
