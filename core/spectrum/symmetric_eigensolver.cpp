#include "core/spectrum/symmetric_eigensolver.h"

#include "core/spectrum/lapack_kernels.h"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "core/common/huge_pages.h"

namespace codescope::spectrum {

namespace {

EigenPairs denseLeading(const Eigen::Ref<const Eigen::MatrixXd>& symmetric, Eigen::Index k, bool wantVectors) {
    Eigen::MatrixXd work; // LAPACK overwrites its input
    resizeOnHugePages(work, symmetric.rows(), symmetric.cols());
    work = symmetric;
    EigenPairs out;
    out.method = EigenMethod::Dense;
    lapack::leadingSymmetricEigen(work, k, wantVectors, out.values, out.vectors);
    return out;
}

EigenPairs subspaceLeading(const Eigen::Ref<const Eigen::MatrixXd>& symmetric, Eigen::Index k, bool wantVectors,
                           const EigenOptions& options) {
    const Eigen::Index n = symmetric.rows();
    // Oversampling as in Halko et al.: a few extra directions make the leading k converge much faster.
    const Eigen::Index width = std::min<Eigen::Index>(n, k + std::max<Eigen::Index>(10, k / 10));
    std::mt19937_64 rng(options.seed);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd sketch(n, width);
    for (Eigen::Index j = 0; j < width; ++j)
        for (Eigen::Index i = 0; i < n; ++i)
            sketch(i, j) = normal(rng);
    Eigen::MatrixXd basis = symmetric * sketch;
    lapack::orthonormalizeColumns(basis);
    for (int step = 0; step < options.powerIterations; ++step) {
        basis = symmetric * basis;
        lapack::orthonormalizeColumns(basis);
    }
    // Rayleigh-Ritz on the converged subspace.
    const Eigen::MatrixXd projected = basis.transpose() * (symmetric * basis);
    EigenPairs small = denseLeading(projected, k, wantVectors);
    EigenPairs out;
    out.method = EigenMethod::Subspace;
    out.values = small.values;
    if (wantVectors) out.vectors = basis * small.vectors;
    return out;
}

} // namespace

EigenMethod chooseEigenMethod(Eigen::Index n, Eigen::Index k) {
    // Measured with codescope-bench --methods (2 cores, OpenBLAS): for n = 4000, k = 1000 the dense LAPACK solver
    // took 4.7 s and subspace iteration 4.2-5.5 s (4-6 power steps) with the last Ritz values 3-6% low. Dense costs
    // ~n^3 whatever k is, subspace iteration ~n^2 k per step, so subspace only pays off for wide layers where k is a
    // small part of n.
    if (n <= 5000 || 4 * k > n) return EigenMethod::Dense;
    return EigenMethod::Subspace;
}

EigenPairs leadingEigenpairs(const Eigen::Ref<const Eigen::MatrixXd>& symmetric, Eigen::Index k, bool wantVectors,
                             const EigenOptions& options) {
    if (symmetric.rows() != symmetric.cols()) throw std::invalid_argument("leadingEigenpairs: matrix is not square");
    if (k < 1 || k > symmetric.rows()) throw std::invalid_argument("leadingEigenpairs: k out of range");
    EigenMethod method = options.method;
    if (method == EigenMethod::Automatic) method = chooseEigenMethod(symmetric.rows(), k);
    if (method == EigenMethod::Dense) return denseLeading(symmetric, k, wantVectors);
    return subspaceLeading(symmetric, k, wantVectors, options);
}

} // namespace codescope::spectrum
