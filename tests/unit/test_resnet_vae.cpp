// The C++ ResNet-VAE against the PyTorch module of tests/data/make_resnet_vae_fixtures.py: state_dict names and
// shapes, the eval-mode forward pass, ReLU capture, and state_dict files in both directions.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "core/common/input_error.h"
#include "core/models/resnet_vae.h"
#include "core/models/state_dict_io.h"
#include "tests/unit/support/resnet_vae_fixtures.h"
#include "tests/unit/support/test_files.h"

namespace fs = std::filesystem;
using namespace codescope;
using namespace codescope::models;

namespace {

const std::string kFixtures = test::kResNetVaeFixtures;
using test::maxAbsDiff;
using test::readJson;
using test::shapeOf;

void expectKeysEqual(const StateDict& actual, const std::string& jsonPath) {
    const nlohmann::json expected = readJson(jsonPath);
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
        EXPECT_EQ(actual[i].first, expected[i][0].get<std::string>()) << "entry " << i;
        EXPECT_EQ(shapeOf(actual[i].second), expected[i][1].get<std::vector<std::int64_t>>()) << actual[i].first;
    }
}

std::map<std::string, at::Tensor> asMap(const StateDict& entries) {
    return {entries.begin(), entries.end()};
}

using codescope::test::errorOf;

// A fresh folder under the system temp dir, removed with the fixture.
class TempDir {
public:
    TempDir() {
        m_path = fs::temp_directory_path() /
                 ("codescope-resnet-vae-" + std::to_string(::getpid()) + "-" + std::to_string(s_counter++));
        fs::create_directories(m_path);
    }
    ~TempDir() { fs::remove_all(m_path); }
    std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    static inline int s_counter = 0;
    fs::path m_path;
};

ResNetVae loadedSmallModel() {
    ResNetVae model(resnetVaeSmallConfig());
    loadStateDict(*model, kFixtures + "small_state_dict.pt");
    model->eval();
    return model;
}

} // namespace

TEST(ResNetVae, FullModelStateDictKeysEqualPyTorch) {
    // The paper's model: its ResNet-18 is torchvision's resnet18, so these are torchvision's names. The fixture's fc2
    // is fc1's 1024 wide (the paper's text); the authors' 768 (resnetVaeConfig's) is checked in Hidden2Is... below.
    ResNetVaeConfig config = resnetVaeConfig();
    config.hidden2 = config.hidden;
    ResNetVae model(config);
    expectKeysEqual(stateDict(*model), kFixtures + "full_state_dict_keys.json");
}

TEST(ResNetVae, SmallModelStateDictKeysEqualPyTorch) {
    ResNetVae model(resnetVaeSmallConfig());
    expectKeysEqual(stateDict(*model), kFixtures + "small_state_dict_keys.json");
}

TEST(ResNetVae, ConfigByNameAndValidation) {
    EXPECT_EQ(resnetVaeConfigByName("resnet-vae").inputSize, 224);
    EXPECT_EQ(resnetVaeConfigByName("resnet-vae-small").inputSize, 28);
    EXPECT_NE(errorOf([] { resnetVaeConfigByName("vgg"); }).find("vgg"), std::string::npos);
    ResNetVaeConfig bad = resnetVaeSmallConfig();
    bad.dropout = 1.0;
    EXPECT_NE(errorOf([&] { ResNetVae model(bad); }).find("dropout"), std::string::npos);
    const ResNetVaeConfig small = resnetVaeSmallConfig();
    const ResNetVaeConfig parsed = configFromJson(configToJson(small), "test");
    EXPECT_EQ(parsed.widthDivisor, small.widthDivisor);
    EXPECT_EQ(parsed.latent, small.latent);
    EXPECT_DOUBLE_EQ(parsed.dropout, small.dropout);
}

TEST(ResNetVae, Hidden2IsWrittenWhereItDiffersFromHidden) {
    // Runs written before hidden2 existed have no "hidden2": fc2 and fc4 were hidden wide, and their JSON is unchanged.
    const ResNetVaeConfig small = resnetVaeSmallConfig();
    EXPECT_EQ(configToJson(small).find("hidden2"), std::string::npos);
    EXPECT_EQ(configFromJson(configToJson(small), "old run").hidden2, small.hidden);
    ResNetVaeConfig authors = resnetVaeConfig(); // the public code's fc_hidden1 = 1024, fc_hidden2 = 768
    authors.hidden2 = 768;
    EXPECT_EQ(configFromJson(configToJson(authors), "test").hidden2, 768);
    ResNetVae model(authors);
    std::map<std::string, std::vector<std::int64_t>> shapes;
    for (const auto& [name, tensor] : stateDict(*model))
        shapes[name] = shapeOf(tensor);
    EXPECT_EQ(shapes["fc2.weight"], (std::vector<std::int64_t>{768, 1024}));
    EXPECT_EQ(shapes["fc3_mu.weight"], (std::vector<std::int64_t>{256, 768}));
    EXPECT_EQ(shapes["fc4.weight"], (std::vector<std::int64_t>{768, 256}));
    EXPECT_EQ(shapes["fc5.weight"], (std::vector<std::int64_t>{1024, 768}));
    authors.hidden2 = 0;
    EXPECT_NE(errorOf([&] { validateConfig(authors); }).find("hidden2"), std::string::npos);
}

TEST(ResNetVae, SmallModelForwardEqualsPyTorch) {
    ResNetVae model = loadedSmallModel();
    const auto expected = asMap(readStateDict(kFixtures + "small_forward.pt"));
    torch::NoGradGuard noGrad;
    const VaeOutput out = model->forward(expected.at("input"));
    EXPECT_EQ(shapeOf(out.reconstruction), shapeOf(expected.at("reconstruction")));
    EXPECT_LE(maxAbsDiff(out.mu, expected.at("mu")), 1e-4);
    EXPECT_LE(maxAbsDiff(out.logvar, expected.at("logvar")), 1e-4);
    EXPECT_LE(maxAbsDiff(out.reconstruction, expected.at("reconstruction")), 1e-4);
    EXPECT_TRUE(out.z.equal(out.mu)) << "eval mode uses the mean";
}

TEST(ResNetVae, CapturedReluOutputsEqualPyTorchHooks) {
    auto capturable = makeCapturableResNetVae(loadedSmallModel(), "small fixture");
    const auto expected = asMap(readStateDict(kFixtures + "small_forward.pt"));
    const at::Tensor input = expected.at("input");

    const auto layers = capturable->discoverLayers(input);
    const nlohmann::json pytorchLayers = readJson(kFixtures + "small_relu_layers.json");
    ASSERT_EQ(layers.size(), pytorchLayers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        EXPECT_EQ(layers[i].name, pytorchLayers[i][0].get<std::string>());
        EXPECT_EQ(layers[i].features(), pytorchLayers[i][1][0].get<std::int64_t>()) << layers[i].name;
        EXPECT_EQ(layers[i].depth, static_cast<int>(i));
        EXPECT_EQ(layers[i].kind, "relu");
    }

    std::vector<std::string> names;
    for (const auto& [key, tensor] : expected)
        if (key.rfind("relu:", 0) == 0) names.push_back(key.substr(5));
    ASSERT_EQ(names.size(), 7u);
    const std::vector<at::Tensor> captured = capturable->capture(input, names);
    ASSERT_EQ(captured.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        EXPECT_EQ(captured[i].dim(), 2);
        EXPECT_TRUE(captured[i].is_contiguous());
        EXPECT_LE(maxAbsDiff(captured[i], expected.at("relu:" + names[i])), 1e-4) << names[i];
    }
    EXPECT_NE(errorOf([&] { capturable->capture(input, {"resnet.9"}); }).find("'resnet.9'"), std::string::npos);
    EXPECT_NE(errorOf([&] {
                  capturable->discoverLayers(at::zeros({2, 3, 28, 28}));
              }).find("small fixture"),
              std::string::npos);
}

TEST(StateDictIo, MismatchedKeysAreNamed) {
    ResNetVae model(resnetVaeSmallConfig());
    const at::Tensor before = stateDict(*model).front().second.clone();
    StateDict entries = readStateDict(kFixtures + "small_state_dict.pt");
    StateDict edited;
    for (auto& [name, tensor] : entries) {
        if (name == "fc3_mu.bias") continue;                  // missing
        if (name == "fc4.weight") tensor = at::zeros({3, 3}); // mis-shaped
        edited.emplace_back(name, tensor);
    }
    edited.emplace_back("fc9.weight", at::zeros({2})); // unexpected
    const std::string message = errorOf([&] { loadStateDict(*model, edited, "weights.pt"); });
    EXPECT_EQ(message.rfind("weights.pt: ", 0), 0u) << message;
    EXPECT_NE(message.find("missing keys fc3_mu.bias"), std::string::npos) << message;
    EXPECT_NE(message.find("unexpected keys fc9.weight"), std::string::npos) << message;
    EXPECT_NE(message.find("mis-shaped keys fc4.weight [3,3] (model [128,32])"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_TRUE(stateDict(*model).front().second.equal(before)) << "a failed load leaves the model unchanged";
}

TEST(StateDictIo, LongListsAreCut) {
    // The full model's file for the small model: every key is mis-shaped or missing or unexpected.
    ResNetVae small(resnetVaeSmallConfig());
    StateDict entries;
    for (int i = 0; i < 12; ++i)
        entries.emplace_back("extra" + std::to_string(i), at::zeros({1}));
    const std::string message = errorOf([&] { loadStateDict(*small, entries, "f.pt"); });
    EXPECT_NE(message.find("missing keys resnet.0.weight, resnet.1.weight, resnet.1.bias, resnet.1.running_mean, "
                           "resnet.1.running_var and 168 more"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("unexpected keys extra0, extra1, extra2, extra3, extra4 and 7 more"), std::string::npos)
        << message;
}

TEST(StateDictIo, CorruptAndTruncatedFilesNameThePath) {
    TempDir dir;
    std::ifstream in(kFixtures + "small_state_dict.pt", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string truncated = dir.file("truncated.pt");
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    const std::string garbage = dir.file("garbage.pt");
    std::ofstream(garbage, std::ios::binary) << "this is not a zip file at all";
    ResNetVae model(resnetVaeSmallConfig());
    const std::string notADict = kFixtures + "not_a_state_dict.pt";
    EXPECT_NE(errorOf([&] { loadStateDict(*model, notADict); }).find(notADict + ": expected a state_dict"),
              std::string::npos);
    for (const std::string& path : {truncated, garbage, dir.file("missing.pt")}) {
        const std::string message = errorOf([&] { loadStateDict(*model, path); });
        EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

TEST(StateDictIo, SaveThenLoadGivesIdenticalOutputs) {
    TempDir dir;
    ResNetVae original = loadedSmallModel();
    const std::string path = dir.file("model.pt");
    saveStateDict(*original, path);
    EXPECT_FALSE(fs::exists(path + ".tmp")) << "no temporary left behind";

    ResNetVae copy(resnetVaeSmallConfig());
    loadStateDict(*copy, path);
    copy->eval();
    const auto names = stateDict(*copy);
    expectKeysEqual(names, kFixtures + "small_state_dict_keys.json");
    const at::Tensor x = at::rand({3, 1, 28, 28});
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(original->forward(x).reconstruction.equal(copy->forward(x).reconstruction));
    EXPECT_TRUE(original->forward(x).mu.equal(copy->forward(x).mu));
}

namespace {

// The recorded ReLU outputs of one training-mode forward pass (dropout and sampling on), seeded.
std::map<std::string, at::Tensor> trainingPass(ResNetVae& model, const at::Tensor& x, std::uint64_t seed) {
    model->train();
    at::manual_seed(seed);
    std::map<std::string, at::Tensor> outputs;
    torch::NoGradGuard noGrad;
    model->forwardRecording(x, [&](const std::string& name, const at::Tensor& out) { outputs[name] = out.clone(); });
    return outputs;
}

// fc2's ReLU output from fc1's, without dropout between them: relu(bn2(fc2(h))) with bn2 in training mode (batch
// mean and biased variance, eps 1e-5), from the model's own parameters.
at::Tensor fc2WithoutDropout(ResNetVae& model, const at::Tensor& relu1) {
    std::map<std::string, at::Tensor> p;
    for (const auto& item : model->named_parameters())
        p[item.key()] = item.value();
    const at::Tensor pre = at::linear(relu1, p.at("fc2.weight"), p.at("fc2.bias"));
    const at::Tensor mean = pre.mean(0, true);
    const at::Tensor var = (pre - mean).pow(2).mean(0, true);
    return at::relu((pre - mean) / at::sqrt(var + 1e-5) * p.at("bn2.weight") + p.at("bn2.bias"));
}

} // namespace

// Where dropout acts, by its effect in training mode: an output that follows a dropout varies with the seed, one
// that does not is a deterministic function of the layer before it.
TEST(ResNetVae, DropoutPlacementEncoderOnlyOrEverywhere) {
    at::manual_seed(3);
    const at::Tensor x = at::rand({6, 1, 28, 28});
    for (DropoutPlacement placement : {DropoutPlacement::Encoder, DropoutPlacement::All}) {
        SCOPED_TRACE(dropoutPlacementName(placement));
        ResNetVaeConfig config = resnetVaeSmallConfig();
        config.dropout = 0.5;
        config.dropoutPlacement = placement;
        ResNetVae model(config);
        const auto a = trainingPass(model, x, 1), b = trainingPass(model, x, 2);
        // Inside the ResNet-18 encoder, under both placements: the stem's dropout reaches the first block.
        EXPECT_FALSE(a.at("resnet.4.0.relu").equal(b.at("resnet.4.0.relu")));
        EXPECT_FALSE(a.at("resnet.4.0.relu#2").equal(b.at("resnet.4.0.relu#2")));
        // Between fc1 and fc2: dropout only under All.
        const double fc2Gap = (a.at("relu#2") - fc2WithoutDropout(model, a.at("relu"))).abs().max().item<double>();
        if (placement == DropoutPlacement::Encoder)
            EXPECT_LT(fc2Gap, 1e-4);
        else
            EXPECT_GT(fc2Gap, 1e-2);
        // The decoder from a fixed z: deterministic without decoder dropout, seed-dependent with it.
        model->train();
        torch::NoGradGuard noGrad;
        const at::Tensor z = at::randn({6, config.latent});
        at::manual_seed(1);
        const at::Tensor r1 = model->decode(z);
        at::manual_seed(2);
        const at::Tensor r2 = model->decode(z);
        if (placement == DropoutPlacement::Encoder)
            EXPECT_TRUE(r1.equal(r2));
        else
            EXPECT_FALSE(r1.equal(r2));
        // Evaluation (what capture uses) has no dropout under either placement.
        model->eval();
        at::manual_seed(1);
        const at::Tensor e1 = model->forward(x).reconstruction;
        at::manual_seed(2);
        EXPECT_TRUE(e1.equal(model->forward(x).reconstruction));
    }
}

TEST(ResNetVae, DropoutPlacementIsInTheConfigJson) {
    ResNetVaeConfig config = resnetVaeSmallConfig();
    EXPECT_EQ(config.dropoutPlacement, DropoutPlacement::Encoder) << "the authors' placement is the default";
    EXPECT_NE(configToJson(config).find("\"dropout_placement\":\"encoder\""), std::string::npos);
    EXPECT_EQ(configFromJson(configToJson(config), "test").dropoutPlacement, DropoutPlacement::Encoder);
    config.dropoutPlacement = DropoutPlacement::All;
    EXPECT_EQ(configFromJson(configToJson(config), "test").dropoutPlacement, DropoutPlacement::All);
    EXPECT_NE(errorOf([] {
                  configFromJson(R"({"dropout": 0.2, "dropout_placement": "fc", "input_channels": 1, "input_size": 28,
                                     "width_divisor": 8, "hidden": 128, "latent": 32})",
                                 "m.json");
              }).find("fc"),
              std::string::npos);
    EXPECT_EQ(parseDropoutPlacement("all"), DropoutPlacement::All);
    EXPECT_THROW(parseDropoutPlacement("decoder"), InputError);
}
