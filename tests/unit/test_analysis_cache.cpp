// The analysis cache beside a run, through the one entry point every front end uses (pipeline::analyzeModel): a
// miss computes and writes, a hit reads the same numbers back, another setting misses, a damaged file is named in a
// warning and recomputed, and CacheUse::Off neither reads nor writes. A computed analysis records its timings, and its
// progress covers the coding record.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <unistd.h>

#include "core/pipeline/model_analysis.h"
#include "core/results/layer_report_reader.h"
#include "core/training/vae_training.h"
#include "tests/unit/support/rectangle_images.h"

namespace fs = std::filesystem;
using namespace codescope;

namespace {

const std::string kData = CODESCOPE_TEST_DATA_DIR;

class AnalysisCacheOfARun : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new fs::path(fs::temp_directory_path() / ("codescope-cache-" + std::to_string(::getpid())));
        fs::create_directories(*s_dir);
        training::TrainingData data;
        data.train = test::rectangleImages(32, 3);
        data.test = test::rectangleImages(8, 4);
        data.name = "rectangles";
        training::TrainOptions options;
        options.epochs = 1;
        options.batchSize = 8;
        training::trainVaeRun(options, data, (*s_dir / "run").string());
    }
    static void TearDownTestSuite() {
        fs::remove_all(*s_dir);
        delete s_dir;
    }

    static pipeline::AnalysisRequest request() {
        pipeline::AnalysisRequest r;
        r.model.path = (*s_dir / "run").string();
        r.model.isRun = true;
        r.data.images = "npy:" + kData + "/degenerate/images.npy"; // resized to the run's 1 x 28 x 28
        r.samples = 60;
        r.layers = {"relu"};
        r.spectrum.fitLo = 2;
        r.spectrum.fitHi = 20;
        r.spectrum.bootstrapResamples = 0;
        r.coding.projections = 0;
        return r;
    }

    static int cachedFiles() {
        int count = 0;
        for (const fs::directory_entry& entry : fs::directory_iterator(*s_dir / "run"))
            if (entry.path().filename().string().rfind("analysis-", 0) == 0) ++count;
        return count;
    }

    static fs::path* s_dir;
};
fs::path* AnalysisCacheOfARun::s_dir = nullptr;

TEST_F(AnalysisCacheOfARun, MissHitOtherSettingDamagedAndOff) {
    const pipeline::ModelAnalysis computed = pipeline::analyzeModel(request());
    EXPECT_FALSE(computed.fromCache);
    ASSERT_TRUE(fs::is_regular_file(computed.cachePath));
    EXPECT_EQ(cachedFiles(), 1);
    ASSERT_EQ(computed.report.layers.size(), 1u);

    const pipeline::ModelAnalysis hit = pipeline::analyzeModel(request());
    EXPECT_TRUE(hit.fromCache);
    EXPECT_EQ(hit.cachePath, computed.cachePath);
    EXPECT_EQ(hit.report.layers.front().spectrum.alpha, computed.report.layers.front().spectrum.alpha);
    // The cached file records the request that made it, with the shape the images were fed at.
    const std::optional<pipeline::AnalysisRequest> recorded =
        pipeline::recordedRequest(results::readLayerReport(computed.cachePath), computed.cachePath);
    ASSERT_TRUE(recorded.has_value());
    EXPECT_EQ(recorded->spectrum.fitHi, 20);
    EXPECT_EQ(recorded->model.inputShape, (std::vector<std::int64_t>{1, 28, 28}));

    pipeline::AnalysisRequest other = request();
    other.spectrum.fitHi = 25;
    const pipeline::ModelAnalysis otherSetting = pipeline::analyzeModel(other);
    EXPECT_FALSE(otherSetting.fromCache);
    EXPECT_NE(otherSetting.cachePath, computed.cachePath);
    EXPECT_EQ(cachedFiles(), 2);

    std::ofstream(computed.cachePath, std::ios::trunc) << "{\"layers\": [tr";
    const pipeline::ModelAnalysis recomputed = pipeline::analyzeModel(request());
    EXPECT_FALSE(recomputed.fromCache);
    EXPECT_NE(recomputed.cacheWarning.find("damaged"), std::string::npos) << recomputed.cacheWarning;
    EXPECT_NE(recomputed.cacheWarning.find(computed.cachePath), std::string::npos) << recomputed.cacheWarning;
    EXPECT_DOUBLE_EQ(recomputed.report.layers.front().spectrum.alpha, computed.report.layers.front().spectrum.alpha);
    EXPECT_TRUE(pipeline::analyzeModel(request()).fromCache) << "the recomputed analysis replaced the damaged file";

    fs::remove(computed.cachePath);
    const pipeline::ModelAnalysis off = pipeline::analyzeModel(request(), pipeline::CacheUse::Off);
    EXPECT_FALSE(off.fromCache);
    EXPECT_TRUE(off.cachePath.empty());
    EXPECT_FALSE(fs::exists(computed.cachePath)) << "CacheUse::Off writes nothing";
}

// A computed analysis says where its wall time went, phase by phase, in its JSON; the phases lie within the whole
// and the forward passes within the data passes. A report read back from a file has none: it took no time now.
TEST_F(AnalysisCacheOfARun, AComputedAnalysisSaysWhereItsTimeWent) {
    pipeline::AnalysisRequest withBootstrap = request();
    withBootstrap.spectrum.bootstrapResamples = 20;
    withBootstrap.coding.projections = 50;
    std::vector<double> fractions;
    const pipeline::ModelAnalysis computed = pipeline::analyzeModel(
        withBootstrap, pipeline::CacheUse::Off, [&](double fraction, double) { fractions.push_back(fraction); });
    // The progress bar moves through the coding record as well, instead of resting at 100% while it runs: its 100
    // frames against 60 images take 100/160 of the bar.
    ASSERT_FALSE(fractions.empty());
    EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
    EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
    EXPECT_TRUE(std::any_of(fractions.begin(), fractions.end(), [](double f) { return f > 0.375 + 1e-9 && f < 1.0; }));
    EXPECT_TRUE(std::any_of(fractions.begin(), fractions.end(), [](double f) { return std::abs(f - 0.375) < 1e-9; }))
        << "the data passes end at 60/160 of the bar";
    ASSERT_TRUE(computed.report.timings.has_value());
    const results::AnalysisTimings& t = *computed.report.timings;
    EXPECT_GT(t.modelLoad, 0.0);
    EXPECT_GT(t.forward, 0.0);
    EXPECT_LE(t.forward, t.dataPasses);
    EXPECT_GT(t.spectra, 0.0);
    EXPECT_GT(t.bootstrap, 0.0);
    EXPECT_GT(t.codingRecord, 0.0);
    EXPECT_LE(t.modelLoad + t.dataPasses + t.spectra + t.bootstrap + t.codingRecord, t.total);

    const nlohmann::json json = nlohmann::json::parse(pipeline::analysisJson(computed.report, computed.request));
    ASSERT_TRUE(json.contains("timings"));
    EXPECT_DOUBLE_EQ(json["timings"]["total"].get<double>(), t.total);
    EXPECT_DOUBLE_EQ(json["timings"]["forward"].get<double>(), t.forward);
    EXPECT_DOUBLE_EQ(json["timings"]["coding_record"].get<double>(), t.codingRecord);

    const results::LayerReport readBack = results::parseLayerReport(json.dump(), "mem");
    EXPECT_FALSE(readBack.timings.has_value());
    EXPECT_FALSE(nlohmann::json::parse(pipeline::analysisJson(readBack, computed.request)).contains("timings"));
}

} // namespace
