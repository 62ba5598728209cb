// Activation capture against the spectrum engine run on the same activations held in memory: a stand-in model with
// known layers (a linear map and its ReLU) over a stand-in data set, so only the capture path is under test.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <random>

#include "core/capture/layer_analysis.h"
#include "core/capture/layer_eigenfilters.h"
#include "core/spectrum/cv_pca.h"
#include <Eigen/Eigenvalues>
#include "core/common/input_error.h"
#include "core/io/matrix_source.h"

using namespace codescope;

namespace {

constexpr std::int64_t kSide = 4;
constexpr std::int64_t kPixels = kSide * kSide;
constexpr std::int64_t kHidden = 24;
// The stand-in model multiplies in float32 through LibTorch's sgemm, the reference through Eigen's: they agree to
// float rounding (~1e-7 relative), and which kernels run depends on the CPU. A wrong row, column or batch shows as
// differences of order one.
constexpr double kFloatAgreement = 1e-6;

class RandomImages final : public data::ImageDataset {
public:
    explicit RandomImages(std::int64_t count) : m_pixels(count * kPixels) {
        std::mt19937 rng(5);
        std::uniform_real_distribution<float> uniform(0.f, 1.f);
        for (float& value : m_pixels)
            value = uniform(rng);
    }
    std::int64_t size() const override { return static_cast<std::int64_t>(m_pixels.size()) / kPixels; }
    std::int64_t channels() const override { return 1; }
    std::int64_t height() const override { return kSide; }
    std::int64_t width() const override { return kSide; }
    std::string name() const override { return "random images"; }
    data::ImageBatch read(std::int64_t first, std::int64_t count) const override {
        data::ImageBatch batch = makeBatch(count);
        std::copy(m_pixels.begin() + first * kPixels, m_pixels.begin() + (first + count) * kPixels,
                  batch.pixels.begin());
        return batch;
    }
    const std::vector<float>& pixels() const { return m_pixels; }

private:
    std::vector<float> m_pixels;
};

// Two layers: "linear" = x W (16 -> 24, W with a decaying spectrum), "linear.relu" = relu of it.
class LinearReluModel final : public models::CapturableModel {
public:
    explicit LinearReluModel(std::int64_t hidden = kHidden) : m_hidden(hidden), m_weights(kPixels, hidden) {
        std::mt19937 rng(9);
        std::normal_distribution<float> normal;
        for (Eigen::Index j = 0; j < m_hidden; ++j)
            for (Eigen::Index i = 0; i < kPixels; ++i)
                m_weights(i, j) = normal(rng) / static_cast<float>(1 + i);
    }
    std::vector<models::LayerInfo> discoverLayers(const at::Tensor&) override {
        return {{"linear", "Linear", 0, {m_hidden}}, {"linear.relu", "relu", 1, {m_hidden}}};
    }
    std::vector<at::Tensor> capture(const at::Tensor& input, const std::vector<std::string>& layers) override {
        ++captures;
        const at::Tensor weights = at::from_blob(m_weights.data(), {kPixels, m_hidden}, at::kFloat);
        const at::Tensor linear = at::matmul(input.reshape({input.size(0), kPixels}), weights);
        std::vector<at::Tensor> out;
        for (const std::string& name : layers)
            out.push_back(name == "linear" ? linear.clone() : at::relu(linear));
        return out;
    }
    std::string name() const override { return "linear-relu"; }

    // The same layers computed directly, for the reference.
    Eigen::MatrixXf activations(const std::vector<float>& pixels, bool relu) const {
        const Eigen::Index n = static_cast<Eigen::Index>(pixels.size()) / kPixels;
        Eigen::MatrixXf x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            pixels.data(), n, kPixels);
        Eigen::MatrixXf out = x * m_weights;
        return relu ? Eigen::MatrixXf(out.cwiseMax(0.f)) : out;
    }
    int captures = 0;

private:
    std::int64_t m_hidden;
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m_weights;
};

data::Preprocessing identity() {
    data::Preprocessing p;
    p.channels = 1;
    p.height = kSide;
    p.width = kSide;
    return p;
}

capture::CaptureOptions smallOptions() {
    capture::CaptureOptions options;
    options.batchSize = 37; // ragged last batch
    options.spectrum.fitLo = 2;
    options.spectrum.fitHi = 12;
    options.spectrum.bootstrapResamples = 0;
    return options;
}

void expectSameSpectrum(const spectrum::SpectrumResult& got, const spectrum::SpectrumResult& expected) {
    ASSERT_EQ(got.eigenvalues.size(), expected.eigenvalues.size());
    for (Eigen::Index k = 0; k < got.eigenvalues.size(); ++k)
        EXPECT_NEAR(got.eigenvalues[k], expected.eigenvalues[k], kFloatAgreement * expected.eigenvalues[0]) << k;
    EXPECT_NEAR(got.alpha, expected.alpha, kFloatAgreement);
    EXPECT_EQ(got.stride, expected.stride);
}

TEST(LayerAnalysis, CapturedSpectraEqualTheEngineOnTheSameActivations) {
    RandomImages images(300);
    LinearReluModel model;
    const auto results = capture::analyzeLayers(model, images, identity(), {}, smallOptions());
    // auto = the ReLU layers only.
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].layer.name, "linear.relu");
    const Eigen::MatrixXf relu = model.activations(images.pixels(), true);
    io::InMemoryMatrixSource<Eigen::MatrixXf> source(relu, "reference");
    expectSameSpectrum(results[0].spectrum, spectrum::analyzeSpectrum(source, smallOptions().spectrum));
    EXPECT_EQ(results[0].spectrum.samples, 300);
}

TEST(LayerAnalysis, NamedLayersSamplesAndStrideFollowTheOptions) {
    RandomImages images(300);
    LinearReluModel model;
    capture::CaptureOptions options = smallOptions();
    options.samples = 250;
    options.spectrum.maxFeatures = 10; // 24 features -> stride 3, 8 kept
    options.spectrum.fitHi = 8;
    const auto results = capture::analyzeLayers(model, images, identity(), {"linear.relu", "linear"}, options);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].layer.name, "linear"); // depth order, whatever order they were asked in
    EXPECT_EQ(results[0].spectrum.stride, 3);
    const Eigen::MatrixXf linear = model.activations(images.pixels(), false).topRows(250);
    io::InMemoryMatrixSource<Eigen::MatrixXf> source(linear, "reference");
    expectSameSpectrum(results[0].spectrum, spectrum::analyzeSpectrum(source, options.spectrum));
    EXPECT_THROW(capture::analyzeLayers(model, images, identity(), {"nope"}, options), InputError);
}

TEST(LayerAnalysis, ASmallBudgetSplitsLayersIntoPassesWithoutChangingResults) {
    RandomImages images(200);
    LinearReluModel wide;
    const auto together = capture::analyzeLayers(wide, images, identity(), {"linear", "linear.relu"}, smallOptions());
    LinearReluModel narrow;
    capture::CaptureOptions options = smallOptions();
    // One batch of activations (37 images x (4 bytes x 48 discovered + 8 bytes x 48 chosen features)), then room
    // for one 24 x 24 covariance with the eigensolver's two copies (3 x 4608 bytes), but not for two covariances.
    options.memoryBudgetBytes = 37 * (4 * 48 + 8 * 48) + 16000;
    const auto apart = capture::analyzeLayers(narrow, images, identity(), {"linear", "linear.relu"}, options);
    EXPECT_GT(narrow.captures, wide.captures) << "two groups take two passes over the data";
    for (int i = 0; i < 2; ++i)
        expectSameSpectrum(apart[i].spectrum, together[i].spectrum);
}

TEST(LayerAnalysis, BootstrapProgressAndCancel) {
    RandomImages images(200);
    LinearReluModel model;
    capture::CaptureOptions options = smallOptions();
    options.spectrum.bootstrapResamples = 20;
    std::vector<capture::CaptureProgress> seen;
    const auto results = capture::analyzeLayers(model, images, identity(), {}, options,
                                                [&](const capture::CaptureProgress& p) { seen.push_back(p); });
    EXPECT_LT(results[0].spectrum.alphaCiLo, results[0].spectrum.alpha);
    EXPECT_GT(results[0].spectrum.alphaCiHi, results[0].spectrum.alpha);
    ASSERT_GE(seen.size(), 4u);
    for (std::size_t i = 1; i < seen.size(); ++i)
        EXPECT_GE(seen[i].fraction, seen[i - 1].fraction);
    EXPECT_DOUBLE_EQ(seen.back().fraction, 1.0);
    EXPECT_GT(seen[seen.size() / 2].samplesPerSecond, 0.0);

    CancelToken cancel;
    EXPECT_THROW(capture::analyzeLayers(
                     model, images, identity(), {}, options,
                     [&](const capture::CaptureProgress& p) {
                         if (p.fraction > 0.1) cancel.cancel();
                     },
                     &cancel),
                 Cancelled);
}

TEST(LayerAnalysis, RawActivationsOfASmallInput) {
    RandomImages images(10);
    LinearReluModel model;
    const auto raw = capture::captureActivations(model, images.read(0, 10), {"linear"});
    ASSERT_EQ(raw.size(), 1u);
    const Eigen::MatrixXf expected = model.activations(images.pixels(), false);
    EXPECT_LT((raw[0] - expected).cwiseAbs().maxCoeff(), 1e-5f);
}

TEST(LayerEigenfilters, EqualTheRegressionOfTheImagesOnEachComponentScore) {
    // Reference: the captured layer recomputed directly, its PCA by Eigen's own solver, and the filters by the
    // definition cov(X, s_k) / var(s_k), every pixel regressed on its own.
    const RandomImages images(300);
    LinearReluModel model;
    capture::EigenfilterOptions options;
    options.samples = 250;
    options.components = 4;
    options.batchSize = 37; // ragged last batch
    const capture::LayerEigenfilters got =
        capture::layerEigenfilters(model, images, identity(), "linear.relu", options);
    ASSERT_EQ(got.filters.filters.rows(), 4);
    ASSERT_EQ(got.filters.filters.cols(), kPixels);
    EXPECT_EQ(got.samples, 250);
    EXPECT_EQ(got.features, kHidden);
    EXPECT_EQ(got.stride, 1);

    const std::vector<float> used(images.pixels().begin(), images.pixels().begin() + 250 * kPixels);
    const Eigen::MatrixXd a = model.activations(used, true).cast<double>();
    const Eigen::MatrixXd x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                                  used.data(), 250, kPixels)
                                  .cast<double>();
    const Eigen::MatrixXd ac = a.rowwise() - a.colwise().mean();
    const Eigen::MatrixXd xc = x.rowwise() - x.colwise().mean();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> pca(ac.transpose() * ac / 249.0);
    for (int k = 0; k < 4; ++k) {
        const Eigen::VectorXd v = pca.eigenvectors().col(kHidden - 1 - k);
        EXPECT_NEAR(got.filters.eigenvalues[k], pca.eigenvalues()[kHidden - 1 - k],
                    kFloatAgreement * pca.eigenvalues().maxCoeff());
        const Eigen::VectorXd score = ac * v;
        Eigen::RowVectorXd filter(kPixels);
        for (Eigen::Index p = 0; p < kPixels; ++p)
            filter[p] = xc.col(p).dot(score) / score.squaredNorm();
        const double sign = filter.dot(got.filters.filters.row(k)) < 0 ? -1.0 : 1.0; // eigenvectors' sign is free
        EXPECT_LT((sign * filter - got.filters.filters.row(k)).norm(), 1e-6 * filter.norm()) << "component " << k;
    }
}

TEST(LayerEigenfilters, KeepTheUnitsOfTheSpectrumsStrideRule) {
    // Methods: a layer's units are strided so that fewer than 8000 are kept; eigenfilters by default keep exactly the
    // units the spectrum keeps (the same rule, the same default), so their components are the spectrum's.
    EXPECT_EQ(capture::EigenfilterOptions{}.maxFeatures, 8000);
    EXPECT_EQ(capture::EigenfilterOptions{}.maxFeatures, spectrum::SpectrumOptions{}.maxFeatures);
    const RandomImages images(40);
    for (const std::int64_t hidden : {std::int64_t{7999}, std::int64_t{8000}, std::int64_t{16001}}) {
        LinearReluModel model(hidden);
        capture::EigenfilterOptions options;
        options.components = 2;
        const capture::LayerEigenfilters got = capture::layerEigenfilters(model, images, identity(), "linear", options);
        const spectrum::SpectrumPlan plan = spectrum::planSpectrum(40, hidden, spectrum::SpectrumOptions{}, "linear");
        // 7999 -> stride 1 (7999 kept); 8000 -> 2 (4000); 16001 -> 3 (5334): always fewer than 8000.
        EXPECT_EQ(got.stride, hidden == 7999 ? 1 : hidden == 8000 ? 2 : 3) << hidden;
        EXPECT_EQ(got.stride, plan.stride) << hidden;
        EXPECT_EQ(got.filters.directions.rows(), static_cast<Eigen::Index>(plan.columns.size())) << hidden;
        EXPECT_LT(got.filters.directions.rows(), 8000) << hidden;
    }
    // A smaller limit: 24 units -> stride 3, units 0, 3, ..., 21; the leading eigenvalue is that of those columns.
    LinearReluModel model;
    capture::EigenfilterOptions options;
    options.components = 2;
    options.maxFeatures = 10;
    const capture::LayerEigenfilters got = capture::layerEigenfilters(model, images, identity(), "linear", options);
    EXPECT_EQ(got.stride, 3);
    ASSERT_EQ(got.filters.directions.rows(), 8);
    const Eigen::MatrixXd all = model.activations(images.pixels(), false).cast<double>();
    Eigen::MatrixXd kept(all.rows(), 8);
    for (Eigen::Index j = 0; j < 8; ++j)
        kept.col(j) = all.col(3 * j);
    const Eigen::MatrixXd centred = kept.rowwise() - kept.colwise().mean();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> pca(centred.transpose() * centred / 39.0);
    EXPECT_NEAR(got.filters.eigenvalues[0], pca.eigenvalues()[7], kFloatAgreement * pca.eigenvalues()[7]);
}

TEST(LayerEigenfilters, UnknownLayerAndMemoryBudgetAreInputErrors) {
    const RandomImages images(50);
    LinearReluModel model;
    capture::EigenfilterOptions options;
    options.components = 2;
    EXPECT_THROW(capture::layerEigenfilters(model, images, identity(), "nope", options), InputError);
    options.memoryBudgetBytes = 1000; // 50 x (16 + 24) values at 4 + 8 bytes need 24000 bytes
    try {
        capture::layerEigenfilters(model, images, identity(), "linear", options);
        FAIL() << "expected an InputError";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("samples fit"), std::string::npos) << error.what();
    }
}

TEST(LayerAnalysis, HeldOutSpectrumSplitsTheSamplesIntoHalves) {
    const RandomImages images(300);
    LinearReluModel model;
    capture::CaptureOptions options = smallOptions(); // batches of 37: the halves split inside a batch
    options.samples = 250;
    options.heldOutSpectrum = true;
    options.spectrum.bootstrapResamples = 50; // ignored: the held-out spectrum has no interval
    const auto results = capture::analyzeLayers(model, images, identity(), {"linear.relu"}, options);
    ASSERT_EQ(results.size(), 1u);
    const spectrum::SpectrumResult& r = results[0].spectrum;
    EXPECT_TRUE(r.heldOut);
    EXPECT_TRUE(std::isnan(r.alphaCiLo));
    const std::vector<float> used(images.pixels().begin(), images.pixels().begin() + 250 * kPixels);
    const auto direct =
        spectrum::heldOutPcaSpectrum(model.activations(used, true).cast<double>(), r.eigenvalues.size());
    EXPECT_LT((r.eigenvalues - direct.eigenvalues).cwiseAbs().maxCoeff(),
              kFloatAgreement * direct.eigenvalues.cwiseAbs().maxCoeff());
}

} // namespace

namespace {

// Both sides of the engine (the streamed covariance and the Gram matrix of the kept rows) on the same capture.
void expectSameLayersOnBothSides(const std::vector<capture::LayerSpectrum>& gram,
                                 const std::vector<capture::LayerSpectrum>& covariance) {
    ASSERT_EQ(gram.size(), covariance.size());
    for (std::size_t i = 0; i < gram.size(); ++i) {
        SCOPED_TRACE(gram[i].layer.name);
        const spectrum::SpectrumResult& g = gram[i].spectrum;
        const spectrum::SpectrumResult& c = covariance[i].spectrum;
        EXPECT_TRUE(g.gramSide);
        EXPECT_FALSE(c.gramSide);
        EXPECT_EQ(g.status, c.status);
        ASSERT_EQ(g.eigenvalues.size(), c.eigenvalues.size());
        // 1e-9 relative on the eigenvalues that are not rounding noise of a rank-deficient layer.
        for (Eigen::Index k = 0; k < c.eigenvalues.size(); ++k) {
            if (c.eigenvalues[k] > 1e-8 * c.eigenvalues[0]) {
                EXPECT_NEAR(g.eigenvalues[k], c.eigenvalues[k], 1e-9 * c.eigenvalues[k]) << k;
            }
        }
        if (!c.fitted()) continue;
        EXPECT_NEAR(g.alpha, c.alpha, 1e-8);
        if (std::isnan(c.alphaCiLo)) continue;
        EXPECT_NEAR(g.alphaCiLo, c.alphaCiLo, 1e-5);
        EXPECT_NEAR(g.alphaCiHi, c.alphaCiHi, 1e-5);
    }
}

TEST(LayerAnalysis, FewerSamplesThanFeaturesTakeTheGramSideWithTheSameResults) {
    const RandomImages images(60);
    LinearReluModel model;
    capture::CaptureOptions options = smallOptions();
    options.samples = 20; // fewer than the 24 features: Automatic takes the Gram side
    options.batchSize = 7;
    options.spectrum.fitHi = 8;
    options.spectrum.bootstrapResamples = 30;
    options.spectrum.eigenMethod = spectrum::EigenMethod::Dense;
    const auto gram = capture::analyzeLayers(model, images, identity(), {"linear", "linear.relu"}, options);
    options.spectrum.side = spectrum::SpectrumSide::Covariance;
    const auto covariance = capture::analyzeLayers(model, images, identity(), {"linear", "linear.relu"}, options);
    expectSameLayersOnBothSides(gram, covariance);
    EXPECT_TRUE(covariance[1].spectrum.fitted());
}

TEST(LayerAnalysis, HeldOutSpectrumIsTheSameOnBothSides) {
    const RandomImages images(60);
    LinearReluModel model;
    capture::CaptureOptions options = smallOptions();
    options.samples = 45; // halves of 22 and 23 rows, split inside a batch of 7
    options.batchSize = 7;
    options.heldOutSpectrum = true;
    options.spectrum.fitHi = 8;
    options.spectrum.eigenMethod = spectrum::EigenMethod::Dense;
    options.spectrum.side = spectrum::SpectrumSide::Gram;
    const auto gram = capture::analyzeLayers(model, images, identity(), {"linear.relu"}, options);
    options.spectrum.side = spectrum::SpectrumSide::Covariance;
    const auto covariance = capture::analyzeLayers(model, images, identity(), {"linear.relu"}, options);
    expectSameLayersOnBothSides(gram, covariance);
    EXPECT_TRUE(gram[0].spectrum.heldOut);
}

} // namespace
