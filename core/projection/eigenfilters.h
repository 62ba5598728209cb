#pragma once
// The input-space picture of a layer's principal components (paper, Fig. 3d: "eigenvectors displayed as filters"):
// for each of the layer's leading principal directions, the input image that best predicts its score.
#include <Eigen/Core>

#include "core/spectrum/symmetric_eigensolver.h"

namespace codescope::projection {

/// A layer's leading principal components and their filters in input space.
struct Eigenfilters {
    Eigen::VectorXd eigenvalues; ///< N eigenvalues of cov(A) (n - 1 denominator), descending; activation^2 units
    Eigen::MatrixXd directions;  ///< m x N unit principal directions v_k (eigenvectors of cov(A))
    Eigen::MatrixXd scores;      ///< n x N scores s_k = (A - mean A) v_k
    /// N x pixels: row k is f_k = cov(X, s_k) / var(s_k), the least-squares regression of every input pixel on the
    /// score s_k (with intercept), so X ~ mean X + s_k f_k along that component. Reshape a row to the image's
    /// channels x height x width. A zero row where var(s_k) vanishes (see resolvedComponents).
    Eigen::MatrixXd filters;
    /// Components with var(s_k) > 1e-10 x var(s_1): the first resolvedComponents rows of `filters` are meaningful,
    /// the rest (a layer of lower rank than N) are zero.
    Eigen::Index resolvedComponents = 0;
};

/// The first `components` (N) eigenfilters of a layer, from its input images X (n x pixels, image i in row i,
/// flattened) and its activations A (n x m, row i the layer's response to image i).
///
/// The principal directions are the leading eigenvectors of cov(A) (spectrum::leadingEigenpairs). When m > n the
/// n x n Gram matrix (A - mean)(A - mean)^T / (n - 1), which has the same non-zero eigenvalues, is solved instead
/// and v_k = (A - mean)^T u_k / ||(A - mean)^T u_k|| (the dual form): the cost is min(n, m)^2 max(n, m), never m^3.
/// The sign of each v_k is fixed so its largest-magnitude entry is positive (scikit-learn's convention); the score
/// and the filter follow that sign.
/// Throws InputError for fewer than 2 rows, differing row counts, no pixels or units, NaN/Inf, or N outside
/// [1, min(m, n - 1)].
Eigenfilters eigenfilters(const Eigen::Ref<const Eigen::MatrixXd>& images,
                          const Eigen::Ref<const Eigen::MatrixXd>& activations, Eigen::Index components,
                          const spectrum::EigenOptions& eigenOptions = {});

/// The same for float32 images and activations (as captured), computed in double: the result equals that of the
/// double overload on the widened matrices.
Eigenfilters eigenfilters(const Eigen::Ref<const Eigen::MatrixXf>& images,
                          const Eigen::Ref<const Eigen::MatrixXf>& activations, Eigen::Index components,
                          const spectrum::EigenOptions& eigenOptions = {});

} // namespace codescope::projection
