#include "core/spectrum/row_store.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/huge_pages.h"

namespace codescope::spectrum {

namespace {

std::int64_t valueBytes(RowStore::Precision precision) {
    return precision == RowStore::Precision::Single ? 4 : 8;
}

template <typename Matrix> void writeRows(std::FILE* file, const Eigen::Ref<const Eigen::MatrixXd>& block) {
    const Matrix rows = block.cast<typename Matrix::Scalar>();
    const auto count = static_cast<std::size_t>(rows.size());
    if (std::fwrite(rows.data(), sizeof(typename Matrix::Scalar), count, file) != count)
        throw std::runtime_error("cannot write the temporary file of kept rows (disk full?)");
}

template <typename Matrix>
void readRows(std::FILE* file, std::int64_t offset, Eigen::Index rows, Eigen::Index features,
              const Eigen::Ref<const Eigen::VectorXd>& centre, Eigen::Ref<Eigen::MatrixXd> out) {
    Matrix buffer(rows, features);
    const auto count = static_cast<std::size_t>(buffer.size());
    if (std::fseek(file, static_cast<long>(offset), SEEK_SET) != 0 ||
        std::fread(buffer.data(), sizeof(typename Matrix::Scalar), count, file) != count)
        throw std::runtime_error("cannot read back the temporary file of kept rows");
    out = buffer.template cast<double>().rowwise() - centre.transpose();
}

} // namespace

RowStore::RowStore(std::int64_t capacity, Eigen::Index features, Precision precision, std::int64_t memoryLimitBytes)
    : m_capacity(capacity), m_features(features), m_precision(precision), m_sum(Eigen::VectorXd::Zero(features)) {
    if (capacity <= 0 || features <= 0) throw std::invalid_argument("RowStore: rows and features must be positive");
    if (bytesFor(capacity, features, precision) > memoryLimitBytes) {
        // tmpfile() unlinks the file at once: nothing is left behind, whatever ends the process.
        m_file = std::tmpfile();
        if (!m_file) throw std::runtime_error("cannot create a temporary file for the kept rows");
    } else if (precision == Precision::Single) {
        resizeOnHugePages(m_single, capacity, features);
    } else {
        resizeOnHugePages(m_double, capacity, features);
    }
}

RowStore::~RowStore() {
    if (m_file) std::fclose(m_file);
}

std::int64_t RowStore::bytesFor(std::int64_t rows, std::int64_t features, Precision precision) {
    return rows * features * valueBytes(precision);
}

void RowStore::add(const Eigen::Ref<const Eigen::MatrixXd>& block) {
    if (block.cols() != m_features) throw std::invalid_argument("RowStore: block has the wrong width");
    if (m_rows + block.rows() > m_capacity) throw std::invalid_argument("RowStore: more rows than its capacity");
    if (block.rows() == 0) return;
    m_sum += block.colwise().sum().transpose();
    if (m_file) {
        // Rows arrive in order, so the file only ever grows at its end.
        if (m_precision == Precision::Single)
            writeRows<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(m_file, block);
        else
            writeRows<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(m_file, block);
    } else if (m_precision == Precision::Single) {
        m_single.middleRows(m_rows, block.rows()) = block.cast<float>();
    } else {
        m_double.middleRows(m_rows, block.rows()) = block;
    }
    m_rows += block.rows();
}

Eigen::VectorXd RowStore::mean() const {
    if (m_rows == 0) return Eigen::VectorXd::Zero(m_features);
    return m_sum / static_cast<double>(m_rows);
}

void RowStore::centredRows(std::int64_t first, const Eigen::Ref<const Eigen::VectorXd>& centre,
                           Eigen::Ref<Eigen::MatrixXd> out) const {
    if (first < 0 || first + out.rows() > m_rows || out.cols() != m_features || centre.size() != m_features)
        throw std::out_of_range("RowStore: rows " + std::to_string(first) + "+" + std::to_string(out.rows()) +
                                " outside the " + std::to_string(m_rows) + " stored");
    if (m_file) {
        const std::int64_t offset = first * m_features * valueBytes(m_precision);
        if (m_precision == Precision::Single)
            readRows<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(m_file, offset, out.rows(),
                                                                                            m_features, centre, out);
        else
            readRows<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(m_file, offset, out.rows(),
                                                                                             m_features, centre, out);
        std::fseek(m_file, 0, SEEK_END); // further add()s append
    } else if (m_precision == Precision::Single) {
        out = m_single.middleRows(first, out.rows()).cast<double>().rowwise() - centre.transpose();
    } else {
        out = m_double.middleRows(first, out.rows()).rowwise() - centre.transpose();
    }
}

} // namespace codescope::spectrum
