// The result files around an analysis: the cache key (FNV-1a against its published test vectors, and every setting
// changing it), the sweep folder reader, and the report JSON read back as written.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "core/common/input_error.h"
#include "core/common/paper_defaults.h"
#include "core/common/program_version.h"
#include "core/data/synthetic_activations.h"
#include "core/io/matrix_source.h"
#include "core/pipeline/analysis_request.h"
#include "core/pipeline/model_analysis.h"
#include "core/results/analysis_cache.h"
#include "core/results/layer_report.h"
#include "core/results/layer_report_reader.h"
#include "core/results/layer_table.h"
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
    const pipeline::AnalysisRequest base;
    const std::string key = results::analysisCacheKey("0123456789abcdef", pipeline::resultDefiningText(base));
    EXPECT_EQ(key.size(), 16u);
    EXPECT_EQ(key, results::analysisCacheKey("0123456789abcdef", pipeline::resultDefiningText(base)))
        << "deterministic";
    EXPECT_NE(key, results::analysisCacheKey("0123456789abcdee", pipeline::resultDefiningText(base)));
    std::vector<pipeline::AnalysisRequest> changed(16, base);
    changed[0].data.images = "cifar10:x";
    changed[1].layers = {"relu"};
    changed[2].model.inputShape = {1, 28, 28};
    changed[3].normalization = pipeline::Normalization::ImageNet;
    changed[4].samples = 999;
    changed[5].spectrum.fitLo = 5;
    changed[6].spectrum.fitHi = 40;
    changed[7].spectrum.bootstrapResamples = 0;
    changed[8].spectrum.seed = 1;
    changed[9].coding.projections = 10;
    changed[10].coding.bitsPerUnit = 16;
    changed[11].spectrum.estimator = spectrum::AlphaEstimator::Mle;
    changed[12].heldOutSpectrum = true;
    changed[13].data = pipeline::dataRequestFromSpec("tokens:ids.npy"); // token data, not images
    changed[14].spectrum.maxFeatures = 4000;
    changed[15].spectrum.singlePrecisionProducts = true;
    for (std::size_t i = 0; i < changed.size(); ++i)
        EXPECT_NE(key, results::analysisCacheKey("0123456789abcdef", pipeline::resultDefiningText(changed[i])))
            << "setting " << i;
    // Where the model lies and how it is batched do not change the result, so a moved sweep keeps its cache.
    pipeline::AnalysisRequest moved = base;
    moved.model.path = "/elsewhere/run";
    moved.batchSize = 7;
    EXPECT_EQ(key, results::analysisCacheKey("0123456789abcdef", pipeline::resultDefiningText(moved)));
    EXPECT_EQ(results::analysisCachePath("runs/r", key), "runs/r/analysis-" + key + ".json");
}

TEST(AnalysisRequest, RoundTripsThroughJsonWithEveryField) {
    pipeline::AnalysisRequest r;
    r.model.path = "runs/dropout-0.2";
    r.model.isRun = true;
    r.model.inputShape = {1, 28, 28};
    r.layers = {"relu", "layer1.0.relu"};
    r.normalization = pipeline::Normalization::ImageNet;
    r.samples = 321;
    r.batchSize = 17;
    r.memoryBudgetBytes = std::int64_t(512) << 20;
    r.spectrum.fitLo = 7;
    r.spectrum.fitHi = 33;
    r.spectrum.maxComponents = 400;
    r.spectrum.maxFeatures = 3000;
    r.spectrum.estimator = spectrum::AlphaEstimator::Wls;
    r.spectrum.bootstrapResamples = 50;
    r.spectrum.seed = 9;
    r.heldOutSpectrum = true;
    r.spectrum.singlePrecisionProducts = true;
    r.coding.projections = 20;
    r.coding.frames = 40;
    r.coding.bitsPerUnit = 8;
    r.coding.seed = 9;
    r.robustness = true;
    const nlohmann::json json = pipeline::requestToJson(r);
    const pipeline::AnalysisRequest back = pipeline::requestFromJson(json, "mem");
    EXPECT_EQ(pipeline::requestToJson(back), json);
    EXPECT_EQ(back.spectrum.fitLo, 7);
    EXPECT_EQ(back.spectrum.fitHi, 33);
    EXPECT_EQ(back.layers, r.layers);
    EXPECT_EQ(json["spectrum"]["fit_range"], nlohmann::json::array({7, 33}));
    EXPECT_EQ(json["memory_budget_mib"], 512);
    EXPECT_EQ(json["spectrum"]["float32_products"], true);
    EXPECT_TRUE(back.spectrum.singlePrecisionProducts);

    pipeline::AnalysisRequest tokens;
    tokens.data = pipeline::dataRequestFromSpec("text:corpus.txt", "tok", 32);
    const pipeline::AnalysisRequest tokensBack = pipeline::requestFromJson(pipeline::requestToJson(tokens), "mem");
    EXPECT_TRUE(pipeline::usesTokenData(tokensBack));
    EXPECT_EQ(tokensBack.data.tokens.textFile, "corpus.txt");
    EXPECT_EQ(tokensBack.data.tokens.tokenizerDir, "tok");
    EXPECT_EQ(tokensBack.data.tokens.contextLength, 32);
    EXPECT_EQ(pipeline::dataSpecText(tokensBack.data), "text:corpus.txt");
}

TEST(AnalysisRequest, AnOlderFileKeepsDefaultsAndAWrongTypeNamesTheField) {
    const pipeline::AnalysisRequest old = pipeline::requestFromJson(nlohmann::json::object(), "old.json");
    EXPECT_EQ(old.samples, paper::kSamples);
    EXPECT_EQ(old.spectrum.fitLo, paper::kFitLo);
    EXPECT_EQ(old.spectrum.bootstrapResamples, paper::kBootstrapResamples);
    EXPECT_FALSE(old.spectrum.singlePrecisionProducts) << "files from before the flag had double products";
    try {
        pipeline::requestFromJson({{"samples", "many"}}, "bad.json");
        FAIL() << "a string for samples was accepted";
    } catch (const InputError& error) {
        EXPECT_EQ(std::string(error.what()), "bad.json: request field 'samples' has the wrong type");
    }
    EXPECT_THROW(pipeline::requestFromJson({{"data", {{"kind", "sounds"}}}}, "bad.json"), InputError);
    EXPECT_THROW(pipeline::requestFromJson({{"spectrum", {{"estimator", "median"}}}}, "bad.json"), InputError);
}

TEST(AnalysisRequest, AMemoryBudgetOutsideTheCliRangeIsRefused) {
    // A result file is untrusted input: -1 MiB would be a left shift of a negative number and 2^44 MiB a shift past
    // int64 (undefined behaviour, which the sanitized build reports), 63 is below what --memory-budget accepts.
    for (const std::int64_t mib : {std::int64_t{-1}, std::int64_t{63}, std::int64_t{1} << 44}) {
        try {
            pipeline::requestFromJson({{"memory_budget_mib", mib}}, "bad.json");
            ADD_FAILURE() << mib << " MiB was accepted";
        } catch (const InputError& error) {
            EXPECT_EQ(std::string(error.what()), "bad.json: request field 'memory_budget_mib' is " +
                                                     std::to_string(mib) + ", outside 64..4194304");
        }
    }
    EXPECT_EQ(pipeline::requestFromJson({{"memory_budget_mib", 64}}, "ok.json").memoryBudgetBytes, 64 * 1048576LL);
    EXPECT_EQ(pipeline::requestFromJson({{"memory_budget_mib", 4194304}}, "ok.json").memoryBudgetBytes,
              4194304 * 1048576LL);
}

TEST(AnalysisRequest, EveryResultFileNamesItsRequestAndTheProgram) {
    results::LayerReport report;
    report.model = "m";
    report.dataset = "d";
    report.samples = 10;
    results::LayerSpectrum layer;
    layer.layer.name = "relu";
    layer.spectrum.status = "dead: every unit is zero";
    report.layers.push_back(layer);
    pipeline::AnalysisRequest request;
    request.spectrum.fitLo = 12;
    const std::string text = pipeline::analysisJson(report, request);
    const results::LayerReport read = results::parseLayerReport(text, "mem");
    EXPECT_EQ(read.programVersion, programVersion());
    const std::optional<pipeline::AnalysisRequest> recorded = pipeline::recordedRequest(read, "mem");
    ASSERT_TRUE(recorded.has_value());
    EXPECT_EQ(recorded->spectrum.fitLo, 12);
    // A file written before results recorded their request says so by having none.
    EXPECT_FALSE(pipeline::recordedRequest(
                     results::parseLayerReport(results::layerSpectraJson("m", "d", 10, report.layers), "old"), "old")
                     .has_value());
}

TEST(SweepFolder, ReadsTheRunsInDropoutOrderAndNamesBadFiles) {
    const fs::path dir = scratch("sweep");
    EXPECT_FALSE(results::isSweepFolder(dir.string()));
    EXPECT_THROW(results::readSweepFolder(dir.string()), InputError);
    for (const char* run : {"dropout-0.4", "dropout-0"}) {
        fs::create_directories(dir / run);
        writeText(dir / run / "manifest.json",
                  std::string("{\"finished\": ") + (run[8] == '0' && run[9] == 0 ? "true" : "false") + "}");
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
    results::LayerSpectrum entry;
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
    results::LayerSpectrum plain;
    plain.layer.name = "block,1 \"relu\"";
    plain.layer.depth = 2;
    plain.layer.shape = {8, 14, 14};
    plain.spectrum.features = 1568;
    plain.spectrum.stride = 1;
    plain.spectrum.alpha = -1.25;
    plain.spectrum.alphaCiLo = plain.spectrum.alphaCiHi = std::nan("");
    plain.spectrum.alphaRSquared = 0.5;
    results::LayerSpectrum coded = plain;
    coded.layer.name = "fc";
    coded.layer.shape = {128};
    coded.spectrum.alphaCiLo = -1.5;
    coded.spectrum.alphaCiHi = -1.0;
    coded.spectrum.estimator = spectrum::AlphaEstimator::Mle;
    results::LayerCoding coding;
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
    EXPECT_EQ(header,
              "depth,layer,shape,n_features,stride,alpha,alpha_ci_lo,alpha_ci_hi,alpha_r2,estimator,action_mean,"
              "action_sd,explained_variance_stimulus,explained_variance_latent,eq4_expected_action,"
              "eq3_capacity_bits,status");
    EXPECT_EQ(first, "2,\"block,1 \"\"relu\"\"\",8x14x14,1568,1,-1.25,,,0.5,huber,,,,,,,ok");
    EXPECT_EQ(second, "2,fc,128,1568,1,-1.25,-1.5,-1,0.5,mle,2.5,0.125,0.25,0.75,,100,ok");

    // A layer without an exponent: empty numbers and its status, quoted where it has commas.
    results::LayerSpectrum collapsed = plain;
    collapsed.layer.name = "late";
    collapsed.spectrum.alpha = std::nan("");
    collapsed.spectrum.alphaRSquared = std::nan("");
    collapsed.spectrum.status = "collapsed: 4 of 128 components, needs 12";
    const std::string collapsedCsv = results::layerTableCsv({collapsed});
    EXPECT_NE(
        collapsedCsv.find("\n2,late,8x14x14,1568,1,,,,,huber,,,,,,,\"collapsed: 4 of 128 components, needs 12\"\n"),
        std::string::npos)
        << collapsedCsv;
}

TEST(LayerReportReader, ALayerWithoutExponentIsNullWithItsStatus) {
    // Four live directions among 60 units: the fit range 10:50 cannot be met, which is a result of the layer.
    const Eigen::MatrixXf live = data::powerLawActivations(300, 4, -1.0, 3);
    Eigen::MatrixXf data = Eigen::MatrixXf::Zero(300, 60);
    data.leftCols(4) = live;
    spectrum::SpectrumOptions options;
    options.bootstrapResamples = 0;
    results::LayerSpectrum entry;
    entry.layer.name = "late";
    entry.layer.shape = {60};
    spectrum::CovarianceAccumulator accumulator(60);
    accumulator.add(data.cast<double>());
    entry.spectrum =
        spectrum::spectrumOfCovariance(accumulator, spectrum::planSpectrum(300, 60, options, "late"), options, "late")
            .result;
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
                       {"name": "b", "depth": 1, "alpha": null, "eigenvalues": [1, 0.5]}]})",
        "old.json");
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
