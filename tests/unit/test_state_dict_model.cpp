// A PyTorch state_dict given as --model: the paper's ResNet-VAE recognised from its keys and shapes (full size, as
// the authors' training script saves it, and the small random-weight fixture) and checked against PyTorch's forward
// (tests/data/make_resnet_vae_state_dict_fixtures.py, make_resnet_vae_fixtures.py); other state_dicts refused.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/models/model_loader.h"
#include "core/models/resnet_vae.h"
#include "core/models/resnet_vae_state_dict.h"
#include "core/models/state_dict_io.h"
#include "tests/unit/support/resnet_vae_fixtures.h"
#include "tests/unit/support/test_files.h"

using namespace codescope;
using namespace codescope::models;
using codescope::test::errorOf;

namespace {

const std::string kFixtures = test::kResNetVaeFixtures;
const std::string kExportHint = "torch.jit.trace(model.eval(), example).save(\"model.pt\")";
using test::maxAbsDiff;
using test::readJson;
using test::shapeOf;

at::Tensor rowsOf(const nlohmann::json& rows) {
    std::vector<at::Tensor> out;
    for (const auto& row : rows)
        out.push_back(at::tensor(row.get<std::vector<float>>()));
    return at::stack(out);
}

// The fixture script's input: x[n, c, h, w] = 0.5 + 0.5 sin(0.11 h + 0.07 (c + 1) w + 1.3 n), computed in double.
at::Tensor fixtureInput(const std::vector<std::int64_t>& shape) {
    at::Tensor x = at::empty(shape, at::kFloat);
    auto a = x.accessor<float, 4>();
    for (std::int64_t n = 0; n < shape[0]; ++n)
        for (std::int64_t c = 0; c < shape[1]; ++c)
            for (std::int64_t h = 0; h < shape[2]; ++h)
                for (std::int64_t w = 0; w < shape[3]; ++w)
                    a[n][c][h][w] = static_cast<float>(
                        0.5 + 0.5 * std::sin(0.11 * static_cast<double>(h) +
                                             0.07 * static_cast<double>(c + 1) * static_cast<double>(w) +
                                             1.3 * static_cast<double>(n)));
    return x;
}

// The small random-weight fixture's entries, renamed by `rename` (key -> new key).
template <typename Rename> StateDict renamedSmall(Rename rename) {
    StateDict out;
    for (const auto& [name, tensor] : readStateDict(kFixtures + "small_state_dict.pt"))
        out.emplace_back(rename(name), tensor);
    return out;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

// The full-size model as the authors' training script saves it (ResNet-18 with every ReLU wrapped as
// Sequential(ReLU, Dropout), fc_hidden1 1024, fc_hidden2 768, latent 256): opened once for the suite.
class FullSizeStateDict : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_path = ::testing::TempDir() + "codescope_full_state_dict.pt";
        test::gunzip(kFixtures + "full_state_dict.pt.gz", s_path);
        s_expected = readJson(kFixtures + "full_state_dict_expected.json");
        ModelSpec spec;
        spec.path = s_path;
        s_loaded = std::make_unique<LoadedModel>(openModel(spec));
        s_entries = readStateDict(s_path);
        std::remove(s_path.c_str()); // everything is in memory now
    }
    static void TearDownTestSuite() {
        s_loaded.reset();
        s_entries.clear();
    }
    static inline std::string s_path;
    static inline nlohmann::json s_expected;
    static inline std::unique_ptr<LoadedModel> s_loaded;
    static inline StateDict s_entries;
};

TEST_F(FullSizeStateDict, SizesAreReadFromTheShapes) {
    const ResNetVaeConfig config = resnetVaeConfigOf(s_entries, s_path);
    const nlohmann::json& want = s_expected["config"];
    EXPECT_EQ(config.inputChannels, want["input_channels"].get<std::int64_t>());
    EXPECT_EQ(config.widthDivisor, want["width_divisor"].get<std::int64_t>());
    EXPECT_EQ(config.hidden, 1024);
    EXPECT_EQ(config.hidden2, 768);
    EXPECT_EQ(config.hidden2, want["hidden2"].get<std::int64_t>());
    EXPECT_EQ(config.latent, want["latent"].get<std::int64_t>());
    // Neither an input shape nor data: the paper's 224 x 224, and the model's name says it was assumed.
    EXPECT_EQ(s_loaded->inputShape, (std::vector<std::int64_t>{3, 224, 224}));
    EXPECT_FALSE(s_loaded->takesTokens);
    EXPECT_EQ(s_loaded->model->name(), s_path + " (ResNet-VAE state_dict, input 224x224 assumed: the paper's size)");
}

TEST_F(FullSizeStateDict, LayersAreThoseOfPyTorchHooks) {
    const std::vector<LayerInfo> layers = s_loaded->model->discoverLayers(exampleInput(*s_loaded));
    const nlohmann::json& want = s_expected["layers"];
    ASSERT_EQ(layers.size(), want.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        EXPECT_EQ(layers[i].name, want[i]["name"].get<std::string>());
        EXPECT_EQ(layers[i].features(), want[i]["features"].get<std::int64_t>()) << layers[i].name;
        EXPECT_EQ(layers[i].kind, "relu");
    }
}

TEST_F(FullSizeStateDict, ReluOutputsEqualPyTorch) {
    const at::Tensor input = fixtureInput(s_expected["input_shape"].get<std::vector<std::int64_t>>());
    std::vector<std::string> names;
    for (const auto& layer : s_expected["layers"])
        names.push_back(layer["name"].get<std::string>());
    const std::vector<at::Tensor> captured = s_loaded->model->capture(input, names);
    ASSERT_EQ(captured.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        const nlohmann::json& want = s_expected["layers"][i];
        const at::Tensor& got = captured[i];
        const double rms = want["rms"].get<double>();
        ASSERT_GT(rms, 0.1) << names[i] << ": the fixture's activations are not degenerate";
        EXPECT_NEAR(got.mean().item<double>(), want["mean"].get<double>(), 1e-4 * rms) << names[i];
        EXPECT_NEAR(got.pow(2).mean().sqrt().item<double>(), rms, 1e-4 * rms) << names[i];
        const at::Tensor picks = at::tensor(want["sample_features"].get<std::vector<std::int64_t>>());
        EXPECT_LE(maxAbsDiff(got.index_select(1, picks), rowsOf(want["samples"])), 1e-4 * rms) << names[i];
    }
}

TEST_F(FullSizeStateDict, ForwardEqualsPyTorch) {
    // The same weights through the model itself: mu and logvar (fc_hidden2 = 768 wide inputs) and the reconstruction.
    ResNetVaeConfig config = resnetVaeConfigOf(s_entries, s_path);
    ResNetVae model = resnetVaeFromStateDict(config, s_entries, s_path);
    const at::Tensor input = fixtureInput(s_expected["input_shape"].get<std::vector<std::int64_t>>());
    torch::NoGradGuard noGrad;
    const VaeOutput out = model->forward(input);
    EXPECT_LE(maxAbsDiff(out.mu, rowsOf(s_expected["mu"])), 1e-4);
    EXPECT_LE(maxAbsDiff(out.logvar, rowsOf(s_expected["logvar"])), 1e-4);
    EXPECT_EQ(shapeOf(out.reconstruction), (std::vector<std::int64_t>{2, 3, 224, 224}));
    EXPECT_NEAR(out.reconstruction.mean().item<double>(), s_expected["reconstruction_mean"].get<double>(), 1e-5);
    for (const auto& pixel : s_expected["reconstruction_pixels"]) {
        const auto p = pixel.get<std::vector<double>>();
        const auto index = [&](std::size_t k) { return static_cast<std::int64_t>(p[k]); };
        EXPECT_NEAR(out.reconstruction[index(0)][index(1)][index(2)][index(3)].item<double>(), p[4], 1e-5)
            << pixel.dump();
    }
}

TEST(StateDictModel, SmallRandomWeightsEqualPyTorch) {
    ModelSpec spec;
    spec.path = kFixtures + "small_state_dict.pt";
    spec.inputShape = {1, 28, 28};
    const LoadedModel loaded = openModel(spec);
    EXPECT_EQ(loaded.inputShape, (std::vector<std::int64_t>{1, 28, 28}));
    EXPECT_EQ(loaded.model->name(), spec.path + " (ResNet-VAE state_dict)");

    const nlohmann::json pytorchLayers = readJson(kFixtures + "small_relu_layers.json");
    const auto layers = loaded.model->discoverLayers(exampleInput(loaded));
    ASSERT_EQ(layers.size(), pytorchLayers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        EXPECT_EQ(layers[i].name, pytorchLayers[i][0].get<std::string>());
        EXPECT_EQ(layers[i].features(), pytorchLayers[i][1][0].get<std::int64_t>()) << layers[i].name;
    }
    std::map<std::string, at::Tensor> expected;
    for (const auto& [key, tensor] : readStateDict(kFixtures + "small_forward.pt"))
        expected[key] = tensor;
    std::vector<std::string> names;
    for (const auto& [key, tensor] : expected)
        if (key.rfind("relu:", 0) == 0) names.push_back(key.substr(5));
    ASSERT_EQ(names.size(), 7u);
    const std::vector<at::Tensor> captured = loaded.model->capture(expected.at("input"), names);
    for (std::size_t i = 0; i < names.size(); ++i)
        EXPECT_LE(maxAbsDiff(captured[i], expected.at("relu:" + names[i])), 1e-4) << names[i];
}

TEST(StateDictModel, InputSizeFromTheShapeTheDataOrTheNamedModel) {
    ModelSpec spec;
    spec.path = kFixtures + "small_state_dict.pt";
    // Its architecture is resnet-vae-small's, trained on 28 x 28 images.
    LoadedModel loaded = openModel(spec);
    EXPECT_EQ(loaded.inputShape, (std::vector<std::int64_t>{1, 28, 28}));
    EXPECT_TRUE(contains(loaded.model->name(), "input 28x28 assumed: resnet-vae-small's size")) << loaded.model->name();

    spec.dataShape = {3, 32, 32}; // CIFAR-10: channels are matched to the model's by the preprocessing
    loaded = openModel(spec);
    EXPECT_EQ(loaded.inputShape, (std::vector<std::int64_t>{1, 32, 32}));
    EXPECT_TRUE(contains(loaded.model->name(), "input size from the data")) << loaded.model->name();
    EXPECT_EQ(loaded.model->discoverLayers(exampleInput(loaded)).size(), 23u);

    spec.inputShape = {1, 40, 40}; // given explicitly: before the data's
    EXPECT_EQ(openModel(spec).inputShape, (std::vector<std::int64_t>{1, 40, 40}));

    const std::vector<std::vector<std::int64_t>> badShapes = {{3, 28, 28}, {1, 28, 32}, {1, 4, 4}};
    for (const std::vector<std::int64_t>& bad : badShapes) {
        spec.inputShape = bad;
        const std::string message = errorOf([&] { openModel(spec); });
        EXPECT_EQ(message.rfind(spec.path + ": ", 0), 0u) << message;
        EXPECT_FALSE(contains(message, "\n")) << message;
    }
}

TEST(StateDictModel, ShiftedIndicesAndDataParallelPrefixAreRecognised) {
    // Dropout inserted as a module of its own after the stem's ReLU (resnet.3 becomes Dropout, layer1..4 resnet.5..8)
    // and between convTrans6's ConvTranspose2d and BatchNorm2d; saved from nn.DataParallel ("module.").
    const StateDict shifted = renamedSmall([](const std::string& key) {
        std::string out = key;
        for (int i = 8; i >= 3; --i) {
            const std::string from = "resnet." + std::to_string(i) + ".";
            if (out.rfind(from, 0) == 0) out = "resnet." + std::to_string(i + 1) + "." + out.substr(from.size());
        }
        if (out.rfind("convTrans6.1.", 0) == 0) out = "convTrans6.2." + out.substr(13);
        return "module." + out;
    });
    ASSERT_EQ(shifted[6].first, "module.resnet.5.0.conv1.weight");
    const ResNetVaeConfig config = resnetVaeConfigOf(shifted, "shifted.pth");
    EXPECT_EQ(config.widthDivisor, 8);
    EXPECT_EQ(config.hidden, 128);
    EXPECT_EQ(config.latent, 32);
    ResNetVaeConfig sized = config;
    sized.inputSize = 28;
    ResNetVae model = resnetVaeFromStateDict(sized, shifted, "shifted.pth");
    ResNetVae reference(resnetVaeSmallConfig());
    loadStateDict(*reference, kFixtures + "small_state_dict.pt");
    reference->eval();
    const at::Tensor x = at::rand({2, 1, 28, 28});
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(model->forward(x).reconstruction.equal(reference->forward(x).reconstruction));
}

TEST(StateDictModel, OtherStateDictsAreRefusedWithTheExportHint) {
    // An unrelated CNN saved by Python's torch.save.
    ModelSpec spec;
    spec.path = kFixtures + "unrelated_state_dict.pt";
    std::string message = errorOf([&] { openModel(spec); });
    EXPECT_EQ(message.rfind(spec.path + ": a PyTorch state_dict (weights without code, not a TorchScript archive)", 0),
              0u)
        << message;
    EXPECT_TRUE(contains(message, "not the paper's ResNet-VAE (no key resnet.0.weight; its 9 keys begin with "
                                  "0.weight)"))
        << message;
    EXPECT_TRUE(contains(message, kExportHint)) << message;
    EXPECT_FALSE(contains(message, "\n")) << message;

    // torch.save of a tensor: a torch.save file, but no state_dict.
    spec.path = kFixtures + "not_a_state_dict.pt";
    message = errorOf([&] { openModel(spec); });
    EXPECT_EQ(message.rfind(spec.path + ": expected a state_dict", 0), 0u) << message;
    EXPECT_TRUE(contains(message, "a torch.save file, not a TorchScript archive")) << message;
    EXPECT_TRUE(contains(message, kExportHint)) << message;
    EXPECT_FALSE(contains(message, "\n")) << message;

    // Nearly the ResNet-VAE: one key missing, one renamed. The keys are named; the message stays one line.
    StateDict edited;
    for (auto& [name, tensor] : readStateDict(kFixtures + "small_state_dict.pt"))
        if (name != "fc3_logvar.bias") edited.emplace_back(name == "fc5.weight" ? "fc6.weight" : name, tensor);
    message = errorOf([&] { resnetVaeFromStateDict(resnetVaeConfigOf(edited, "x.pth"), edited, "x.pth"); });
    EXPECT_EQ(message.rfind("x.pth: a PyTorch state_dict", 0), 0u) << message;
    EXPECT_TRUE(contains(message, "missing keys fc3_logvar.bias, fc5.weight; unexpected keys fc6.weight")) << message;
    EXPECT_TRUE(contains(message, kExportHint)) << message;

    // A stem that is not ResNet-18's.
    StateDict narrowStem = edited;
    narrowStem.front().second = at::zeros({48, 1, 7, 7});
    message = errorOf([&] { resnetVaeConfigOf(narrowStem, "y.pth"); });
    EXPECT_TRUE(contains(message, "resnet.0.weight is [48,1,7,7]")) << message;
}

TEST(StateDictModel, TorchSaveArchivesAreToldFromTorchScript) {
    EXPECT_TRUE(isTorchSaveArchive(kFixtures + "small_state_dict.pt"));
    EXPECT_TRUE(isTorchSaveArchive(kFixtures + "unrelated_state_dict.pt"));
    EXPECT_TRUE(isTorchSaveArchive(kFixtures + "not_a_state_dict.pt"));
    const std::string torchscript = std::string(CODESCOPE_TEST_DATA_DIR) + "/torchscript/mlp_traced.pt";
    EXPECT_FALSE(isTorchSaveArchive(torchscript));
    EXPECT_FALSE(isTorchSaveArchive(kFixtures + "small_relu_layers.json"));
    EXPECT_FALSE(isTorchSaveArchive(kFixtures + "missing.pt"));
    // A TorchScript file still opens as TorchScript through the same entry point.
    ModelSpec spec;
    spec.path = torchscript;
    spec.inputShape = {1, 4, 5};
    EXPECT_EQ(openModel(spec).model->name(), torchscript);
}
