#pragma once
// The kept rows of one layer (or matrix), held for the sample-side (Gram) spectrum: when there are fewer samples than
// kept features, the n x n Gram matrix of the centred rows is the cheaper eigenproblem, and it needs the rows
// themselves rather than a streamed covariance. Rows live in memory up to a byte limit and in an unnamed temporary
// file beyond it (deleted when the store is).
#include <Eigen/Core>
#include <cstdint>
#include <cstdio>
#include <memory>

namespace codescope::spectrum {

class RowStore {
public:
    /// How a value is kept: Single for float32 data (activations are float32, so nothing is lost), Double for
    /// float64 data.
    enum class Precision { Single, Double };

    /// capacity: rows that will be added (> 0); features: the width of every row (> 0). When
    /// bytesFor(capacity, features, precision) exceeds memoryLimitBytes the rows go to a temporary file.
    /// Throws std::invalid_argument for a non-positive size, std::runtime_error if the file cannot be made.
    RowStore(std::int64_t capacity, Eigen::Index features, Precision precision, std::int64_t memoryLimitBytes);
    ~RowStore();
    RowStore(const RowStore&) = delete;
    RowStore& operator=(const RowStore&) = delete;

    /// Bytes of `rows` x `features` values at `precision`.
    static std::int64_t bytesFor(std::int64_t rows, std::int64_t features, Precision precision);

    /// Appends a block (rows x features, values in the store's precision's range). Throws std::invalid_argument for
    /// the wrong width or more rows than the capacity, std::runtime_error if the temporary file cannot be written.
    void add(const Eigen::Ref<const Eigen::MatrixXd>& block);

    std::int64_t rows() const { return m_rows; } ///< rows added so far
    Eigen::Index features() const { return m_features; }
    bool spilled() const { return m_file != nullptr; } ///< true when the rows are in a temporary file
    /// Mean of the rows added so far (features long; zero before the first row).
    Eigen::VectorXd mean() const;

    /// Rows [first, first + out.rows()) minus `centre` (features long), in double: the caller's block of the
    /// centred matrix. Throws std::out_of_range beyond the rows added, std::runtime_error on a read error.
    void centredRows(std::int64_t first, const Eigen::Ref<const Eigen::VectorXd>& centre,
                     Eigen::Ref<Eigen::MatrixXd> out) const;

private:
    std::int64_t m_capacity;
    Eigen::Index m_features;
    Precision m_precision;
    std::int64_t m_rows = 0;
    Eigen::VectorXd m_sum; // column sums in double: exact enough for the mean of float rows
    // Row-major, so that a block of rows is contiguous in memory and in the file alike.
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m_single;
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m_double;
    std::FILE* m_file = nullptr;
};

} // namespace codescope::spectrum
