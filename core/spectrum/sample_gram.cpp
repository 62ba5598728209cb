#include "core/spectrum/sample_gram.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "core/common/huge_pages.h"

namespace codescope::spectrum {

namespace {

std::int64_t blockRowsFor(const RowStore& rows, std::int64_t blockBytes) {
    return std::clamp<std::int64_t>(blockBytes / (8 * std::max<std::int64_t>(1, rows.features())), 1,
                                    std::max<std::int64_t>(1, rows.rows()));
}

// Calls visit(first, centredBlock) for consecutive blocks of the stored rows minus `centre`.
template <typename Visit>
void forEachCentredBlock(const RowStore& rows, const Eigen::VectorXd& centre, std::int64_t blockBytes, Visit visit) {
    const std::int64_t blockRows = blockRowsFor(rows, blockBytes);
    Eigen::MatrixXd block;
    for (std::int64_t first = 0; first < rows.rows(); first += blockRows) {
        resizeOnHugePages(block, std::min(blockRows, rows.rows() - first), rows.features());
        rows.centredRows(first, centre, block);
        visit(first, block);
    }
}

void normalizeColumns(Eigen::MatrixXd& directions) {
    for (Eigen::Index k = 0; k < directions.cols(); ++k) {
        const double norm = directions.col(k).norm();
        if (norm > 0) directions.col(k) /= norm;
    }
}

} // namespace

bool useGramSide(std::int64_t samples, std::int64_t features, SpectrumSide side) {
    if (side == SpectrumSide::Automatic) return samples < features;
    return side == SpectrumSide::Gram;
}

Eigen::MatrixXd scaledCentredGram(const RowStore& rows, const Eigen::VectorXd& mean, std::int64_t blockBytes) {
    const std::int64_t n = rows.rows();
    if (n < 2) throw std::invalid_argument("scaledCentredGram: needs at least 2 rows");
    Eigen::MatrixXd gram;
    resizeOnHugePages(gram, n, n);
    gram.setZero();
    Eigen::MatrixXd earlier;
    // The lower triangle block by block: the diagonal block by a symmetric rank-k update (BLAS syrk, half the flops),
    // the blocks left of it by products with each earlier block, re-read (from memory or the file) and re-centred.
    forEachCentredBlock(rows, mean, blockBytes, [&](std::int64_t first, const Eigen::MatrixXd& block) {
        const Eigen::Index size = block.rows();
        gram.block(first, first, size, size).selfadjointView<Eigen::Lower>().rankUpdate(block);
        const std::int64_t blockRows = blockRowsFor(rows, blockBytes);
        for (std::int64_t other = 0; other < first; other += blockRows) {
            earlier.resize(std::min(blockRows, first - other), rows.features());
            rows.centredRows(other, mean, earlier);
            gram.block(first, other, size, earlier.rows()).noalias() = block * earlier.transpose();
        }
    });
    // Full symmetric: the subspace eigensolver multiplies by the whole matrix.
    for (Eigen::Index j = 1; j < n; ++j)
        gram.col(j).head(j) = gram.row(j).head(j).transpose();
    gram /= static_cast<double>(n - 1);
    return gram;
}

Eigen::MatrixXd principalDirections(const RowStore& rows, const Eigen::VectorXd& mean,
                                    const Eigen::Ref<const Eigen::MatrixXd>& gramVectors, std::int64_t blockBytes) {
    if (gramVectors.rows() != rows.rows()) throw std::invalid_argument("principalDirections: U has the wrong height");
    Eigen::MatrixXd directions = Eigen::MatrixXd::Zero(rows.features(), gramVectors.cols());
    forEachCentredBlock(rows, mean, blockBytes, [&](std::int64_t first, const Eigen::MatrixXd& block) {
        directions.noalias() += block.transpose() * gramVectors.middleRows(first, block.rows());
    });
    // |Ac^T u| = sqrt((n-1) lambda): normalising by the computed norm is the same scale, and exact to rounding
    // whatever the eigenvalue's own rounding.
    normalizeColumns(directions);
    return directions;
}

Eigen::MatrixXd projectRows(const RowStore& rows, const Eigen::VectorXd& centre,
                            const Eigen::Ref<const Eigen::MatrixXd>& directions, std::int64_t blockBytes) {
    if (directions.rows() != rows.features()) throw std::invalid_argument("projectRows: directions of wrong height");
    Eigen::MatrixXd scores(rows.rows(), directions.cols());
    forEachCentredBlock(rows, centre, blockBytes, [&](std::int64_t first, const Eigen::MatrixXd& block) {
        scores.middleRows(first, block.rows()).noalias() = block * directions;
    });
    return scores;
}

double centredSquaredNorm(const RowStore& rows, const Eigen::VectorXd& centre, std::int64_t blockBytes) {
    double sum = 0;
    forEachCentredBlock(rows, centre, blockBytes,
                        [&](std::int64_t, const Eigen::MatrixXd& block) { sum += block.squaredNorm(); });
    return sum;
}

EigenPairs principalAxes(const Eigen::Ref<const Eigen::MatrixXd>& centred, Eigen::Index k, SpectrumSide side,
                         const EigenOptions& options) {
    const Eigen::Index n = centred.rows();
    const Eigen::Index m = centred.cols();
    if (n < 2 || k < 1 || k > std::min(n, m)) throw std::invalid_argument("principalAxes: k out of range");
    const double dof = static_cast<double>(n - 1);
    if (!useGramSide(n, m, side)) {
        const Eigen::MatrixXd covariance = centred.transpose() * centred / dof;
        return leadingEigenpairs(covariance, k, true, options);
    }
    const Eigen::MatrixXd gram = centred * centred.transpose() / dof;
    EigenPairs pairs = leadingEigenpairs(gram, k, true, options);
    Eigen::MatrixXd directions = centred.transpose() * pairs.vectors;
    normalizeColumns(directions);
    pairs.vectors = std::move(directions);
    return pairs;
}

} // namespace codescope::spectrum
