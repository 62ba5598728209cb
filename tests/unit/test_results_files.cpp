// The result files around an analysis: the cache key (FNV-1a against its published test vectors, and every setting
// changing it), the sweep folder reader, and the report JSON read back as written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/common/input_error.h"
#include "core/data/synthetic_activations.h"
#include "core/io/matrix_source.h"
#include "core/results/analysis_cache.h"
#include "core/results/layer_report.h"
#include "core/results/layer_report_reader.h"
#include "core/results/layer_table.h"
#include <cmath>
#include <sstream>
#include <nlohmann/json.hpp>
#include "core/results/sweep_folder.h"
#include "core/spectrum/spectrum_analysis.h"

using namespace codescope;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("codescope_results_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

TEST(AnalysisCache, FileDigestIsFnv1a64) {
    const fs::path dir = scratch("digest");
    writeText(dir / "empty", "");
    writeText(dir / "a", "a");
    writeText(dir / "foobar", "foobar");
    // Test vectors of the FNV reference (Fowler, Noll, Vo): FNV-1a 64 of "", "a" and "foobar".
    EXPECT_EQ(results::fileDigest((dir / "empty").string()), "cbf29ce484222325");
    EXPECT_EQ(results::fileDigest((dir / "a").string()), "af63dc4c8601ec8c");
    EXPECT_EQ(results::fileDigest((dir / "foobar").string()), "85944171f73967e8");
    EXPECT_THROW(results::fileDigest((dir / "missing").string()), InputError);
    fs::remove_all(dir);
}

TEST(AnalysisCache, EverySettingAndTheModelChangeTheKey) {
    results::AnalysisSettings base;
    base.dataset = "fashion-mnist";
    base.samples = 1000;
    base.fitLo = 10;
    base.fitHi = 50;
    base.bootstrap = 200;
    base.projections = 1000;
    base.frames = 100;
    base.bitsPerUnit = 32;
    const std::string key = results::analysisCacheKey("0123456789abcdef", base);
    EXPECT_EQ(key.size(), 16u);
    EXPECT_EQ(key, results::analysisCacheKey("0123456789abcdef", base)) << "deterministic";
    EXPECT_NE(key, results::analysisCacheKey("0123456789abcdee", base));
    std::vector<results::AnalysisSettings> changed(12, base);
    changed[0].dataset = "cifar10:x";
    changed[1].layers = "relu";
    changed[2].inputShape = "1,28,28";
    changed[3].normalize = "imagenet";
    changed[4].samples = 999;
    changed[5].fitLo = 5;
    changed[6].fitHi = 40;
    changed[7].bootstrap = 0;
    changed[8].seed = 1;
    changed[9].projections = 10;
    changed[10].bitsPerUnit = 16;
    changed[11].estimator = "mle";
    for (std::size_t i = 0; i < changed.size(); ++i)
        EXPECT_NE(key, results::analysisCacheKey("0123456789abcdef", changed[i])) << "setting " << i;
    EXPECT_EQ(results::analysisCachePath("runs/r", key), "runs/r/analysis-" + key + ".json");
}

TEST(SweepFolder, ReadsTheRunsInDropoutOrderAndNamesBadFiles) {
    const fs::path dir = scratch("sweep");
    EXPECT_FALSE(results::isSweepFolder(dir.string()));
    EXPECT_THROW(results::readSweepFolder(dir.string()), InputError);
    for (const char* run : {"dropout-0.4", "dropout-0"}) {
        fs::create_directories(dir / run);
        writeText(dir / run / "manifest.json", std::string("{\"finished\": ") + (run[8] == '0' && run[9] == 0 ? "true" : "false") + "}");
    }
    writeText(dir / "sweep.json", R"({"runs": [{"dropout": 0.4, "directory": "dropout-0.4"},
                                               {"dropout": 0.0, "directory": "dropout-0"}]})");
    ASSERT_TRUE(results::isSweepFolder(dir.string()));
    const auto runs = results::readSweepFolder(dir.string());
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].dropout, 0.0);
    EXPECT_EQ(runs[0].name, "dropout-0");
    EXPECT_TRUE(runs[0].finished);
    EXPECT_FALSE(runs[1].finished);
    EXPECT_EQ(runs[1].directory, (dir / "dropout-0.4").string());

    writeText(dir / "sweep.json", R"({"runs": [{"dropout": 0.4}]})");
    try {
        results::readSweepFolder(dir.string());
        FAIL() << "a run without a directory must be an error";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("sweep.json"), std::string::npos) << error.what();
    }
    // A run whose folder is gone is reported with its problem, beside the usable ones.
    writeText(dir / "sweep.json", R"({"runs": [{"dropout": 0.4, "directory": "missing"},
                                               {"dropout": 0.0, "directory": "dropout-0"}]})");
    const auto withMissing = results::readSweepFolder(dir.string());
    ASSERT_EQ(withMissing.size(), 2u);
    EXPECT_TRUE(withMissing[0].problem.empty()) << withMissing[0].problem;
    EXPECT_NE(withMissing[1].problem.find("missing/manifest.json"), std::string::npos) << withMissing[1].problem;
    EXPECT_FALSE(withMissing[1].finished);
    writeText(dir / "sweep.json", "{\"runs\": [");
    EXPECT_THROW(results::readSweepFolder(dir.string()), InputError);
    fs::remove_all(dir);
}

TEST(LayerReportReader, ReadsBackWhatTheReportWrites) {
    const Eigen::MatrixXf data = data::powerLawActivations(400, 80, -1.3, 2);
    io::InMemoryMatrixSource<Eigen::MatrixXf> source(data, "generated");
    spectrum::SpectrumOptions options;
    options.bootstrapResamples = 20;
    options.estimator = spectrum::AlphaEstimator::Wls;
    capture::LayerSpectrum entry;
    entry.layer.name = "layer";
    entry.layer.depth = 3;
    entry.layer.shape = {80};
    entry.spectrum = spectrum::analyzeSpectrum(source, options);
    // The engine's alpha is the chosen estimator's on its own eigenvalues.
    EXPECT_DOUBLE_EQ(entry.spectrum.alpha,
                     spectrum::fitAlpha(entry.spectrum.eigenvalues, 10, 50, spectrum::AlphaEstimator::Wls).alpha);

    results::ReportOptions reportOptions;
    reportOptions.robustness = true;
    const std::string json = results::layerSpectraJson("m", "d", 400, {entry}, reportOptions);
    EXPECT_NE(json.find("\"fit_range_table\""), std::string::npos);
    EXPECT_NE(json.find("\"mle\""), std::string::npos);
    const results::LayerReport report = results::parseLayerReport(json, "mem");
    ASSERT_EQ(report.layers.size(), 1u);
    const spectrum::SpectrumResult& r = report.layers[0].spectrum;
    EXPECT_EQ(report.layers[0].layer.name, "layer");
    EXPECT_EQ(report.layers[0].layer.depth, 3);
    EXPECT_EQ(r.estimator, spectrum::AlphaEstimator::Wls);
    EXPECT_DOUBLE_EQ(r.alpha, entry.spectrum.alpha);
    EXPECT_DOUBLE_EQ(r.alphaCiLo, entry.spectrum.alphaCiLo);
    EXPECT_DOUBLE_EQ(r.alphaRSquared, entry.spectrum.alphaRSquared);
    EXPECT_TRUE(r.eigenvalues.isApprox(entry.spectrum.eigenvalues));
    EXPECT_EQ(report.samples, 400);
}

TEST(LayerTable, OneRowPerLayerWithEmptyFieldsForWhatIsMissing) {
    capture::LayerSpectrum plain;
    plain.layer.name = "block,1 \"relu\"";
    plain.layer.depth = 2;
    plain.layer.shape = {8, 14, 14};
    plain.spectrum.features = 1568;
    plain.spectrum.stride = 1;
    plain.spectrum.alpha = -1.25;
    plain.spectrum.alphaCiLo = plain.spectrum.alphaCiHi = std::nan("");
    plain.spectrum.alphaRSquared = 0.5;
    capture::LayerSpectrum coded = plain;
    coded.layer.name = "fc";
    coded.layer.shape = {128};
    coded.spectrum.alphaCiLo = -1.5;
    coded.spectrum.alphaCiHi = -1.0;
    coded.spectrum.estimator = spectrum::AlphaEstimator::Mle;
    capture::LayerCoding coding;
    coding.actionMean = 2.5;
    coding.actionSd = 0.125;
    coding.stimulusR2Mean = 0.25;
    coding.latentR2Mean = 0.75;
    coding.eq3CapacityBits = 100;
    coded.coding = coding; // eq. 4 absent: divergent
    const std::string csv = results::layerTableCsv({plain, coded});
    std::istringstream lines(csv);
    std::string header, first, second, extra;
    std::getline(lines, header);
    std::getline(lines, first);
    std::getline(lines, second);
    EXPECT_FALSE(std::getline(lines, extra));
    EXPECT_EQ(header, "depth,layer,shape,n_features,stride,alpha,alpha_ci_lo,alpha_ci_hi,alpha_r2,estimator,action_mean,"
                      "action_sd,explained_variance_stimulus,explained_variance_latent,eq4_expected_action,"
                      "eq3_capacity_bits,status");
    EXPECT_EQ(first, "2,\"block,1 \"\"relu\"\"\",8x14x14,1568,1,-1.25,,,0.5,huber,,,,,,,ok");
    EXPECT_EQ(second, "2,fc,128,1568,1,-1.25,-1.5,-1,0.5,mle,2.5,0.125,0.25,0.75,,100,ok");

    // A layer without an exponent: empty numbers and its status, quoted where it has commas.
    capture::LayerSpectrum collapsed = plain;
    collapsed.layer.name = "late";
    collapsed.spectrum.alpha = std::nan("");
    collapsed.spectrum.alphaRSquared = std::nan("");
    collapsed.spectrum.status = "collapsed: 4 of 128 components, needs 12";
    const std::string collapsedCsv = results::layerTableCsv({collapsed});
    EXPECT_NE(collapsedCsv.find("\n2,late,8x14x14,1568,1,,,,,huber,,,,,,,\"collapsed: 4 of 128 components, needs 12\"\n"),
              std::string::npos) << collapsedCsv;
}

TEST(LayerReportReader, ALayerWithoutExponentIsNullWithItsStatus) {
    // Four live directions among 60 units: the fit range 10:50 cannot be met, which is a result of the layer.
    const Eigen::MatrixXf live = data::powerLawActivations(300, 4, -1.0, 3);
    Eigen::MatrixXf data = Eigen::MatrixXf::Zero(300, 60);
    data.leftCols(4) = live;
    spectrum::SpectrumOptions options;
    options.bootstrapResamples = 0;
    capture::LayerSpectrum entry;
    entry.layer.name = "late";
    entry.layer.shape = {60};
    spectrum::CovarianceAccumulator accumulator(60);
    accumulator.add(data.cast<double>());
    entry.spectrum = spectrum::spectrumOfCovariance(
        accumulator, spectrum::planSpectrum(300, 60, options, "late"), options, "late").result;
    ASSERT_FALSE(entry.spectrum.fitted());

    const std::string json = results::layerSpectraJson("m", "d", 300, {entry});
    const nlohmann::json parsed = nlohmann::json::parse(json);
    EXPECT_TRUE(parsed["layers"][0]["alpha"].is_null());
    EXPECT_EQ(parsed["layers"][0]["status"].get<std::string>().rfind("collapsed: ", 0), 0u);
    const results::LayerReport report = results::parseLayerReport(json, "mem");
    EXPECT_EQ(report.layers[0].spectrum.status, entry.spectrum.status);
    EXPECT_TRUE(std::isnan(report.layers[0].spectrum.alpha));

    // A file from before statuses: a fitted layer reads as ok, one without alpha says the file holds none.
    const results::LayerReport old = results::parseLayerReport(
        R"({"layers": [{"name": "a", "depth": 0, "alpha": -1.1, "eigenvalues": [1, 0.5]},
                       {"name": "b", "depth": 1, "alpha": null, "eigenvalues": [1, 0.5]}]})", "old.json");
    EXPECT_TRUE(old.layers[0].spectrum.fitted());
    EXPECT_EQ(old.layers[1].spectrum.status.rfind("unfitted: ", 0), 0u) << old.layers[1].spectrum.status;
}

TEST(LayerReportReader, ErrorsNameTheSourceAndTheByte) {
    try {
        results::parseLayerReport("{\"layers\": [1,", "cache.json");
        FAIL();
    } catch (const results::LayerReportError& error) {
        EXPECT_EQ(error.source(), "cache.json");
        EXPECT_GE(error.byteOffset(), 13);
        EXPECT_NE(std::string(error.what()).find("cache.json: byte"), std::string::npos) << error.what();
    }
    try {
        results::parseLayerReport(R"({"layers": [{"name": "x", "depth": 0}]})", "r.json");
        FAIL();
    } catch (const results::LayerReportError& error) {
        EXPECT_EQ(error.byteOffset(), -1);
        EXPECT_NE(error.reason().find("eigenvalues"), std::string::npos) << error.what();
    }
    EXPECT_THROW(results::readLayerReport("/nonexistent/report.json"), InputError);
}

} // namespace
