// eigenfilters(): the input-space picture of a layer's principal components (paper, Fig. 3d). On a layer that is a
// rotation-free linear read-out of the images, A = X W with orthonormal W spanning X's leading principal directions,
// every filter is exactly one of those directions, which the test builds by hand.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

#include "core/common/input_error.h"
#include "core/data/synthetic_activations.h"
#include "core/projection/eigenfilters.h"

namespace {

using codescope::InputError;
using codescope::projection::eigenfilters;
using codescope::projection::Eigenfilters;

// i.i.d. N(0, 1) entries, deterministic per seed: generated activations with a flat spectrum (exponent 0).
Eigen::MatrixXd gaussianMatrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
    return codescope::data::powerLawActivations(rows, cols, 0.0, seed).cast<double>();
}

Eigen::MatrixXd orthonormalColumns(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussianMatrix(rows, cols, seed));
    return qr.householderQ() * Eigen::MatrixXd::Identity(rows, cols);
}

struct KnownImages {
    Eigen::MatrixXd images;     // n x p
    Eigen::MatrixXd directions; // p x r, the images' principal directions q_k, variance d_k^2 / (n-1) descending
};

// X = 1 mu^T + U D Q^T with U's columns orthonormal and orthogonal to 1: the sample covariance of X is exactly
// Q D^2 Q^T / (n - 1), so its principal directions are Q's columns, in order.
KnownImages knownImages(Eigen::Index n, Eigen::Index p, Eigen::Index r, std::uint64_t seed) {
    Eigen::MatrixXd g = gaussianMatrix(n, r, seed);
    g.rowwise() -= g.colwise().mean();
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
    const Eigen::MatrixXd u = qr.householderQ() * Eigen::MatrixXd::Identity(n, r);
    KnownImages known;
    known.directions = orthonormalColumns(p, r, seed + 1);
    Eigen::VectorXd d(r);
    for (Eigen::Index k = 0; k < r; ++k)
        d[k] = 10.0 / (1.0 + k); // distinct, descending
    known.images = u * d.asDiagonal() * known.directions.transpose();
    known.images.rowwise() += Eigen::RowVectorXd::Constant(p, 0.5); // a grey mean image
    return known;
}

// Layer A = X W, W = [q_1 .. q_s  (orthonormal completion)] R with R a random rotation of the m columns: the
// layer's principal directions are rotated, but its scores are X q_k, so filter k must equal q_k (up to sign).
void expectFiltersAreTheImageDirections(Eigen::Index n, Eigen::Index p, Eigen::Index r, Eigen::Index m,
                                        Eigen::Index components) {
    const KnownImages known = knownImages(n, p, r, 100 + m);
    // Columns of W: the first min(r, m) image directions, then directions orthogonal to all of them.
    Eigen::MatrixXd basis(p, m);
    const Eigen::Index shared = std::min(r, m);
    basis.leftCols(shared) = known.directions.leftCols(shared);
    if (m > shared) {
        Eigen::MatrixXd extra = gaussianMatrix(p, m - shared, 7);
        extra -= known.directions * (known.directions.transpose() * extra);
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(extra);
        basis.rightCols(m - shared) = qr.householderQ() * Eigen::MatrixXd::Identity(p, m - shared);
    }
    const Eigen::MatrixXd rotation = orthonormalColumns(m, m, 8);
    const Eigen::MatrixXd w = basis * rotation;
    ASSERT_LT((w.transpose() * w - Eigen::MatrixXd::Identity(m, m)).norm(), 1e-12);
    const Eigen::MatrixXd activations = known.images * w;

    const Eigenfilters result = eigenfilters(known.images, activations, components);
    ASSERT_EQ(result.filters.rows(), components);
    ASSERT_EQ(result.filters.cols(), p);
    EXPECT_EQ(result.resolvedComponents, components);
    for (Eigen::Index k = 0; k < components; ++k) {
        const Eigen::VectorXd q = known.directions.col(k);
        const double sign = result.filters.row(k).dot(q) > 0 ? 1.0 : -1.0;
        EXPECT_LT((result.filters.row(k).transpose() - sign * q).norm(), 1e-9) << "filter " << k;
        // Eigenvalue k of cov(A) is d_k^2 / (n - 1).
        const double dk = 10.0 / (1.0 + k);
        EXPECT_NEAR(result.eigenvalues[k], dk * dk / (n - 1), 1e-9 * dk * dk);
        // The principal direction is W^T q_k (the rotated read-out of q_k), with the sign convention.
        EXPECT_LT((result.directions.col(k) - sign * w.transpose() * q).norm(), 1e-9);
        Eigen::Index largest = 0;
        result.directions.col(k).cwiseAbs().maxCoeff(&largest);
        EXPECT_GT(result.directions(largest, k), 0.0);
    }
}

TEST(Eigenfilters, LinearLayerFiltersAreTheImagePrincipalDirectionsCovariancePath) {
    // m <= n: the m x m covariance is solved.
    expectFiltersAreTheImageDirections(/*n=*/80, /*p=*/64, /*r=*/12, /*m=*/10, /*components=*/6);
}

TEST(Eigenfilters, LinearLayerFiltersAreTheImagePrincipalDirectionsGramPath) {
    // m > n: the n x n Gram matrix is solved (dual form); W reaches beyond X's span, which adds nothing.
    expectFiltersAreTheImageDirections(/*n=*/30, /*p=*/200, /*r=*/12, /*m=*/90, /*components=*/8);
}

TEST(Eigenfilters, BothPathsAgreeWithADirectEigendecomposition) {
    const Eigen::Index n = 40, m = 60, p = 16;
    const Eigen::MatrixXd images = gaussianMatrix(n, p, 20);
    const Eigen::MatrixXd activations = (images * gaussianMatrix(p, m, 21)).array().max(0.0).matrix() +
                                        0.1 * gaussianMatrix(n, m, 22); // a ReLU layer with noise
    // Independent reference: Eigen's dense solver on the layer's covariance.
    const auto check = [&](const Eigen::MatrixXd& layer) {
        const Eigenfilters result = eigenfilters(images, layer, 5);
        const Eigen::MatrixXd centred = layer.rowwise() - layer.colwise().mean();
        const Eigen::MatrixXd covariance = centred.transpose() * centred / (n - 1);
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
        const Eigen::Index size = covariance.rows();
        const Eigen::MatrixXd centredImages = images.rowwise() - images.colwise().mean();
        for (Eigen::Index k = 0; k < 5; ++k) {
            const double value = solver.eigenvalues()[size - 1 - k];
            EXPECT_NEAR(result.eigenvalues[k], value, 1e-10 * value);
            EXPECT_NEAR(std::fabs(result.directions.col(k).dot(solver.eigenvectors().col(size - 1 - k))), 1.0, 1e-9);
            const Eigen::VectorXd score = centred * result.directions.col(k);
            EXPECT_LT((result.scores.col(k) - score).norm(), 1e-10 * score.norm());
            // The filter is the regression of the images on the score.
            const Eigen::VectorXd filter = centredImages.transpose() * score / score.squaredNorm();
            EXPECT_LT((result.filters.row(k).transpose() - filter).norm(), 1e-10 * filter.norm());
        }
    };
    check(activations);              // m = 60 > n = 40: the Gram path
    check(activations.leftCols(35)); // m = 35 < n: the covariance path
}

TEST(Eigenfilters, Float32InputsGiveTheResultOfTheirDoubleWidening) {
    // A capture holds float32 images and activations; the float overload must compute in double, not in float:
    // its result equals, to rounding of the double arithmetic, the double overload's on the same values widened.
    const Eigen::Index n = 40, m = 60, p = 16;
    const Eigen::MatrixXf images = (100.0 + gaussianMatrix(n, p, 50).array()).matrix().cast<float>(); // large mean
    const Eigen::MatrixXf activations =
        (images.cast<double>() * gaussianMatrix(p, m, 51)).array().max(0.0).matrix().cast<float>();
    for (const Eigen::Index width : {m, Eigen::Index{35}}) { // the Gram path, then the covariance path
        const Eigenfilters single = eigenfilters(images, activations.leftCols(width).eval(), 5);
        const Eigenfilters widened =
            eigenfilters(images.cast<double>().eval(), activations.leftCols(width).cast<double>().eval(), 5);
        EXPECT_LT((single.eigenvalues - widened.eigenvalues).norm(), 1e-12 * widened.eigenvalues.norm());
        EXPECT_LT((single.filters - widened.filters).norm(), 1e-10 * widened.filters.norm());
        EXPECT_EQ(single.resolvedComponents, widened.resolvedComponents);
    }
}

TEST(Eigenfilters, LowRankLayerResolvesOnlyItsRank) {
    const Eigen::Index n = 30;
    const Eigen::MatrixXd images = gaussianMatrix(n, 9, 30);
    const Eigen::MatrixXd activations = gaussianMatrix(n, 2, 31) * gaussianMatrix(2, 12, 32); // rank 2
    const Eigenfilters result = eigenfilters(images, activations, 4);
    EXPECT_EQ(result.resolvedComponents, 2);
    EXPECT_EQ(result.filters.bottomRows(2).norm(), 0.0);
    EXPECT_GT(result.filters.topRows(2).norm(), 0.0);
}

TEST(Eigenfilters, ThrowsInputErrorOnBadInput) {
    const Eigen::MatrixXd images = gaussianMatrix(10, 4, 40);
    const Eigen::MatrixXd activations = gaussianMatrix(10, 6, 41);
    EXPECT_THROW(eigenfilters(images, activations, 0), InputError);
    EXPECT_THROW(eigenfilters(images, activations, 7), InputError);                 // > m
    EXPECT_THROW(eigenfilters(images, gaussianMatrix(10, 20, 42), 10), InputError); // > n - 1
    EXPECT_THROW(eigenfilters(images.topRows(9), activations, 2), InputError);
    EXPECT_THROW(eigenfilters(images.topRows(1), activations.topRows(1), 1), InputError);
    EXPECT_NO_THROW(eigenfilters(images, gaussianMatrix(10, 20, 42), 9));
}

} // namespace
