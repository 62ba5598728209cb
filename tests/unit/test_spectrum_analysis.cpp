// Spectrum engine on cases with known answers: exact spectra built by construction, the stride rule, constant
// features, and inputs too small to fit.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <cmath>
#include <random>

#include "core/common/input_error.h"
#include "core/data/synthetic_activations.h"
#include "core/io/matrix_source.h"
#include "core/spectrum/spectrum_analysis.h"

using codescope::InputError;
using codescope::io::InMemoryMatrixSource;
using codescope::spectrum::analyzeSpectrum;
using codescope::spectrum::featureStride;
using codescope::spectrum::SpectrumOptions;

namespace {

Eigen::MatrixXd gaussian(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd out(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i)
            out(i, j) = normal(rng);
    return out;
}

// Data whose sample covariance is exactly R diag(lambda) R^T: orthonormal, zero-mean columns scaled by
// sqrt((n-1) lambda_k), then rotated. The eigenvalues are known without any PCA.
Eigen::MatrixXd exactSpectrumData(Eigen::Index samples, const Eigen::VectorXd& lambda, std::uint64_t seed) {
    const Eigen::Index m = lambda.size();
    Eigen::MatrixXd basis = gaussian(samples, m + 1, seed);
    basis.col(0).setOnes(); // orthogonalising against the constant vector centres the other columns
    Eigen::MatrixXd q =
        Eigen::HouseholderQR<Eigen::MatrixXd>(basis).householderQ() * Eigen::MatrixXd::Identity(samples, m + 1);
    Eigen::MatrixXd data = q.rightCols(m);
    for (Eigen::Index k = 0; k < m; ++k)
        data.col(k) *= std::sqrt((samples - 1) * lambda[k]);
    const Eigen::MatrixXd rotation = Eigen::HouseholderQR<Eigen::MatrixXd>(gaussian(m, m, seed + 1)).householderQ() *
                                     Eigen::MatrixXd::Identity(m, m);
    return (data * rotation.transpose()).rowwise() + Eigen::RowVectorXd::Constant(m, 3.5); // any mean
}

SpectrumOptions noBootstrap() {
    SpectrumOptions options;
    options.bootstrapResamples = 0;
    return options;
}

TEST(SpectrumAnalysis, RecoversAnExactPowerLaw) {
    for (double exponent : {-0.7, -1.0, -1.6}) {
        SCOPED_TRACE(exponent);
        Eigen::VectorXd lambda(120);
        for (int k = 0; k < lambda.size(); ++k)
            lambda[k] = 2.0 * std::pow(k + 1.0, exponent);
        const Eigen::MatrixXd data = exactSpectrumData(500, lambda, 11);
        InMemoryMatrixSource<Eigen::MatrixXd> source(data, "exact");
        const auto result = analyzeSpectrum(source, noBootstrap());
        ASSERT_EQ(result.components, 120);
        for (int k = 0; k < 120; ++k)
            EXPECT_NEAR(result.eigenvalues[k], lambda[k], 1e-9 * lambda[0]);
        EXPECT_NEAR(result.alpha, exponent, 1e-4);
        EXPECT_NEAR(result.intercept, std::log(2.0), 1e-3);
        EXPECT_NEAR(result.totalVariance, lambda.sum(), 1e-9 * lambda.sum());
        EXPECT_NEAR(result.explainedVarianceRatio.sum(), 1.0, 1e-9);
        EXPECT_EQ(result.fitLo, 10);
        EXPECT_EQ(result.fitHi, 50);
    }
}

TEST(SpectrumAnalysis, FitRangeIsConfigurable) {
    // A broken power law: exponent -0.5 up to k = 60, -2 after it. Each range sees its own slope.
    Eigen::VectorXd lambda(200);
    for (int k = 1; k <= 200; ++k)
        lambda[k - 1] = k <= 60 ? std::pow(k, -0.5) : std::pow(60.0, -0.5) * std::pow(k / 60.0, -2.0);
    const Eigen::MatrixXd data = exactSpectrumData(600, lambda, 3);
    InMemoryMatrixSource<Eigen::MatrixXd> source(data, "broken");
    SpectrumOptions options = noBootstrap();
    EXPECT_NEAR(analyzeSpectrum(source, options).alpha, -0.5, 1e-3);
    options.fitLo = 80;
    options.fitHi = 150;
    EXPECT_NEAR(analyzeSpectrum(source, options).alpha, -2.0, 1e-3);
}

TEST(SpectrumAnalysis, StrideRuleFollowsTheMethods) {
    // Definition: the smallest s with ceil(m / s) < limit.
    for (std::int64_t limit : {2, 3, 100, 8000}) {
        for (std::int64_t m : {1, 2, 3, 99, 100, 101, 7999, 8000, 8001, 15999, 16000, 24000, 100000}) {
            std::int64_t s = 1;
            while ((m + s - 1) / s >= limit)
                ++s;
            EXPECT_EQ(featureStride(m, limit), s) << "m=" << m << " limit=" << limit;
        }
    }
    EXPECT_EQ(featureStride(7999, 8000), 1);
    EXPECT_EQ(featureStride(8000, 8000), 2);
    EXPECT_THROW(featureStride(10, 1), InputError);
}

TEST(SpectrumAnalysis, KeepsEverySthFeature) {
    const Eigen::MatrixXd data = gaussian(300, 10, 5) * gaussian(10, 10, 6); // correlated columns
    InMemoryMatrixSource<Eigen::MatrixXd> source(data, "strided");
    SpectrumOptions options = noBootstrap();
    options.maxFeatures = 4; // s = 4: columns 0, 4, 8
    options.fitLo = 1;
    options.fitHi = 3;
    const auto result = analyzeSpectrum(source, options);
    EXPECT_EQ(result.stride, 4);
    EXPECT_EQ(result.featuresUsed, 3);
    Eigen::MatrixXd kept(300, 3);
    kept << data.col(0), data.col(4), data.col(8);
    const Eigen::MatrixXd centred = kept.rowwise() - kept.colwise().mean();
    const Eigen::MatrixXd covariance = centred.transpose() * centred / 299.0;
    const Eigen::VectorXd expected = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(covariance).eigenvalues().reverse();
    for (int k = 0; k < 3; ++k)
        EXPECT_NEAR(result.eigenvalues[k], expected[k], 1e-10 * expected[0]);
}

TEST(SpectrumAnalysis, ConstantFeaturesAddZeroEigenvaluesOnly) {
    Eigen::VectorXd lambda(80);
    for (int k = 0; k < 80; ++k)
        lambda[k] = std::pow(k + 1.0, -1.2);
    const Eigen::MatrixXd varying = exactSpectrumData(400, lambda, 21);
    Eigen::MatrixXd data(400, 100);
    data << varying, Eigen::MatrixXd::Constant(400, 20, 7.0);
    InMemoryMatrixSource<Eigen::MatrixXd> source(data, "with-constant");
    const auto result = analyzeSpectrum(source, noBootstrap());
    ASSERT_EQ(result.components, 100);
    for (int k = 0; k < 80; ++k)
        EXPECT_NEAR(result.eigenvalues[k], lambda[k], 1e-9);
    for (int k = 80; k < 100; ++k)
        EXPECT_NEAR(result.eigenvalues[k], 0.0, 1e-12);
    EXPECT_TRUE(result.eigenvalues.allFinite());
    EXPECT_NEAR(result.alpha, -1.2, 1e-4);
}

TEST(SpectrumAnalysis, AllConstantFeaturesAreAnError) {
    const Eigen::MatrixXd data = Eigen::MatrixXd::Constant(100, 60, 1.5);
    InMemoryMatrixSource<Eigen::MatrixXd> source(data, "flat.npy");
    try {
        analyzeSpectrum(source, noBootstrap());
        FAIL() << "expected InputError";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("flat.npy"), std::string::npos);
        EXPECT_NE(std::string(error.what()).find("constant"), std::string::npos);
    }
}

TEST(SpectrumAnalysis, TooFewSamplesOrComponentsAreErrors) {
    const Eigen::MatrixXd one = gaussian(1, 30, 1);
    InMemoryMatrixSource<Eigen::MatrixXd> single(one, "one-row");
    EXPECT_THROW(analyzeSpectrum(single, noBootstrap()), InputError);

    const Eigen::MatrixXd few = gaussian(8, 100, 2); // 8 components < fit start 10
    InMemoryMatrixSource<Eigen::MatrixXd> fewSource(few, "few-rows");
    try {
        analyzeSpectrum(fewSource, noBootstrap());
        FAIL() << "expected InputError";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("too few components"), std::string::npos) << error.what();
    }

    SpectrumOptions capped = noBootstrap();
    capped.maxComponents = 11; // components 10..11: two points are not a fit
    const Eigen::MatrixXd plenty = gaussian(200, 100, 3);
    InMemoryMatrixSource<Eigen::MatrixXd> plentySource(plenty, "capped");
    EXPECT_THROW(analyzeSpectrum(plentySource, capped), InputError);
}

TEST(SpectrumAnalysis, ShortSpectrumFitsTheExistingRangeWithAWarning) {
    // 30 samples: the covariance has rank 29, so only components 10..29 can be fitted.
    Eigen::VectorXd lambda(29);
    for (int k = 0; k < 29; ++k)
        lambda[k] = std::pow(k + 1.0, -1.0);
    const Eigen::MatrixXd data = exactSpectrumData(30, lambda, 9);
    InMemoryMatrixSource<Eigen::MatrixXd> source(data, "short");
    const auto result = analyzeSpectrum(source, noBootstrap());
    EXPECT_EQ(result.components, 29);
    EXPECT_EQ(result.fitLo, 10);
    EXPECT_EQ(result.fitHi, 29);
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_NE(result.warnings[0].find("10..29"), std::string::npos) << result.warnings[0];
    EXPECT_NEAR(result.alpha, -1.0, 1e-4);
}

TEST(SpectrumAnalysis, BlockSizeDoesNotChangeTheResult) {
    const Eigen::MatrixXf data = codescope::data::powerLawActivations(700, 90, -1.1, 4);
    InMemoryMatrixSource<Eigen::MatrixXf> source(data, "blocks");
    SpectrumOptions whole = noBootstrap();
    SpectrumOptions tiny = whole;
    tiny.blockBytes = 8 * 90 * 7; // 7 rows per block, ragged last block
    const auto a = analyzeSpectrum(source, whole);
    const auto b = analyzeSpectrum(source, tiny);
    EXPECT_LT((a.eigenvalues - b.eigenvalues).cwiseAbs().maxCoeff(), 1e-12 * a.eigenvalues[0]);
    EXPECT_NEAR(a.alpha, b.alpha, 1e-10);
}

TEST(SpectrumAnalysis, ReportsProgressAndHonoursCancel) {
    const Eigen::MatrixXf data = codescope::data::powerLawActivations(400, 60, -1.0, 1);
    InMemoryMatrixSource<Eigen::MatrixXf> source(data, "progress");
    SpectrumOptions options;
    options.bootstrapResamples = 5;
    options.blockBytes = 8 * 60 * 50;
    std::vector<double> seen;
    analyzeSpectrum(source, options, [&](double f) { seen.push_back(f); });
    ASSERT_GE(seen.size(), 8u);
    for (std::size_t i = 1; i < seen.size(); ++i)
        EXPECT_GE(seen[i], seen[i - 1]);
    EXPECT_DOUBLE_EQ(seen.back(), 1.0);

    codescope::CancelToken cancel;
    EXPECT_THROW(analyzeSpectrum(
                     source, options,
                     [&](double f) {
                         if (f > 0.2) cancel.cancel();
                     },
                     &cancel),
                 codescope::Cancelled);
}

} // namespace

namespace {

codescope::spectrum::SpectrumResult spectrumOfData(const Eigen::MatrixXd& data, const SpectrumOptions& options) {
    codescope::spectrum::CovarianceAccumulator accumulator(data.cols());
    accumulator.add(data);
    const auto plan = codescope::spectrum::planSpectrum(data.rows(), data.cols(), options, "layer");
    return codescope::spectrum::spectrumOfCovariance(accumulator, plan, options, "layer").result;
}

} // namespace

// In a model, a layer whose spectrum cannot be fitted is a result with its reason, not an error (the single-matrix
// analyzeSpectrum above still throws): dead units, constant units, and a rank below the fit range.
TEST(SpectrumAnalysis, DegenerateLayersGetAStatusInsteadOfAnError) {
    SpectrumOptions options;
    options.bootstrapResamples = 50;

    const auto dead = spectrumOfData(Eigen::MatrixXd::Zero(100, 128), options);
    EXPECT_FALSE(dead.fitted());
    EXPECT_EQ(dead.status.rfind("dead: every one of the 128 kept units is 0 for all 100 samples", 0), 0u)
        << dead.status;
    EXPECT_EQ(codescope::spectrum::statusKind(dead.status), "dead");
    EXPECT_TRUE(std::isnan(dead.alpha));
    EXPECT_TRUE(std::isnan(dead.alphaCiLo));
    EXPECT_EQ(dead.eigenvalues.size(), 100);
    EXPECT_TRUE(dead.eigenvalues.isZero(0.0));

    const auto constant = spectrumOfData(Eigen::MatrixXd::Constant(100, 128, 0.5), options);
    EXPECT_EQ(constant.status.rfind("constant: ", 0), 0u) << constant.status;

    // 4 live units of 128 (the rest 0): rank 4, while the range 10:50 needs 12 meaningful eigenvalues.
    Eigen::MatrixXd four = Eigen::MatrixXd::Zero(500, 128);
    four.leftCols(4) = gaussian(500, 4, 3);
    const auto collapsed = spectrumOfData(four, options);
    EXPECT_EQ(collapsed.status.rfind("collapsed: ", 0), 0u) << collapsed.status;
    EXPECT_NE(collapsed.status.find("4 of 128 components"), std::string::npos) << collapsed.status;
    EXPECT_NE(collapsed.status.find("needs at least 12"), std::string::npos) << collapsed.status;
    EXPECT_TRUE(std::isnan(collapsed.alpha));
    // Its eigenvalues are still the spectrum: 4 positive, the rest numerically 0.
    EXPECT_GT(collapsed.eigenvalues[3], 0.1);
    EXPECT_LT(collapsed.eigenvalues[4], 1e-10);

    // Twelve meaningful eigenvalues are enough for a (shortened) fit with a warning, not a status.
    Eigen::MatrixXd twelve = Eigen::MatrixXd::Zero(500, 128);
    twelve.leftCols(12) = gaussian(500, 12, 4);
    const auto shortened = spectrumOfData(twelve, options);
    EXPECT_TRUE(shortened.fitted()) << shortened.status;
    EXPECT_TRUE(std::isfinite(shortened.alpha));
    EXPECT_EQ(shortened.fitHi, 12);
}

TEST(SpectrumAnalysis, AnUnusableLayerKeepsItsShape) {
    const auto plan = codescope::spectrum::planSpectrum(300, 1000, SpectrumOptions{}, "layer");
    const auto result = codescope::spectrum::unusableSpectrum(plan, 300, "non-finite: NaN in sample 7");
    EXPECT_EQ(result.features, 1000);
    EXPECT_EQ(result.featuresUsed, 1000);
    EXPECT_EQ(result.components, 300);
    EXPECT_EQ(result.status, "non-finite: NaN in sample 7");
    EXPECT_TRUE(std::isnan(result.alpha));
}
