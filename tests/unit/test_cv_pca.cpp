// Cross-validated PCA: on two repeats it removes the noise floor of an ordinary PCA spectrum (Stringer et al.
// 2019); on two halves of one sample it removes the in-sample eigenvalue bias but keeps independent noise.
#include <gtest/gtest.h>

#include <Eigen/QR>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "core/common/input_error.h"
#include "core/data/synthetic_activations.h"
#include "core/spectrum/alpha_estimators.h"
#include "core/spectrum/cv_pca.h"

namespace {

using codescope::InputError;
using namespace codescope::spectrum;

// i.i.d. standard normal samples x features (an exponent-0 spectrum: isotropic, whatever the rotation).
Eigen::MatrixXd isotropic(Eigen::Index samples, Eigen::Index features, std::uint64_t seed) {
    return codescope::data::powerLawActivations(samples, features, 0.0, seed).cast<double>();
}

// samples x features signal whose population covariance has eigenvalues k^exponent for k <= rank and 0 after,
// embedded along random orthonormal directions, plus a constant offset (cvPCA must centre).
Eigen::MatrixXd powerLawSignal(Eigen::Index samples, Eigen::Index features, Eigen::Index rank, double exponent,
                               std::uint64_t seed) {
    const Eigen::MatrixXd latent = codescope::data::powerLawActivations(samples, rank, exponent, seed).cast<double>();
    const Eigen::MatrixXd basis =
        Eigen::HouseholderQR<Eigen::MatrixXd>(isotropic(features, rank, seed + 1)).householderQ() *
        Eigen::MatrixXd::Identity(features, rank);
    return (latent * basis.transpose()).array() + 0.7;
}

double meanAbs(const Eigen::VectorXd& values, Eigen::Index from, Eigen::Index count) {
    return values.segment(from, count).cwiseAbs().mean();
}

TEST(CvPca, RepeatsRemoveTheNoiseFloor) {
    // Two repeats: the same signal (the stimulus-driven part) with independent isotropic noise of variance 0.01.
    // Signal eigenvalues k^-1 for k <= 50 and 0 after: an ordinary PCA spectrum flattens onto the noise floor near
    // 0.01 from k ~ 50, the cross-validated one follows the signal down and scatters around 0 after rank 50.
    const Eigen::Index samples = 3000, features = 120, rank = 50;
    const double noiseVariance = 0.01;
    const Eigen::MatrixXd signal = powerLawSignal(samples, features, rank, -1.0, 3);
    const Eigen::MatrixXd repeatA = signal + std::sqrt(noiseVariance) * isotropic(samples, features, 30);
    const Eigen::MatrixXd repeatB = signal + std::sqrt(noiseVariance) * isotropic(samples, features, 31);
    const CvPcaSpectrum cv = crossValidatedPcaSpectrum(repeatA, repeatB, features);
    ASSERT_EQ(cv.eigenvalues.size(), features);
    ASSERT_EQ(cv.trainingEigenvalues.size(), features);
    EXPECT_EQ(cv.trainingSamples, samples);
    EXPECT_EQ(cv.testSamples, samples);

    // Beyond the signal's rank: PCA sits on the floor, cvPCA near 0 (its scatter is ~ noise / sqrt(samples)).
    EXPECT_GT(cv.trainingEigenvalues.tail(features - rank).mean(), 0.5 * noiseVariance);
    EXPECT_LT(meanAbs(cv.eigenvalues, rank, features - rank), 0.1 * noiseVariance);
    // Within the signal's tail (k = 20..50) cvPCA is closer to the true k^-1 than PCA is, for the spectrum as a
    // whole and for the exponent fitted to it.
    double pcaError = 0, cvError = 0;
    for (Eigen::Index k = 20; k <= rank; ++k) {
        pcaError += std::abs(cv.trainingEigenvalues[k - 1] - 1.0 / k);
        cvError += std::abs(cv.eigenvalues[k - 1] - 1.0 / k);
    }
    EXPECT_LT(cvError, 0.5 * pcaError);
    const double pcaAlpha = fitAlpha(cv.trainingEigenvalues, 10, 40, AlphaEstimator::Huber).alpha;
    const double cvAlpha = fitAlpha(cv.eigenvalues, 10, 40, AlphaEstimator::Huber).alpha;
    EXPECT_LT(std::abs(cvAlpha + 1.0), 0.5 * std::abs(pcaAlpha + 1.0)) << "cv " << cvAlpha << " pca " << pcaAlpha;
    EXPECT_NEAR(cvAlpha, -1.0, 0.1);
}

TEST(CvPca, IdenticalRepeatsGiveTheTrainingSpectrum) {
    // C_AA = Sigma_A, so u_k^T C_AA u_k is the training eigenvalue itself.
    const Eigen::MatrixXd data = powerLawSignal(200, 30, 30, -1.3, 4);
    const CvPcaSpectrum cv = crossValidatedPcaSpectrum(data, data, 25);
    ASSERT_EQ(cv.eigenvalues.size(), 25);
    for (Eigen::Index k = 0; k < 25; ++k)
        EXPECT_NEAR(cv.eigenvalues[k], cv.trainingEigenvalues[k], 1e-10 * cv.trainingEigenvalues[0]);
    for (Eigen::Index k = 1; k < 25; ++k)
        EXPECT_LE(cv.trainingEigenvalues[k], cv.trainingEigenvalues[k - 1]);
}

TEST(CvPca, HalvesRemoveTheInSampleBiasOfPureNoise) {
    // Isotropic noise of variance 1, 200 features, 200 samples per half: the training half's PCA spectrum spreads
    // into a Marchenko-Pastur bulk from ~4 down to ~0, the held-out variance along the same directions is ~1 for
    // every k (each value a variance of 200 samples: relative spread ~ sqrt(2/199) = 0.1).
    const Eigen::MatrixXd data = isotropic(400, 200, 5);
    const CvPcaSpectrum cv = heldOutPcaSpectrum(data, 199);
    EXPECT_EQ(cv.trainingSamples, 200);
    EXPECT_EQ(cv.testSamples, 200);
    EXPECT_GT(cv.trainingEigenvalues[0], 3.0);
    EXPECT_LT(cv.trainingEigenvalues[198], 0.05);
    EXPECT_NEAR(cv.eigenvalues.mean(), 1.0, 0.03);
    EXPECT_NEAR(cv.eigenvalues.head(10).mean(), 1.0, 0.15);
    EXPECT_NEAR(cv.eigenvalues.tail(10).mean(), 1.0, 0.15);
}

TEST(CvPca, HalvesKeepNoiseThatIsIndependentPerSample) {
    // What halves cannot do (the reason repeats exist): per-sample noise adds its variance to every held-out
    // direction, so the tail beyond the signal's rank stays on the floor.
    const Eigen::Index samples = 4000, features = 100, rank = 40;
    const double noiseVariance = 0.01;
    const Eigen::MatrixXd data =
        powerLawSignal(samples, features, rank, -1.0, 6) + std::sqrt(noiseVariance) * isotropic(samples, features, 60);
    const CvPcaSpectrum cv = heldOutPcaSpectrum(data, features);
    EXPECT_NEAR(cv.eigenvalues.tail(features - rank).mean(), noiseVariance, 0.1 * noiseVariance);
}

TEST(CvPca, SplitHalvesAreTheContiguousHalves) {
    const Eigen::MatrixXd data = isotropic(101, 12, 7); // odd: the last row is left out
    const CvPcaSpectrum split = heldOutPcaSpectrum(data, 8);
    const CvPcaSpectrum explicitHalves = heldOutPcaSpectrum(data.topRows(50), data.middleRows(50, 50), 8);
    EXPECT_EQ(split.eigenvalues, explicitHalves.eigenvalues);
    EXPECT_EQ(split.trainingSamples, 50);
    EXPECT_EQ(split.testSamples, 50);
    // Unpaired halves may differ in length.
    EXPECT_EQ(heldOutPcaSpectrum(data.topRows(60), data.bottomRows(41), 5).testSamples, 41);
}

TEST(CvPca, BadInputThrowsInputError) {
    const Eigen::MatrixXd a = isotropic(50, 10, 8);
    const Eigen::MatrixXd b = isotropic(50, 10, 9);
    EXPECT_THROW(crossValidatedPcaSpectrum(a, b.topRows(49), 5), InputError); // repeats must pair rows
    EXPECT_THROW(crossValidatedPcaSpectrum(a, b.leftCols(9), 5), InputError); // features differ
    EXPECT_THROW(heldOutPcaSpectrum(a, b.leftCols(9), 5), InputError);
    EXPECT_THROW(crossValidatedPcaSpectrum(a, b, 0), InputError);
    EXPECT_THROW(crossValidatedPcaSpectrum(a, b, 11), InputError);    // > features
    EXPECT_THROW(heldOutPcaSpectrum(a.topRows(5), b, 5), InputError); // > training samples - 1
    EXPECT_THROW(heldOutPcaSpectrum(a.topRows(1), b, 1), InputError);
    EXPECT_THROW(heldOutPcaSpectrum(a, b.topRows(1), 1), InputError);
    EXPECT_THROW(heldOutPcaSpectrum(a.topRows(3), 1), InputError); // too few rows to split
    EXPECT_THROW(heldOutPcaSpectrum(Eigen::MatrixXd(10, 0), 1), InputError);
    Eigen::MatrixXd withNan = b;
    withNan(3, 4) = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(crossValidatedPcaSpectrum(a, withNan, 5), InputError);
    EXPECT_THROW(heldOutPcaSpectrum(withNan, a, 5), InputError);
    EXPECT_NO_THROW(heldOutPcaSpectrum(a.topRows(6), b, 5));
}

} // namespace

// The engine's entry points for the two cvPCA settings, against the matrix functions above on the same data.
#include "core/io/matrix_source.h"
#include "core/spectrum/covariance_accumulator.h"
#include "core/spectrum/spectrum_analysis.h"

namespace {

TEST(CvPcaEngine, RepeatsThroughMatrixSourcesMatchTheMatrixFunctionAndRemoveTheNoiseFloor) {
    // Signal with eigenvalues k^-1.2 in 60 dimensions, recorded twice with independent noise of variance 0.01.
    const Eigen::MatrixXd signal = codescope::data::powerLawActivations(2000, 60, -1.2, 31).cast<double>();
    std::mt19937_64 rng(32);
    std::normal_distribution<double> noise(0.0, 0.1);
    Eigen::MatrixXd first = signal, second = signal;
    for (Eigen::Index i = 0; i < first.size(); ++i) {
        first.data()[i] += noise(rng);
        second.data()[i] += noise(rng);
    }
    codescope::io::InMemoryMatrixSource<Eigen::MatrixXd> a(first, "first.npy"), b(second, "second.npy");
    codescope::spectrum::SpectrumOptions options;
    options.fitLo = 5;
    options.fitHi = 40;
    const auto cv = codescope::spectrum::crossValidatedSpectrum(a, b, options);
    const auto direct = codescope::spectrum::crossValidatedPcaSpectrum(first, second, cv.eigenvalues.size());
    EXPECT_LT((cv.eigenvalues - direct.eigenvalues).cwiseAbs().maxCoeff(), 1e-10);
    EXPECT_TRUE(cv.heldOut);
    options.bootstrapResamples = 0;
    const auto pca = codescope::spectrum::analyzeSpectrum(a, options);
    // The noise floor (0.01 per direction) flattens PCA's tail; cvPCA's exponent stays near the signal's.
    EXPECT_NEAR(cv.alpha, -1.2, 0.08);
    EXPECT_GT(pca.alpha, cv.alpha + 0.1);

    Eigen::MatrixXd shorter = second.topRows(100);
    codescope::io::InMemoryMatrixSource<Eigen::MatrixXd> c(shorter, "short.npy");
    try {
        codescope::spectrum::crossValidatedSpectrum(a, c, options);
        FAIL() << "repeats of different shapes must be an error";
    } catch (const codescope::InputError& error) {
        EXPECT_NE(std::string(error.what()).find("short.npy"), std::string::npos) << error.what();
    }
}

TEST(CvPcaEngine, HeldOutCovariancesMatchTheHeldOutMatrixFunction) {
    const Eigen::MatrixXd data = codescope::data::powerLawActivations(600, 50, -1.0, 33).cast<double>();
    codescope::spectrum::CovarianceAccumulator training(50), test(50);
    training.add(data.topRows(300));
    test.add(data.bottomRows(300));
    codescope::spectrum::SpectrumOptions options;
    options.fitLo = 3;
    options.fitHi = 30;
    const auto plan = codescope::spectrum::planSpectrum(600, 50, options, "halves");
    const auto result = codescope::spectrum::heldOutSpectrumOfCovariances(training, test, plan, options, "halves");
    const auto direct = codescope::spectrum::heldOutPcaSpectrum(data, result.eigenvalues.size());
    EXPECT_LT((result.eigenvalues - direct.eigenvalues).cwiseAbs().maxCoeff(), 1e-10);
    EXPECT_TRUE(std::isnan(result.alphaCiLo)) << "no bootstrap for the held-out spectrum";
    EXPECT_EQ(result.samples, 600);
}

} // namespace
