#pragma once
// Thin, checked wrappers over the LAPACK routines the spectrum engine needs. Debian's OpenBLAS provides a
// multithreaded, blocked LAPACK; Eigen's own decompositions are single-threaded and 2-3x slower at our sizes.
#include <Eigen/Core>

namespace codescope::spectrum::lapack {

/// Eigenpairs k..1 from the top of the symmetric matrix (n x n, lower triangle read; the matrix is overwritten).
/// values: k eigenvalues descending; vectors (n x k, matching order) filled only if wantVectors.
/// Values only: allEigenvaluesAscending() with the automatic reduction; with vectors: dsyevr (MRRR) for the
/// requested range only.
/// Throws std::runtime_error if LAPACK reports a failure.
void leadingSymmetricEigen(Eigen::MatrixXd& symmetric, Eigen::Index k, bool wantVectors, Eigen::VectorXd& values,
                           Eigen::MatrixXd& vectors);

/// How the symmetric matrix is reduced to tridiagonal form when only eigenvalues are wanted.
enum class Reduction {
    Automatic, ///< chooseReduction()
    OneStage,  ///< dsyevd: Householder tridiagonalisation, half its flops in memory-bound dsymv
    TwoStage,  ///< as dsyevd_2stage: full -> band (BLAS-3) -> tridiagonal (on one BLAS thread) -> dsterf; the
               ///< one-stage routine if LAPACK lacks it or n <= 2
};

/// Matrices from this order up go to the two-stage reduction. Measured with codescope-bench --methods on the 2-core
/// development machine (OpenBLAS 0.3.21, LAPACK 3.11), since the band stage runs on one BLAS thread: two-stage took
/// 1.2x longer at order 500 and 1000, 1.1x at 2000, and 1.7x less at 4000, where the one-stage reduction's dsymv no
/// longer finds the matrix in cache (with both stages on two threads, as dsyevd_2stage runs them: 1.6-2.8x longer
/// at 500, 1.5-3.5x at 2000, 1.2-1.5x less at 4000).
inline constexpr Eigen::Index kTwoStageFrom = 3000;

/// Whether the linked LAPACK has the two-stage reduction (dsytrd_sy2sb, dsytrd_sb2st, ilaenv2stage: LAPACK >= 3.7);
/// checked at run time (weak symbols).
bool twoStageAvailable();

/// The reduction Automatic resolves to for an n x n matrix.
Reduction chooseReduction(Eigen::Index n);

/// Every eigenvalue of the symmetric matrix (n x n, lower triangle read; the matrix is overwritten), ascending.
/// Throws std::runtime_error if LAPACK reports a failure.
void allEigenvaluesAscending(Eigen::MatrixXd& symmetric, Eigen::VectorXd& ascending,
                             Reduction reduction = Reduction::Automatic);

/// Replaces the columns of `block` (rows >= cols) by an orthonormal basis of their span (thin Householder QR,
/// dgeqrf + dorgqr). Throws std::runtime_error if LAPACK reports a failure.
void orthonormalizeColumns(Eigen::MatrixXd& block);

} // namespace codescope::spectrum::lapack
