#include "core/data/synthetic_activations.h"

#include <Eigen/QR>
#include <cmath>
#include <random>
#include <stdexcept>

namespace codescope::data {

namespace {
Eigen::MatrixXd gaussianMatrix(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng) {
    std::normal_distribution<double> normal;
    Eigen::MatrixXd out(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i)
            out(i, j) = normal(rng);
    return out;
}
} // namespace

Eigen::MatrixXf powerLawActivations(Eigen::Index samples, Eigen::Index features, double exponent, std::uint64_t seed) {
    if (samples <= 0 || features <= 0) throw std::invalid_argument("powerLawActivations: sizes must be positive");
    std::mt19937_64 rng(seed);
    Eigen::MatrixXd latent = gaussianMatrix(samples, features, rng);
    for (Eigen::Index k = 0; k < features; ++k)
        latent.col(k) *= std::pow(static_cast<double>(k + 1), exponent / 2.0);
    // A random rotation hides the axes, as in a real layer where no single neuron is a principal direction.
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussianMatrix(features, features, rng));
    const Eigen::MatrixXd rotation = qr.householderQ();
    return (latent * rotation.transpose()).cast<float>();
}

} // namespace codescope::data
