// The two sides of the spectrum engine on the same matrices: the streamed m x m covariance and the n x n Gram matrix
// of the kept, centred rows (sample_gram.h) must give the same eigenvalues, alpha, bootstrap interval, held-out and
// cvPCA spectra, with fewer samples than features (where Automatic takes the Gram side) and with more.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/data/synthetic_activations.h"
#include "core/io/matrix_source.h"
#include "core/spectrum/cv_pca.h"
#include "core/spectrum/row_store.h"
#include "core/spectrum/sample_gram.h"
#include "core/spectrum/spectrum_analysis.h"

using namespace codescope;
using spectrum::SpectrumSide;

namespace {

// The bar: the leading eigenvalues of both sides agree to 1e-9 relative.
constexpr double kSidesAgree = 1e-9;

struct Shape {
    Eigen::Index samples;
    Eigen::Index features;
};
// Fewer samples than features (the convolutional layers' case) and more (the covariance's own case).
const Shape kShapes[] = {{150, 400}, {500, 160}};

Eigen::MatrixXf activations(const Shape& shape, std::uint64_t seed) {
    // A power-law covariance with a mean far from 0 (as ReLU outputs have), which centring must remove exactly.
    Eigen::MatrixXf data = data::powerLawActivations(shape.samples, shape.features, -1.0, seed);
    data.array() += 3.0f;
    return data;
}

spectrum::SpectrumOptions optionsOn(SpectrumSide side, int bootstrap) {
    spectrum::SpectrumOptions options;
    options.side = side;
    options.bootstrapResamples = bootstrap;
    options.seed = 11;
    options.fitLo = 5;
    options.fitHi = 40;
    options.eigenMethod = spectrum::EigenMethod::Dense;
    return options;
}

void expectLeadingAgree(const Eigen::VectorXd& gram, const Eigen::VectorXd& covariance, Eigen::Index count) {
    ASSERT_EQ(gram.size(), covariance.size());
    for (Eigen::Index k = 0; k < std::min(count, gram.size()); ++k)
        EXPECT_NEAR(gram[k], covariance[k], kSidesAgree * std::abs(covariance[k])) << "component " << k + 1;
}

TEST(GramSide, AutomaticTakesTheSmallerProblem) {
    EXPECT_TRUE(spectrum::useGramSide(100, 101, SpectrumSide::Automatic));
    EXPECT_FALSE(spectrum::useGramSide(101, 101, SpectrumSide::Automatic));
    EXPECT_TRUE(spectrum::useGramSide(500, 10, SpectrumSide::Gram));
    EXPECT_FALSE(spectrum::useGramSide(5, 10, SpectrumSide::Covariance));
}

TEST(GramSide, SpectrumAlphaAndBootstrapAgreeWithTheCovarianceSide) {
    for (const Shape& shape : kShapes) {
        SCOPED_TRACE(std::to_string(shape.samples) + " x " + std::to_string(shape.features));
        const Eigen::MatrixXf data = activations(shape, 3);
        io::InMemoryMatrixSource<Eigen::MatrixXf> source(data, "matrix");
        auto covarianceOptions = optionsOn(SpectrumSide::Covariance, 40);
        covarianceOptions.blockBytes = 8 * 160 * 37; // ragged blocks on the covariance side too
        const auto covariance = spectrum::analyzeSpectrum(source, covarianceOptions);
        auto gramOptions = optionsOn(SpectrumSide::Gram, 40);
        gramOptions.blockBytes = 8 * 400 * 33; // several row blocks of the Gram matrix
        const auto gram = spectrum::analyzeSpectrum(source, gramOptions);
        EXPECT_FALSE(covariance.gramSide);
        EXPECT_TRUE(gram.gramSide);
        EXPECT_EQ(gram.components, covariance.components);
        EXPECT_NEAR(gram.totalVariance, covariance.totalVariance, 1e-12 * covariance.totalVariance);
        expectLeadingAgree(gram.eigenvalues, covariance.eigenvalues, 100);
        EXPECT_NEAR(gram.alpha, covariance.alpha, 1e-9);
        // The bootstrap's scores are float32 on both sides (and may differ in the sign of a column): the same
        // resamples give the same interval to float rounding.
        EXPECT_NEAR(gram.alphaCiLo, covariance.alphaCiLo, 1e-5);
        EXPECT_NEAR(gram.alphaCiHi, covariance.alphaCiHi, 1e-5);
        EXPECT_NEAR(gram.alphaStandardError, covariance.alphaStandardError, 1e-5);

        const auto automatic = spectrum::analyzeSpectrum(source, optionsOn(SpectrumSide::Automatic, 0));
        EXPECT_EQ(automatic.gramSide, shape.samples < shape.features);
    }
}

TEST(GramSide, SpilledRowsGiveTheSameSpectrum) {
    const Shape shape{120, 300};
    const Eigen::MatrixXf data = activations(shape, 5);
    const auto options = optionsOn(SpectrumSide::Gram, 20);
    const auto plan = spectrum::planSpectrum(shape.samples, shape.features, options, "layer");
    spectrum::RowStore inMemory(shape.samples, shape.features, spectrum::RowStore::Precision::Single, 1 << 30);
    spectrum::RowStore inFile(shape.samples, shape.features, spectrum::RowStore::Precision::Single, 0);
    EXPECT_FALSE(inMemory.spilled());
    EXPECT_TRUE(inFile.spilled());
    for (Eigen::Index first = 0; first < shape.samples; first += 50) {
        const Eigen::Index rows = std::min<Eigen::Index>(50, shape.samples - first);
        const Eigen::MatrixXd block = data.middleRows(first, rows).cast<double>();
        inMemory.add(block);
        inFile.add(block);
    }
    auto small = options;
    small.blockBytes = 8 * 300 * 17;
    const auto a = spectrum::spectrumOfRows(inMemory, plan, small, "layer");
    const auto b = spectrum::spectrumOfRows(inFile, plan, small, "layer");
    ASSERT_TRUE(a.result.fitted());
    EXPECT_EQ(a.result.eigenvalues, b.result.eigenvalues);
    EXPECT_EQ(a.scores, b.scores);
    EXPECT_EQ(a.scores.rows(), shape.samples);
    EXPECT_THROW(inFile.add(Eigen::MatrixXd::Zero(1, shape.features)), std::invalid_argument);
    EXPECT_THROW(inMemory.add(Eigen::MatrixXd::Zero(0, 3)), std::invalid_argument);
}

TEST(GramSide, HeldOutSpectrumAgreesWithTheCovarianceSide) {
    for (const Shape& shape : kShapes) {
        SCOPED_TRACE(std::to_string(shape.samples) + " x " + std::to_string(shape.features));
        const Eigen::MatrixXf data = activations(shape, 8);
        const Eigen::Index half = shape.samples / 2;
        const auto options = optionsOn(SpectrumSide::Automatic, 0);
        const auto plan = spectrum::planSpectrum(shape.samples, shape.features, options, "halves");
        spectrum::CovarianceAccumulator training(shape.features), test(shape.features);
        spectrum::RowStore trainingRows(half, shape.features, spectrum::RowStore::Precision::Single, 1 << 30);
        spectrum::RowStore testRows(shape.samples - half, shape.features, spectrum::RowStore::Precision::Single, 0);
        training.add(data.topRows(half).cast<double>());
        trainingRows.add(data.topRows(half).cast<double>());
        test.add(data.bottomRows(shape.samples - half).cast<double>());
        testRows.add(data.bottomRows(shape.samples - half).cast<double>());
        const auto covariance = spectrum::heldOutSpectrumOfCovariances(training, test, plan, options, "halves");
        const auto gram = spectrum::heldOutSpectrumOfRows(trainingRows, testRows, plan, options, "halves");
        EXPECT_TRUE(gram.heldOut);
        EXPECT_NEAR(gram.totalVariance, covariance.totalVariance, 1e-12 * covariance.totalVariance);
        expectLeadingAgree(gram.eigenvalues, covariance.eigenvalues, 40);
        EXPECT_NEAR(gram.alpha, covariance.alpha, 1e-8);
    }
}

TEST(GramSide, CvPcaAgreesWithTheCovarianceSide) {
    for (const Shape& shape : kShapes) {
        SCOPED_TRACE(std::to_string(shape.samples) + " x " + std::to_string(shape.features));
        const Eigen::MatrixXd a = activations(shape, 21).cast<double>();
        std::mt19937 rng(4);
        std::normal_distribution<double> noise(0.0, 0.05);
        Eigen::MatrixXd b = a;
        for (Eigen::Index j = 0; j < b.cols(); ++j)
            for (Eigen::Index i = 0; i < b.rows(); ++i)
                b(i, j) += noise(rng);
        const Eigen::Index k = 60;
        const auto viaCovariance = spectrum::crossValidatedPcaSpectrum(a, b, k, SpectrumSide::Covariance);
        const auto viaGram = spectrum::crossValidatedPcaSpectrum(a, b, k, SpectrumSide::Gram);
        expectLeadingAgree(viaGram.trainingEigenvalues, viaCovariance.trainingEigenvalues, 40);
        expectLeadingAgree(viaGram.eigenvalues, viaCovariance.eigenvalues, 40);
        const auto halvesCovariance = spectrum::heldOutPcaSpectrum(a, 40, SpectrumSide::Covariance);
        const auto halvesGram = spectrum::heldOutPcaSpectrum(a, 40, SpectrumSide::Gram);
        expectLeadingAgree(halvesGram.eigenvalues, halvesCovariance.eigenvalues, 20);
    }
}

TEST(GramSide, PrincipalAxesAreTheCovarianceEigenvectors) {
    const Shape shape{80, 200};
    const Eigen::MatrixXd data = activations(shape, 2).cast<double>();
    const Eigen::MatrixXd centred = data.rowwise() - data.colwise().mean();
    const auto gram = spectrum::principalAxes(centred, 10, SpectrumSide::Gram);
    const auto covariance = spectrum::principalAxes(centred, 10, SpectrumSide::Covariance);
    expectLeadingAgree(gram.values, covariance.values, 10);
    // Unit eigenvectors up to sign: |v_gram . v_cov| = 1.
    for (Eigen::Index k = 0; k < 10; ++k)
        EXPECT_NEAR(std::abs(gram.vectors.col(k).dot(covariance.vectors.col(k))), 1.0, 1e-9) << k;
}

} // namespace
