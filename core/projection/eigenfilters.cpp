#include "core/projection/eigenfilters.h"

#include <Eigen/Dense>
#include <algorithm>
#include <string>
#include <utility>

#include "core/common/input_error.h"

namespace codescope::projection {

namespace {

// One body for float and double inputs: a capture holds float32 images and activations, which are widened to
// double here, in the working copies the computation makes anyway (the centred matrices), not beforehand.
template <typename Scalar>
Eigenfilters eigenfiltersOf(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& images,
                            const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& activations,
                            Eigen::Index components, const spectrum::EigenOptions& eigenOptions) {
    const Eigen::Index n = activations.rows();
    const Eigen::Index m = activations.cols();
    if (n < 2) throw InputError("eigenfilters need at least 2 images, got " + std::to_string(n));
    if (images.rows() != n)
        throw InputError("eigenfilters: " + std::to_string(images.rows()) + " images but activations for " +
                         std::to_string(n));
    if (images.cols() == 0 || m == 0) throw InputError("eigenfilters: the images or the activations are empty");
    const Eigen::Index most = std::min(m, n - 1); // the rank of a centred n x m matrix is at most min(m, n - 1)
    if (components < 1 || components > most)
        throw InputError("eigenfilters: the number of components must be in [1, " + std::to_string(most) + "], got " +
                         std::to_string(components));
    if (!images.allFinite() || !activations.allFinite())
        throw InputError("eigenfilters: the images or the activations contain NaN or Inf");

    Eigen::MatrixXd centred = activations.template cast<double>(); // widened once, then centred in place
    const Eigen::RowVectorXd activationMean = centred.colwise().mean();
    centred.rowwise() -= activationMean;
    const double dof = static_cast<double>(n - 1);
    Eigenfilters result;
    if (m <= n) {
        const Eigen::MatrixXd covariance = centred.transpose() * centred / dof;
        spectrum::EigenPairs pairs = spectrum::leadingEigenpairs(covariance, components, true, eigenOptions);
        result.eigenvalues = pairs.values;
        result.directions = std::move(pairs.vectors);
    } else {
        // Dual form: cov(A) = Ac^T Ac / (n-1) and Ac Ac^T / (n-1) share their non-zero eigenvalues, and
        // Ac^T u_k is the matching eigenvector of the former.
        const Eigen::MatrixXd gram = centred * centred.transpose() / dof;
        const spectrum::EigenPairs pairs = spectrum::leadingEigenpairs(gram, components, true, eigenOptions);
        result.eigenvalues = pairs.values;
        result.directions = centred.transpose() * pairs.vectors;
        for (Eigen::Index k = 0; k < components; ++k) {
            const double norm = result.directions.col(k).norm();
            if (norm > 0) result.directions.col(k) /= norm;
        }
    }
    for (Eigen::Index k = 0; k < components; ++k) {
        Eigen::Index largest = 0;
        result.directions.col(k).cwiseAbs().maxCoeff(&largest);
        if (result.directions(largest, k) < 0) result.directions.col(k) *= -1.0;
    }

    result.scores = centred * result.directions;
    // f_k = cov(X, s_k) / var(s_k) = Xc^T s_k / (s_k^T s_k): the (n-1)s cancel. 1^T s_k = 0, so X's mean would
    // cancel too, but only to rounding of its size: images with a large mean and little variation need it removed.
    Eigen::MatrixXd centredImages = images.template cast<double>();
    const Eigen::RowVectorXd imageMean = centredImages.colwise().mean();
    centredImages.rowwise() -= imageMean;
    result.filters = result.scores.transpose() * centredImages;
    const Eigen::RowVectorXd scoreSquares = result.scores.colwise().squaredNorm();
    const double leading = scoreSquares.size() > 0 ? scoreSquares[0] : 0.0;
    for (Eigen::Index k = 0; k < components; ++k) {
        if (scoreSquares[k] > 1e-10 * leading && scoreSquares[k] > 0) {
            result.filters.row(k) /= scoreSquares[k];
            ++result.resolvedComponents;
        } else {
            result.filters.row(k).setZero(); // no variance along v_k: no regression to draw
        }
    }
    return result;
}

} // namespace

Eigenfilters eigenfilters(const Eigen::Ref<const Eigen::MatrixXd>& images,
                          const Eigen::Ref<const Eigen::MatrixXd>& activations, Eigen::Index components,
                          const spectrum::EigenOptions& eigenOptions) {
    return eigenfiltersOf<double>(images, activations, components, eigenOptions);
}

Eigenfilters eigenfilters(const Eigen::Ref<const Eigen::MatrixXf>& images,
                          const Eigen::Ref<const Eigen::MatrixXf>& activations, Eigen::Index components,
                          const spectrum::EigenOptions& eigenOptions) {
    return eigenfiltersOf<float>(images, activations, components, eigenOptions);
}

} // namespace codescope::projection
