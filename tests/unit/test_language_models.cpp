// Language models in the model layer: the built-in tiny byte-level LM (models/tiny_lm.h, training/tiny_lm_training.h)
// and TorchScript LMs given token ids, checked against PyTorch forward hooks
// (tests/data/make_torchscript_lm_fixture.py) and against the model's own arithmetic; every token position is one
// sample.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/common/input_error.h"
#include "core/io/npy_reader.h"
#include "core/models/model_loader.h"
#include "core/models/tiny_lm.h"
#include "core/training/tiny_lm_training.h"

namespace {

using codescope::Cancelled;
using codescope::CancelToken;
using codescope::InputError;
using codescope::models::CapturableModel;
using codescope::models::LayerInfo;
namespace models = codescope::models;
namespace training = codescope::training;
namespace fs = std::filesystem;

const std::string kDir = std::string(CODESCOPE_TEST_DATA_DIR) + "/torchscript";

nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << path;
    return nlohmann::json::parse(in);
}

/// Largest |captured - expected| against a 2-D .npy of the same shape.
double maxDifferenceToNpy(const at::Tensor& captured, const std::string& path) {
    codescope::io::NpyMatrixReader reader(path);
    const auto& header = reader.header();
    EXPECT_EQ(captured.size(0), header.rows) << path;
    EXPECT_EQ(captured.size(1), header.cols) << path;
    if (captured.size(0) != header.rows || captured.size(1) != header.cols) return INFINITY;
    std::vector<std::int64_t> columns(static_cast<std::size_t>(header.cols));
    for (std::int64_t c = 0; c < header.cols; ++c)
        columns[static_cast<std::size_t>(c)] = c;
    Eigen::MatrixXd expected(header.rows, header.cols);
    reader.readRows(0, columns, expected);
    const at::Tensor values = captured.to(at::kDouble).contiguous();
    const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> got(
        values.data_ptr<double>(), header.rows, header.cols);
    return (got - expected).cwiseAbs().maxCoeff();
}

at::Tensor fixtureIds(const nlohmann::json& expected) {
    std::vector<std::int64_t> ids;
    for (const auto& row : expected["ids"])
        for (const auto& id : row)
            ids.push_back(id.get<std::int64_t>());
    const auto rows = static_cast<std::int64_t>(expected["ids"].size());
    return at::tensor(ids, at::kLong).reshape({rows, -1});
}

class TempDir {
public:
    TempDir() {
        m_path = fs::temp_directory_path() /
                 ("codescope-lm-" + std::to_string(::getpid()) + "-" + std::to_string(s_counter++));
        fs::create_directories(m_path);
    }
    ~TempDir() { fs::remove_all(m_path); }
    std::string path(const std::string& name) const { return (m_path / name).string(); }
    const fs::path& root() const { return m_path; }

private:
    static inline int s_counter = 0;
    fs::path m_path;
};

// ---------------------------------------------------------------------------------------------- TorchScript LM

TEST(TorchScriptLanguageModel, DiscoversGeluAndBlockLayersPerToken) {
    const nlohmann::json expected = readJson(kDir + "/lm_expected.json");
    models::ModelSpec spec;
    spec.path = kDir + "/lm_traced.pt";
    spec.takesTokens = true;
    spec.contextLength = 8;
    const models::LoadedModel loaded = models::openModel(spec);
    EXPECT_TRUE(loaded.takesTokens);
    const at::Tensor example = models::exampleInput(loaded);
    EXPECT_EQ(example.scalar_type(), at::kLong);
    EXPECT_EQ(example.sizes(), (std::vector<std::int64_t>{2, 8}));

    const std::vector<LayerInfo> layers = loaded.model->discoverLayers(fixtureIds(expected));
    std::map<std::string, LayerInfo> byName;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        EXPECT_EQ(layers[i].depth, static_cast<int>(i));
        byName[layers[i].name] = layers[i];
    }
    int previousDepth = -1;
    for (const auto& layer : expected["layers"]) {
        const std::string name = layer["name"];
        ASSERT_TRUE(byName.count(name)) << name << " not discovered";
        EXPECT_EQ(byName[name].kind, layer["kind"].get<std::string>()) << name;
        EXPECT_EQ(byName[name].shape, layer["shape"].get<std::vector<std::int64_t>>()) << name;
        EXPECT_GT(byName[name].depth, previousDepth) << name << " out of execution order";
        previousDepth = byName[name].depth;
    }
    for (const auto& name : expected["not_layers"])
        EXPECT_FALSE(byName.count(name.get<std::string>())) << name << ": B x H x T x T is not per token";
    EXPECT_EQ(byName["blocks.0.mlp.fc"].shape, (std::vector<std::int64_t>{64}));
    EXPECT_EQ(byName["blocks.0.mlp.fc"].kind, "Linear");
}

TEST(TorchScriptLanguageModel, LibraryActivationModulesAreTheGeluLayerNotTheOpsInside) {
    // Hugging Face's GPT-2 MLP: NewGELUActivation computes 0.5 x (1 + tanh(...)) itself.
    models::ModelSpec spec;
    spec.path = kDir + "/hf_gelu_traced.pt";
    spec.takesTokens = true;
    spec.contextLength = 6;
    const models::LoadedModel loaded = models::openModel(spec);
    const std::vector<LayerInfo> layers = loaded.model->discoverLayers(models::exampleInput(loaded));
    std::vector<std::string> gelus;
    for (const LayerInfo& layer : layers) {
        EXPECT_EQ(layer.name.find("tanh"), std::string::npos) << layer.name;
        if (layer.kind == "gelu") gelus.push_back(layer.name);
    }
    EXPECT_EQ(gelus, (std::vector<std::string>{"mlp.act"}));
    const std::vector<at::Tensor> captured = loaded.model->capture(models::exampleInput(loaded), {"mlp.act"});
    EXPECT_EQ(captured[0].sizes(), (std::vector<std::int64_t>{12, 32}));
}

TEST(TorchScriptLanguageModel, CaptureEqualsForwardHooks) {
    const nlohmann::json expected = readJson(kDir + "/lm_expected.json");
    const auto model = codescope::models::openModel({kDir + "/lm_traced.pt", false, {}, {}, true, 8}).model;
    const at::Tensor ids = fixtureIds(expected);
    std::vector<std::string> names;
    for (const auto& layer : expected["layers"])
        names.push_back(layer["name"]);
    const std::vector<at::Tensor> captured = model->capture(ids, names);
    ASSERT_EQ(captured.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        EXPECT_EQ(captured[i].scalar_type(), at::kFloat);
        EXPECT_EQ(captured[i].size(0), ids.numel()) << names[i] << ": one row per token";
        EXPECT_LT(maxDifferenceToNpy(captured[i], kDir + "/" + expected["layers"][i]["file"].get<std::string>()), 1e-5)
            << names[i];
    }
    EXPECT_THROW(model->capture(ids, {"blocks.0.attn.scores"}), InputError);
}

TEST(TorchScriptLanguageModel, TokenModelNeedsContextLength) {
    models::ModelSpec spec;
    spec.path = kDir + "/lm_traced.pt";
    spec.takesTokens = true;
    EXPECT_THROW(models::openModel(spec), InputError);
}

// ---------------------------------------------------------------------------------------------- the tiny LM

models::TinyLmConfig smallConfig() {
    models::TinyLmConfig config;
    config.contextLength = 16;
    config.dModel = 32;
    config.heads = 4;
    config.blocks = 2;
    return config;
}

TEST(TinyLm, ConfigJsonRoundTripAndValidation) {
    models::TinyLmConfig config = smallConfig();
    config.tiedHead = false;
    const models::TinyLmConfig back = models::tinyLmConfigFromJson(models::configToJson(config), "test");
    EXPECT_EQ(back.contextLength, 16);
    EXPECT_EQ(back.dModel, 32);
    EXPECT_EQ(back.blocks, 2);
    EXPECT_FALSE(back.tiedHead);
    config.heads = 5;
    EXPECT_THROW(models::validateConfig(config), InputError);
    EXPECT_THROW(models::tinyLmConfigFromJson("{\"d_model\": 3}", "test"), InputError);
}

TEST(TinyLm, CapturesEveryTokenAndMatchesTheModelsOwnArithmetic) {
    at::manual_seed(3);
    const models::TinyLmConfig config = smallConfig();
    models::TinyLm lm(config);
    const auto capturable = models::makeCapturableTinyLm(lm, "tiny");
    const at::Tensor ids = at::randint(0, 256, {3, 10}, at::kLong);

    const std::vector<LayerInfo> layers = capturable->discoverLayers(ids);
    const std::vector<std::string> expectedNames = {"blocks.0.mlp.gelu", "blocks.0", "blocks.1.mlp.gelu", "blocks.1"};
    ASSERT_EQ(layers.size(), expectedNames.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        EXPECT_EQ(layers[i].name, expectedNames[i]);
        EXPECT_EQ(layers[i].depth, static_cast<int>(i));
        const bool gelu = i % 2 == 0;
        EXPECT_EQ(layers[i].kind, gelu ? "gelu" : "Block");
        EXPECT_EQ(layers[i].shape, (std::vector<std::int64_t>{gelu ? 4 * config.dModel : config.dModel}));
    }

    const std::vector<at::Tensor> captured = capturable->capture(ids, expectedNames);
    for (std::size_t i = 0; i < captured.size(); ++i) {
        EXPECT_EQ(captured[i].size(0), 30) << expectedNames[i];
        EXPECT_EQ(captured[i].size(1), layers[i].features()) << expectedNames[i];
        EXPECT_TRUE(captured[i].is_contiguous());
    }

    // The last block's output is the residual stream the head reads: ln_f, then the tied head, gives the logits.
    torch::NoGradGuard noGrad;
    auto modules = lm->named_modules();
    const at::Tensor logits = lm->forward(ids).reshape({30, 256});
    const at::Tensor lnF = modules["ln_f"]->as<torch::nn::LayerNormImpl>()->forward(captured[3]);
    const at::Tensor embedding = lm->named_parameters()["tok_emb.weight"];
    EXPECT_LT((at::matmul(lnF, embedding.t()) - logits).abs().max().item<double>(), 1e-4);

    // Block 1's GELU recomputed from block 1's output: out = h + proj(g) and g = gelu(fc(ln2(h))).
    const at::Tensor g = captured[2], out = captured[3];
    auto* proj = modules["blocks.1.mlp.proj"]->as<torch::nn::LinearImpl>();
    auto* fc = modules["blocks.1.mlp.fc"]->as<torch::nn::LinearImpl>();
    auto* ln2 = modules["blocks.1.ln2"]->as<torch::nn::LayerNormImpl>();
    const at::Tensor h = out - proj->forward(g);
    EXPECT_LT((at::gelu(fc->forward(ln2->forward(h))) - g).abs().max().item<double>(), 1e-4);

    // Causal: the first 6 positions do not depend on the tokens after them.
    const at::Tensor prefix = capturable->capture(ids.narrow(1, 0, 6).contiguous(), {"blocks.1"})[0];
    const at::Tensor full = captured[3].reshape({3, 10, -1}).narrow(1, 0, 6).reshape({18, -1});
    EXPECT_LT((prefix - full).abs().max().item<double>(), 1e-5);

    EXPECT_THROW(capturable->capture(ids.to(at::kFloat), {"blocks.0"}), InputError);
    EXPECT_THROW(capturable->capture(at::zeros({1, 17}, at::kLong), {"blocks.0"}), InputError);
    EXPECT_THROW(capturable->capture(ids, {"blocks.9"}), InputError);
}

TEST(TinyLmTraining, DefaultCorpusIsThereOffline) {
    const std::vector<std::string> files = training::defaultCorpusFiles();
    ASSERT_EQ(files.size(), 6u);
    EXPECT_GT(training::readCorpus(files).size(), 100000u);
    EXPECT_THROW(training::readCorpus({"/nonexistent/text.txt"}), InputError);
}

std::string repetitiveText() {
    std::string text;
    while (text.size() < 6000)
        text += "the quick brown fox jumps over the lazy dog. she sells sea shells. ";
    return text;
}

training::TinyLmTrainOptions shortOptions() {
    training::TinyLmTrainOptions options;
    options.contextLength = 32;
    options.dModel = 32;
    options.heads = 4;
    options.blocks = 2;
    options.steps = 150;
    options.batchSize = 16;
    options.evalEvery = 50;
    options.evalBatches = 4;
    options.threads = 2;
    return options;
}

TEST(TinyLmTraining, LossFallsAndTheRunFolderRoundTrips) {
    TempDir dir;
    const std::string out = dir.path("run");
    const std::string text = repetitiveText();
    int reports = 0;
    const training::TinyLmRunSummary run = training::trainTinyLmRun(
        shortOptions(), text, {"repetitive"}, out, [&](const training::TinyLmProgress&) { ++reports; });
    EXPECT_EQ(reports, 150);
    ASSERT_EQ(run.history.size(), 4u); // steps 0, 50, 100, 150
    EXPECT_NEAR(run.history.front().validationLoss, std::log(256.0), 0.3);
    EXPECT_LT(run.history.back().validationLoss, 2.5) << "untrained " << run.history.front().validationLoss;

    const nlohmann::json manifest = readJson(out + "/manifest.json");
    EXPECT_EQ(manifest["model"], "tiny-lm");
    EXPECT_TRUE(manifest["finished"].get<bool>());
    EXPECT_EQ(manifest["validation_loss"].size(), 4u);
    EXPECT_DOUBLE_EQ(manifest["final_validation_loss"].get<double>(), run.history.back().validationLoss);

    const models::LoadedModel loaded = models::openModel({out, true, {}, {}, false, 0});
    EXPECT_TRUE(loaded.takesTokens);
    EXPECT_TRUE(loaded.byteTokens);
    EXPECT_EQ(loaded.contextLength, 32);
    EXPECT_EQ(loaded.vocabularySize, 256);
    EXPECT_THROW(models::inputPreprocessing(loaded), InputError);
    EXPECT_EQ(loaded.model->discoverLayers(models::exampleInput(loaded)).size(), 4u);

    // The trained weights came back: the loaded model predicts the validation text (the last 10%) far better
    // than chance, and the capturable view and the module agree.
    models::TinyLm lm = models::loadTinyLmRun(out);
    std::vector<std::int64_t> bytes;
    for (std::size_t i = text.size() - 33; i < text.size(); ++i)
        bytes.push_back(static_cast<unsigned char>(text[i]));
    const at::Tensor ids = at::tensor(bytes, at::kLong).reshape({1, 33});
    torch::NoGradGuard noGrad;
    EXPECT_LT(lm->nextTokenLoss(ids).item<double>(), 2.5);
    const at::Tensor window = ids.narrow(1, 0, 32).contiguous();
    const at::Tensor a = loaded.model->capture(window, {"blocks.1"})[0];
    const at::Tensor b = models::makeCapturableTinyLm(lm, "again")->capture(window, {"blocks.1"})[0];
    EXPECT_TRUE(at::equal(a, b));

    // A second run into the same (now full) folder is refused before training.
    EXPECT_THROW(training::trainTinyLmRun(shortOptions(), text, {"repetitive"}, out), InputError);
}

TEST(TinyLmTraining, CancelLeavesNoRunFolder) {
    TempDir dir;
    const std::string out = dir.path("run");
    CancelToken cancel;
    const auto stopAtStep20 = [&](const training::TinyLmProgress& p) {
        if (p.step == 20) cancel.cancel();
    };
    EXPECT_THROW(training::trainTinyLmRun(shortOptions(), repetitiveText(), {"repetitive"}, out, stopAtStep20, &cancel),
                 Cancelled);
    EXPECT_FALSE(fs::exists(out));
    EXPECT_TRUE(fs::is_empty(dir.root())) << "no partial folder may stay behind";
}

TEST(TinyLmTraining, RejectsBadOptionsAndShortTexts) {
    training::TinyLmTrainOptions options = shortOptions();
    options.steps = 0;
    EXPECT_THROW(training::validateOptions(options), InputError);
    TempDir dir;
    EXPECT_THROW(training::trainTinyLmRun(shortOptions(), std::string(200, 'a'), {"short"}, dir.path("run")),
                 InputError);
}

} // namespace
