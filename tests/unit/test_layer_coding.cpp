// The per-layer coding record: random projections of the moving-dot response and the paper's closed forms, checked
// against hand computations (a layer that carries exactly the dot's latent, pi^2/12, eq. 3 by hand), and the record
// added to every layer of a small ResNet-VAE.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/capture/layer_analysis.h"
#include "core/capture/layer_coding.h"
#include "core/common/input_error.h"
#include "core/models/resnet_vae.h"
#include "core/results/layer_report.h"
#include "core/results/layer_report_reader.h"
#include <Eigen/SVD>

using namespace codescope;

namespace {

Eigen::MatrixXd framePixels(const data::MovingDotStimulus& dot) {
    return Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
               dot.frames.pixels.data(), dot.frames.count, dot.frames.imageSize())
        .cast<double>();
}

// m units whose activations are a random rotation of the latent (cos t, sin t): every projection carries the
// latent exactly, and the action is that of the circle.
Eigen::MatrixXf latentLayer(const data::MovingDotStimulus& dot, Eigen::Index units) {
    std::mt19937_64 rng(4);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd mix(2, units);
    for (Eigen::Index i = 0; i < mix.size(); ++i)
        mix.data()[i] = normal(rng);
    Eigen::MatrixXd latent(dot.frames.count, 2);
    for (Eigen::Index t = 0; t < latent.rows(); ++t)
        latent.row(t) << dot.cosT[t], dot.sinT[t];
    return (latent * mix).cast<float>();
}

TEST(LayerCoding, ALayerCarryingTheLatentExplainsItFully) {
    const data::MovingDotStimulus dot = capture::movingDotForInput(1, 32, 32, 100);
    const Eigen::MatrixXf layer = latentLayer(dot, 40);
    capture::CodingOptions options;
    options.projections = 200;
    const results::LayerCoding coding = capture::layerCoding(layer, framePixels(dot), dot, -2.0, options);
    EXPECT_NEAR(coding.latentR2Mean, 1.0, 1e-6);
    EXPECT_LT(coding.latentR2Sd, 1e-6);
    EXPECT_GT(coding.stimulusR2Mean, 0.0);
    EXPECT_LT(coding.stimulusR2Mean, 1.0);

    // Expected action over r by hand: (3 / 2m) sum_t ||a_{t+1} - a_t||^2.
    double increments = 0;
    for (Eigen::Index t = 0; t + 1 < layer.rows(); ++t)
        increments += (layer.row(t + 1) - layer.row(t)).cast<double>().squaredNorm();
    const double expected = 3.0 / (2.0 * 40) * increments;
    EXPECT_NEAR(coding.actionExpected, expected, 1e-4 * expected);
    EXPECT_NEAR(coding.actionMean, expected, 4 * coding.actionSd / std::sqrt(200.0));
    EXPECT_NEAR(coding.averageActivation, layer.cast<double>().mean(), 1e-6);
    EXPECT_EQ(coding.units, 40);
    EXPECT_EQ(coding.frames, 100);
    // The kept curves for the 3-D view: 8 projections' z(t), each tracing the latent circle (rank 2 in 3-D).
    ASSERT_EQ(coding.curves.rows(), 100);
    ASSERT_EQ(coding.curves.cols(), 3 * 8);
    for (Eigen::Index k = 0; k < 8; ++k) {
        const Eigen::MatrixXd z = coding.curves.middleCols(3 * k, 3);
        Eigen::JacobiSVD<Eigen::MatrixXd> svd(z.rowwise() - z.colwise().mean());
        EXPECT_LT(svd.singularValues()[2], 1e-4 * svd.singularValues()[0]) << "curve " << k;
    }
}

TEST(LayerCoding, CurvesSurviveTheReport) {
    const data::MovingDotStimulus dot = capture::movingDotForInput(1, 32, 32, 30);
    capture::CodingOptions options;
    options.projections = 12;
    options.keptCurves = 3;
    results::LayerSpectrum entry;
    entry.layer.name = "latent";
    entry.spectrum.eigenvalues = Eigen::VectorXd::Constant(3, 1.0);
    entry.coding = capture::layerCoding(latentLayer(dot, 10), framePixels(dot), dot, -1.5, options);
    const results::LayerReport back =
        results::parseLayerReport(results::layerSpectraJson("m", "d", 30, {entry}), "mem");
    ASSERT_TRUE(back.layers[0].coding.has_value());
    const Eigen::MatrixXd& curves = back.layers[0].coding->curves;
    ASSERT_EQ(curves.rows(), 30);
    ASSERT_EQ(curves.cols(), 9);
    EXPECT_LT((curves - entry.coding->curves).cwiseAbs().maxCoeff(), 1e-6 * entry.coding->curves.cwiseAbs().maxCoeff());
    EXPECT_THROW(results::parseLayerReport(R"({"layers": [{"name": "x", "depth": 0, "eigenvalues": [1], "alpha": -1,
        "coding": {"units": 1, "frames": 2, "projections": 1, "action_mean": 1, "action_sd": 0, "action_expected": 1,
        "average_activation": 0, "explained_variance_stimulus": {"mean": 0, "sd": 0},
        "explained_variance_latent": {"mean": 0, "sd": 0}, "eq4_expected_action": null,
        "eq4_finite_width_action": 1, "capacity_bits": 32, "eq3_capacity_bits": 1,
        "curves": [[[1, 2, 3], [4, 5]]]}}]})",
                                           "bad.json"),
                 results::LayerReportError);
}

TEST(LayerCoding, ClosedFormsFollowTheExponent) {
    const data::MovingDotStimulus dot = capture::movingDotForInput(1, 32, 32, 20);
    const Eigen::MatrixXf layer = latentLayer(dot, 64);
    capture::CodingOptions options;
    options.projections = 10;
    options.bitsPerUnit = 16;
    const results::LayerCoding steep = capture::layerCoding(layer, framePixels(dot), dot, -2.0, options);
    ASSERT_TRUE(steep.eq4ExpectedAction.has_value());
    EXPECT_NEAR(*steep.eq4ExpectedAction, M_PI * M_PI / 12.0, 1e-10); // 1/2 zeta(2)
    double finite = 0;
    for (int i = 1; i <= 64; ++i)
        finite += 0.5 / (i * i);
    EXPECT_NEAR(steep.eq4FiniteWidthAction, finite, 1e-12);
    EXPECT_DOUBLE_EQ(steep.denseCapacityBits, 64 * 16.0);
    EXPECT_NEAR(steep.eq3CapacityBits, std::max(0.0, 64 * 16.0 - 2.0 * 64 * std::log2(64 / M_E)), 1e-9);

    const results::LayerCoding flat = capture::layerCoding(layer, framePixels(dot), dot, -0.5, options);
    EXPECT_FALSE(flat.eq4ExpectedAction.has_value()) << "1/2 zeta(0.5) diverges: alpha >= -1";
    EXPECT_GT(flat.eq3CapacityBits, steep.eq3CapacityBits);
}

TEST(LayerCoding, BadShapesAndOptionsAreInputErrors) {
    const data::MovingDotStimulus dot = capture::movingDotForInput(1, 32, 32, 20);
    const Eigen::MatrixXf layer = latentLayer(dot, 8);
    capture::CodingOptions options;
    EXPECT_THROW(capture::layerCoding(layer.topRows(10), framePixels(dot), dot, -1.5, options), InputError);
    options.projections = 0;
    EXPECT_THROW(capture::layerCoding(layer, framePixels(dot), dot, -1.5, options), InputError);
    Eigen::MatrixXf withNan = layer;
    withNan(3, 2) = std::nanf("");
    options.projections = 5;
    EXPECT_THROW(capture::layerCoding(withNan, framePixels(dot), dot, -1.5, options), InputError);
    EXPECT_THROW(capture::movingDotForInput(1, 32, 28, 20), InputError);
    EXPECT_THROW(capture::movingDotForInput(1, 8, 8, 20), InputError);
}

TEST(LayerCoding, EveryResNetVaeLayerGetsItsRecord) {
    torch::manual_seed(3);
    models::ResNetVae vae(models::resnetVaeSmallConfig());
    auto model = models::makeCapturableResNetVae(vae, "small");
    std::vector<results::LayerSpectrum> layers;
    for (const char* name : {"resnet.2", "relu#4", "convTrans7.2"}) {
        results::LayerSpectrum entry;
        entry.layer.name = name;
        entry.spectrum.alpha = -1.5;
        layers.push_back(entry);
    }
    data::Preprocessing preprocessing;
    preprocessing.channels = 1;
    preprocessing.height = preprocessing.width = 28;
    capture::CodingOptions options;
    options.projections = 50;
    std::vector<double> reported;
    capture::addLayerCoding(*model, preprocessing, layers, options, capture::CaptureOptions().memoryBudgetBytes,
                            [&](double fraction) { reported.push_back(fraction); });
    // The forward passes report too, not only the three layers' projections; the bar only moves forward, to the end.
    EXPECT_GT(reported.size(), 3u);
    EXPECT_TRUE(std::is_sorted(reported.begin(), reported.end()));
    EXPECT_GT(reported.front(), 0.0);
    EXPECT_DOUBLE_EQ(reported.back(), 1.0);
    for (const auto& entry : layers) {
        ASSERT_TRUE(entry.coding.has_value()) << entry.layer.name;
        EXPECT_EQ(entry.coding->frames, 100);
        EXPECT_EQ(entry.coding->projections, 50);
        EXPECT_GT(entry.coding->actionMean, 0.0) << entry.layer.name;
        EXPECT_GE(entry.coding->averageActivation, 0.0) << "ReLU outputs are non-negative";
    }
    EXPECT_EQ(layers[1].coding->units, 1024); // 64 x 4 x 4 after fc5, as PyTorch reports (small_relu_layers.json)
    layers[0].layer.name = "resnet.99";
    EXPECT_THROW(capture::addLayerCoding(*model, preprocessing, layers, options), InputError);
}

// Under a budget too small for the three layers' responses to all 100 frames at once, the layers go in groups with
// their own forward passes of one frame at a time: the records are those of the default budget's one group of
// passes (to float32 convolution at another batch size), and the job can still be cancelled between passes.
TEST(LayerCoding, ASmallMemoryBudgetGivesTheSameRecordsInMorePasses) {
    torch::manual_seed(3);
    models::ResNetVae vae(models::resnetVaeSmallConfig());
    auto model = models::makeCapturableResNetVae(vae, "small");
    std::vector<results::LayerSpectrum> roomy;
    for (const char* name : {"resnet.2", "relu#4", "convTrans7.2"}) {
        results::LayerSpectrum entry;
        entry.layer.name = name;
        entry.spectrum.alpha = -1.5;
        roomy.push_back(entry);
    }
    std::vector<results::LayerSpectrum> tight = roomy;
    data::Preprocessing preprocessing;
    preprocessing.channels = 1;
    preprocessing.height = preprocessing.width = 28;
    capture::CodingOptions options;
    options.projections = 20;
    int roomyReports = 0;
    int tightReports = 0;
    capture::addLayerCoding(*model, preprocessing, roomy, options, capture::CaptureOptions().memoryBudgetBytes,
                            [&](double) { ++roomyReports; });
    capture::addLayerCoding(*model, preprocessing, tight, options, 1 << 20, [&](double) { ++tightReports; });
    // One report per forward pass and per layer: the tight budget's passes of single frames, once per group, show.
    EXPECT_GE(tightReports, 100 + 3);
    EXPECT_LT(roomyReports, 50);
    for (std::size_t i = 0; i < roomy.size(); ++i) {
        ASSERT_TRUE(roomy[i].coding && tight[i].coding) << roomy[i].layer.name;
        const auto& a = *roomy[i].coding;
        const auto& b = *tight[i].coding;
        EXPECT_EQ(a.units, b.units);
        EXPECT_NEAR(a.actionMean, b.actionMean, 1e-4 * std::abs(a.actionMean)) << a.units;
        EXPECT_NEAR(a.averageActivation, b.averageActivation, 1e-4 * std::abs(a.averageActivation) + 1e-12);
        EXPECT_NEAR(a.stimulusR2Mean, b.stimulusR2Mean, 1e-4);
    }

    CancelToken cancel;
    int passes = 0;
    EXPECT_THROW(capture::addLayerCoding(
                     *model, preprocessing, tight, options, 1 << 20,
                     [&](double) {
                         if (++passes == 5) cancel.cancel();
                     },
                     &cancel),
                 Cancelled);
    EXPECT_EQ(passes, 5) << "cancelled at the next forward pass";
}

} // namespace
