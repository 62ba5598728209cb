#pragma once
// Thin, checked wrappers over the LAPACK routines the spectrum engine needs. Debian's OpenBLAS provides a
// multithreaded, blocked LAPACK; Eigen's own decompositions are single-threaded and 2-3x slower at our sizes.
#include <Eigen/Core>

namespace codescope::spectrum::lapack {

/// Eigenpairs k..1 from the top of the symmetric matrix (n x n, lower triangle read; the matrix is overwritten).
/// values: k eigenvalues descending; vectors (n x k, matching order) filled only if wantVectors.
/// Values only: dsyevd (tridiagonalisation + dsterf); with vectors: dsyevr (MRRR) for the requested range only.
/// Throws std::runtime_error if LAPACK reports a failure.
void leadingSymmetricEigen(Eigen::MatrixXd& symmetric, Eigen::Index k, bool wantVectors, Eigen::VectorXd& values,
                           Eigen::MatrixXd& vectors);

/// Replaces the columns of `block` (rows >= cols) by an orthonormal basis of their span (thin Householder QR,
/// dgeqrf + dorgqr). Throws std::runtime_error if LAPACK reports a failure.
void orthonormalizeColumns(Eigen::MatrixXd& block);

} // namespace codescope::spectrum::lapack
