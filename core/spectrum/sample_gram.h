#pragma once
// The sample side of PCA. For a centred n x m matrix Ac, the covariance Ac^T Ac / (n-1) (m x m) and the scaled Gram
// matrix Ac Ac^T / (n-1) (n x n) have the same nonzero eigenvalues, and a Gram eigenvector u with eigenvalue lambda
// gives the covariance's unit eigenvector Ac^T u / sqrt((n-1) lambda) and the sample scores Ac v = u sqrt((n-1)
// lambda). With fewer samples than features the Gram problem is the cheaper one: O(n^2 m) work and n^2 memory
// instead of O(n m^2) and m^2 (what scikit-learn's PCA exploits by working on the data matrix).
#include <Eigen/Core>
#include <cstdint>

#include "core/spectrum/row_store.h"
#include "core/spectrum/symmetric_eigensolver.h"

namespace codescope::spectrum {

enum class SpectrumSide {
    Automatic,  ///< the Gram side when there are fewer samples than kept features (useGramSide)
    Covariance, ///< the m x m covariance, streamed over blocks of rows (memory independent of the samples)
    Gram,       ///< the n x n Gram matrix of the centred rows (the rows are kept, see RowStore)
};

/// Whether an analysis of `samples` rows of `features` kept columns works on the Gram side: always for Gram, never
/// for Covariance, and for Automatic when samples < features.
bool useGramSide(std::int64_t samples, std::int64_t features, SpectrumSide side);

/// Ac Ac^T / (n - 1) with Ac = the stored rows minus `mean` (n x n for n stored rows, full symmetric; n >= 2).
/// Computed in double over blocks of rows of about blockBytes each (two blocks in memory at a time).
Eigen::MatrixXd scaledCentredGram(const RowStore& rows, const Eigen::VectorXd& mean, std::int64_t blockBytes);

/// The covariance's unit eigenvectors from the Gram matrix's: Ac^T U with each column scaled to unit length
/// (features x k for U n x k); a column for a zero eigenvalue stays 0.
Eigen::MatrixXd principalDirections(const RowStore& rows, const Eigen::VectorXd& mean,
                                    const Eigen::Ref<const Eigen::MatrixXd>& gramVectors, std::int64_t blockBytes);

/// (stored rows - centre) * directions: every stored row's scores (rows x k for directions features x k).
Eigen::MatrixXd projectRows(const RowStore& rows, const Eigen::VectorXd& centre,
                            const Eigen::Ref<const Eigen::MatrixXd>& directions, std::int64_t blockBytes);

/// The squared Frobenius norm of the stored rows minus `centre`: (n - 1) times the total variance for the mean.
double centredSquaredNorm(const RowStore& rows, const Eigen::VectorXd& centre, std::int64_t blockBytes);

/// The k leading eigenpairs of the covariance of an in-memory centred matrix (n x m, column means 0): values are
/// the covariance's eigenvalues (n - 1 denominator), descending; vectors its unit eigenvectors (m x k), from the
/// m x m covariance or, on the Gram side (useGramSide(n, m, side)), from the n x n Gram matrix.
/// 1 <= k <= min(n, m). Throws std::invalid_argument for a bad k.
EigenPairs principalAxes(const Eigen::Ref<const Eigen::MatrixXd>& centred, Eigen::Index k, SpectrumSide side,
                         const EigenOptions& options = {});

} // namespace codescope::spectrum
