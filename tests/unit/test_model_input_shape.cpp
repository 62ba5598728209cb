// A model's input shape follows its data: a TorchScript model without an input shape runs at the data set's own
// C x H x W, a run at its own, and any resize or channel change is reported in one line.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/pipeline/model_analysis.h"
#include "core/data/image_dataset.h"
#include "core/data/image_preprocessing.h"
#include "core/models/model_loader.h"
#include "core/models/resnet_vae.h"
#include "core/models/tiny_lm.h"
#include "core/results/analysis_cache.h"
#include "tests/unit/support/test_files.h"

namespace {

using codescope::data::inputChangeNote;
using codescope::data::openDataset;
using codescope::models::imageInputShape;
using codescope::models::ModelSpec;
using Shape = std::vector<std::int64_t>;

const std::string kData = CODESCOPE_TEST_DATA_DIR;
const std::string kImages = kData + "/images";
const std::string kRgb32 = "npy:" + kImages + "/npy/u8_rgb32.npy"; // 16 x 3 x 32 x 32 uint8

TEST(DatasetShape, IsEachKindsOwnImageShape) {
    EXPECT_EQ(openDataset(kRgb32)->shape(), (Shape{3, 32, 32}));
    EXPECT_EQ(openDataset("npy:" + kImages + "/npy/u8_nhw.npy")->shape(), (Shape{1, 3, 4})); // N x H x W: grey
    EXPECT_EQ(openDataset("cifar10:" + kImages + "/cifar_all")->shape(), (Shape{3, 32, 32}));
    EXPECT_EQ(openDataset("fashion-mnist:" + kImages + "/idx_raw")->shape(), (Shape{1, 4, 5}));
    EXPECT_EQ(openDataset("images:" + kImages + "/png_rgb")->shape()[0], 3);
    EXPECT_EQ(openDataset("images:" + kImages + "/png_grey")->shape()[0], 1);
}

TEST(InputChangeNote, SaysHowImagesChangeAndNothingWhenTheyDoNot) {
    EXPECT_EQ(inputChangeNote({3, 32, 32}, {3, 32, 32}), "");
    EXPECT_EQ(inputChangeNote({3, 32, 32}, {3, 224, 224}),
              "images are resized from 3x32x32 to 3x224x224 (the model's input)");
    EXPECT_EQ(inputChangeNote({1, 28, 28}, {3, 224, 224}),
              "images are resized from 1x28x28 to 3x224x224 (the model's input; the grey channel replicated)");
    EXPECT_EQ(inputChangeNote({3, 32, 32}, {1, 32, 32}),
              "images are converted from 3x32x32 to 1x32x32 (the model's input; made grey by luma)");
    EXPECT_THROW(inputChangeNote({3, 32}, {3, 32, 32}), std::invalid_argument);
}

TEST(ImageInputShape, GivenElseTheDataElseImageNetSized) {
    ModelSpec spec;
    spec.path = "model.pt";                                 // not opened: the shape is decided without the model
    EXPECT_EQ(imageInputShape(spec), (Shape{3, 224, 224})); // no data to go by (listing layers)
    spec.dataShape = {1, 28, 28};
    EXPECT_EQ(imageInputShape(spec), (Shape{1, 28, 28}));
    spec.inputShape = {3, 64, 64};
    EXPECT_EQ(imageInputShape(spec), (Shape{3, 64, 64}));
    spec.takesTokens = true;
    EXPECT_EQ(imageInputShape(spec), Shape{});
}

class RunInputShape : public codescope::test::TempFolderTest {
protected:
    std::string run(const std::string& model, const std::string& config) {
        const nlohmann::json manifest = {
            {"model", model}, {"finished", true}, {"model_config", nlohmann::json::parse(config)}};
        file(model + "/" + codescope::models::kRunManifestFile, manifest.dump());
        return m_dir + "/" + model;
    }
};

TEST_F(RunInputShape, IsTheRunsOwnWhateverTheDataOrTheUser) {
    ModelSpec spec;
    spec.isRun = true;
    spec.path = run("resnet-vae-small", codescope::models::configToJson(codescope::models::resnetVaeSmallConfig()));
    spec.dataShape = {3, 32, 32};
    spec.inputShape = {3, 64, 64};
    EXPECT_EQ(imageInputShape(spec), (Shape{1, 28, 28}));
    spec.path = run("tiny-lm", codescope::models::configToJson(codescope::models::TinyLmConfig{}));
    EXPECT_EQ(imageInputShape(spec), Shape{}); // a token model
}

/// ResNet-18 traced at 1 x 3 x 32 x 32, decompressed once for the suite.
class NativeShapeAnalysis : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new std::string(::testing::TempDir() + "codescope_input_shape_XXXXXX");
        ASSERT_NE(::mkdtemp(s_dir->data()), nullptr);
        codescope::test::gunzip(kData + "/torchscript/resnet18_traced.pt.gz", *s_dir + "/resnet18.pt");
    }
    static void TearDownTestSuite() {
        std::filesystem::remove_all(*s_dir);
        delete s_dir;
    }

    static codescope::pipeline::AnalysisRequest request() {
        codescope::pipeline::AnalysisRequest r;
        r.model.path = *s_dir + "/resnet18.pt";
        r.data.images = kRgb32;
        r.samples = 16;
        r.spectrum.fitLo = 1;
        r.spectrum.fitHi = 8;
        r.spectrum.maxFeatures = 64; // the feature counts are the point, not the spectra
        r.spectrum.bootstrapResamples = 0;
        r.coding.projections = 0;
        return r;
    }

    static std::string* s_dir;
};
std::string* NativeShapeAnalysis::s_dir = nullptr;

TEST_F(NativeShapeAnalysis, NpyImagesOfThreeByThirtyTwoRunAtThreeByThirtyTwo) {
    // PyTorch's hooks on the eager model at 3 x 32 x 32 (tests/data/make_torchscript_fixtures.py): every ReLU's
    // per-sample shape. At the old default of 3 x 224 x 224 each would be 49 times larger.
    std::ifstream in(kData + "/torchscript/resnet18_expected.json");
    const nlohmann::json expected = nlohmann::json::parse(in);
    ASSERT_EQ(expected["input_shape"].get<Shape>(), (Shape{2, 3, 32, 32}));
    std::map<std::string, std::int64_t> features;
    for (const nlohmann::json& layer : expected["layers"]) {
        std::int64_t count = 1;
        for (const std::int64_t d : layer["shape"].get<Shape>())
            count *= d;
        if (layer["kind"] == "relu") features[layer["name"].get<std::string>()] = count;
    }

    const codescope::pipeline::ModelAnalysis analysis = codescope::pipeline::analyzeModel(request());
    EXPECT_EQ(analysis.inputNote, "");
    EXPECT_EQ(analysis.request.model.inputShape, (Shape{3, 32, 32})) << "the result records the shape used";
    ASSERT_EQ(analysis.report.layers.size(), features.size());
    for (const auto& entry : analysis.report.layers) {
        ASSERT_TRUE(features.count(entry.layer.name)) << entry.layer.name;
        EXPECT_EQ(entry.spectrum.features, features[entry.layer.name]) << entry.layer.name;
    }
    EXPECT_EQ(features["relu"], 64 * 16 * 16);
    EXPECT_EQ(analysis.report.samples, 16);
}

TEST_F(NativeShapeAnalysis, AGivenShapeResizesWithANote) {
    codescope::pipeline::AnalysisRequest r = request();
    r.model.inputShape = {3, 40, 40};
    r.layers = {"relu", "layer2.0.relu"};
    const codescope::pipeline::ModelAnalysis analysis = codescope::pipeline::analyzeModel(r);
    EXPECT_EQ(analysis.inputNote, "images are resized from 3x32x32 to 3x40x40 (the model's input)");
    ASSERT_EQ(analysis.report.layers.size(), 2u);
    // conv1 (stride 2): 40 -> 20; maxpool: -> 10; layer2 (stride 2): -> 5.
    EXPECT_EQ(analysis.report.layers[0].spectrum.features, 64 * 20 * 20);
    EXPECT_EQ(analysis.report.layers[1].spectrum.features, 128 * 5 * 5);
}

TEST(AnalysisCacheKey, SeesTheShapeUsed) {
    codescope::pipeline::AnalysisRequest small, large;
    small.model.inputShape = {3, 32, 32};
    large.model.inputShape = {3, 224, 224};
    EXPECT_NE(codescope::results::analysisCacheKey("digest", codescope::pipeline::resultDefiningText(small)),
              codescope::results::analysisCacheKey("digest", codescope::pipeline::resultDefiningText(large)));
}

} // namespace
