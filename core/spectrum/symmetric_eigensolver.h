#pragma once
// Leading eigenpairs of a symmetric positive semi-definite matrix (a covariance), largest first.
#include <Eigen/Core>
#include <cstdint>

namespace codescope::spectrum {

enum class EigenMethod {
    Automatic, ///< chosen by size, see chooseEigenMethod()
    Dense,     ///< full symmetric eigendecomposition (exact to rounding)
    Subspace,  ///< randomized subspace iteration with power steps (Halko, Martinsson & Tropp 2011)
};

struct EigenOptions {
    EigenMethod method = EigenMethod::Automatic;
    int powerIterations = 6; ///< Subspace only: power steps after the first sketch
    std::uint64_t seed = 0;  ///< Subspace only: seed of the Gaussian test matrix
};

struct EigenPairs {
    Eigen::VectorXd values;  ///< k eigenvalues, descending
    Eigen::MatrixXd vectors; ///< n x k unit eigenvectors (column j belongs to values[j]); empty if not requested
    EigenMethod method = EigenMethod::Dense; ///< the method actually used
};

/// The method Automatic resolves to for an n x n matrix and k wanted pairs. Dense wins unless k is a small part of
/// n and n is large (the .cpp records the measurements behind the threshold).
EigenMethod chooseEigenMethod(Eigen::Index n, Eigen::Index k);

/// Leading k eigenpairs of the symmetric matrix `symmetric` (n x n; only the lower triangle is read by Dense, the
/// full matrix by Subspace). 1 <= k <= n. Throws std::invalid_argument on a bad k or non-square input.
EigenPairs leadingEigenpairs(const Eigen::Ref<const Eigen::MatrixXd>& symmetric, Eigen::Index k, bool wantVectors,
                             const EigenOptions& options = {});

} // namespace codescope::spectrum
