// loadTorchScriptModel: layer discovery and one-pass capture on traced and scripted models, checked against PyTorch
// forward hooks on the eager models (tests/data/make_torchscript_fixtures.py), plus the InputError cases.
#include <gtest/gtest.h>

#include <ATen/ops/empty.h>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/input_error.h"
#include "core/io/npy_reader.h"
#include "core/models/torchscript_model.h"
#include "tests/unit/support/test_files.h"

namespace {

using codescope::InputError;
using codescope::models::CapturableModel;
using codescope::models::LayerInfo;
using codescope::models::loadTorchScriptModel;
namespace fs = std::filesystem;

const std::string kDir = std::string(CODESCOPE_TEST_DATA_DIR) + "/torchscript";

nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return nlohmann::json::parse(in);
}

/// A (rows, cols) float32 tensor with the contents of a 2-D .npy file.
at::Tensor readMatrix(const std::string& path) {
    codescope::io::NpyMatrixReader reader(path);
    const auto& header = reader.header();
    std::vector<std::int64_t> columns(static_cast<std::size_t>(header.cols));
    for (std::int64_t c = 0; c < header.cols; ++c)
        columns[static_cast<std::size_t>(c)] = c;
    Eigen::MatrixXd values(header.rows, header.cols);
    reader.readRows(0, columns, values);
    at::Tensor tensor = at::empty({header.rows, header.cols}, at::kFloat);
    float* data = tensor.data_ptr<float>();
    for (std::int64_t r = 0; r < header.rows; ++r)
        for (std::int64_t c = 0; c < header.cols; ++c)
            data[r * header.cols + c] = static_cast<float>(values(r, c));
    return tensor;
}

double maxAbsDiff(const at::Tensor& a, const at::Tensor& b) {
    EXPECT_EQ(a.sizes(), b.sizes());
    if (a.sizes() != b.sizes()) return INFINITY;
    const float* x = a.data_ptr<float>();
    const float* y = b.data_ptr<float>();
    double worst = 0.0;
    for (std::int64_t i = 0; i < a.numel(); ++i)
        worst = std::max(worst, static_cast<double>(std::abs(x[i] - y[i])));
    return worst;
}

/// A fresh directory under the system temp dir, removed with everything in it at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "codescope_ts_XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    fs::path m_path;
};

/// The expected layers and the fixed input written by the fixture script for one model ("mlp", "resnet18").
struct Expected {
    nlohmann::json json;
    at::Tensor input;
    std::vector<std::string> capturedNames;
    std::vector<at::Tensor> capturedValues;

    explicit Expected(const std::string& prefix) : json(readJson(kDir + "/" + prefix + "_expected.json")) {
        input = readMatrix(kDir + "/" + prefix + "_input.npy").reshape(json["input_shape"].get<std::vector<int64_t>>());
        for (const auto& layer : json["layers"]) {
            if (layer.contains("file")) {
                capturedNames.push_back(layer["name"]);
                capturedValues.push_back(readMatrix(kDir + "/" + layer["file"].get<std::string>()));
            }
        }
    }
};

void expectLayersMatchHooks(const std::vector<LayerInfo>& layers, const nlohmann::json& expected) {
    ASSERT_EQ(layers.size(), expected.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        SCOPED_TRACE("layer " + std::to_string(i));
        EXPECT_EQ(layers[i].name, expected[i]["name"].get<std::string>());
        EXPECT_EQ(layers[i].kind, expected[i]["kind"].get<std::string>());
        EXPECT_EQ(layers[i].depth, static_cast<int>(i));
        EXPECT_EQ(layers[i].shape, expected[i]["shape"].get<std::vector<std::int64_t>>());
    }
}

void expectCaptureMatchesHooks(CapturableModel& model, const Expected& expected, double tolerance) {
    const std::vector<at::Tensor> captured = model.capture(expected.input, expected.capturedNames);
    ASSERT_EQ(captured.size(), expected.capturedNames.size());
    const std::int64_t batch = expected.input.size(0);
    for (std::size_t i = 0; i < captured.size(); ++i) {
        SCOPED_TRACE(expected.capturedNames[i]);
        EXPECT_EQ(captured[i].scalar_type(), at::kFloat);
        EXPECT_TRUE(captured[i].is_contiguous());
        ASSERT_EQ(captured[i].dim(), 2);
        EXPECT_EQ(captured[i].size(0), batch);
        // Relative to the layer's scale: PyTorch made the fixture on another CPU, whose float kernels round
        // differently in the last bits of large outputs (the logits).
        const double scale = std::max(1.0, expected.capturedValues[i].abs().max().item<double>());
        EXPECT_LE(maxAbsDiff(captured[i], expected.capturedValues[i]), tolerance * scale);
    }
}

class MlpTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MlpTest, DiscoveredLayersFollowHookOrder) {
    const Expected expected("mlp");
    const auto model = loadTorchScriptModel(kDir + "/" + GetParam());
    const std::vector<LayerInfo> layers = model->discoverLayers(expected.input);
    expectLayersMatchHooks(layers, expected.json["layers"]);
    EXPECT_EQ(layers.front().features(), 32);
    EXPECT_EQ(model->name(), kDir + "/" + GetParam());
}

TEST_P(MlpTest, CaptureEqualsHookOutputs) {
    const Expected expected("mlp");
    const auto model = loadTorchScriptModel(kDir + "/" + GetParam());
    // Twice: the first run of a graph executor profiles, later runs use its optimised plan.
    expectCaptureMatchesHooks(*model, expected, 1e-5);
    expectCaptureMatchesHooks(*model, expected, 1e-5);
}

TEST_P(MlpTest, CaptureReturnsLayersInTheOrderAsked) {
    const Expected expected("mlp");
    const auto model = loadTorchScriptModel(kDir + "/" + GetParam());
    // body.1 is an in-place ReLU applied to body.0's output: body.0 must still be the pre-ReLU values.
    const std::vector<std::string> names{"head", "body.0", "block.relu#1", "body.0"};
    const std::vector<at::Tensor> captured = model->capture(expected.input, names);
    ASSERT_EQ(captured.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto found = std::find(expected.capturedNames.begin(), expected.capturedNames.end(), names[i]);
        ASSERT_NE(found, expected.capturedNames.end());
        const auto index = static_cast<std::size_t>(found - expected.capturedNames.begin());
        EXPECT_LE(maxAbsDiff(captured[i], expected.capturedValues[index]), 1e-5) << names[i];
    }
    EXPECT_LT(captured[1].min().item<float>(), 0.0f) << "body.0 was captured after the in-place ReLU";
}

TEST_P(MlpTest, UnknownLayerThrowsInputError) {
    const Expected expected("mlp");
    const auto model = loadTorchScriptModel(kDir + "/" + GetParam());
    try {
        model->capture(expected.input, {"head", "body.7"});
        FAIL() << "no InputError";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("'body.7'"), std::string::npos) << error.what();
    }
}

TEST_P(MlpTest, WrongInputShapeThrowsOneLineInputError) {
    const auto model = loadTorchScriptModel(kDir + "/" + GetParam());
    const at::Tensor wrong = at::empty({3, 7}, at::kFloat).fill_(0.5);
    for (int call = 0; call < 2; ++call) {
        try {
            model->capture(wrong, {"head"});
            FAIL() << "no InputError";
        } catch (const InputError& error) {
            const std::string message = error.what();
            EXPECT_EQ(message.find('\n'), std::string::npos) << message;
            EXPECT_EQ(message.rfind(kDir + "/" + GetParam() + ": ", 0), 0u) << message;
            EXPECT_NE(message.find("[3, 7]"), std::string::npos) << message;
        }
    }
    EXPECT_THROW(model->discoverLayers(wrong), InputError);
}

INSTANTIATE_TEST_SUITE_P(TracedAndScripted, MlpTest, ::testing::Values("mlp_traced.pt", "mlp_scripted.pt"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             return info.param == "mlp_traced.pt" ? std::string("Traced") : std::string("Scripted");
                         });

/// The traced and the scripted ResNet-18 fixture; each is decompressed and loaded once for the whole suite.
class ResNet18Test : public ::testing::TestWithParam<std::string> {
protected:
    static void SetUpTestSuite() {
        s_dir = std::make_unique<TempDir>();
        s_expected = std::make_unique<Expected>("resnet18");
    }
    static void TearDownTestSuite() {
        s_models.clear();
        s_expected.reset();
        s_dir.reset();
    }
    static CapturableModel& model() {
        std::unique_ptr<CapturableModel>& model = s_models[GetParam()];
        if (!model) {
            const std::string path = s_dir->file(GetParam());
            codescope::test::gunzip(kDir + "/" + GetParam() + ".gz", path);
            model = loadTorchScriptModel(path);
        }
        return *model;
    }
    static std::unique_ptr<TempDir> s_dir;
    static std::map<std::string, std::unique_ptr<CapturableModel>> s_models;
    static std::unique_ptr<Expected> s_expected;
};
std::unique_ptr<TempDir> ResNet18Test::s_dir;
std::map<std::string, std::unique_ptr<CapturableModel>> ResNet18Test::s_models;
std::unique_ptr<Expected> ResNet18Test::s_expected;

TEST_P(ResNet18Test, DiscoveredLayersFollowHookOrder) {
    const std::vector<LayerInfo> layers = model().discoverLayers(s_expected->input);
    expectLayersMatchHooks(layers, s_expected->json["layers"]);
}

TEST_P(ResNet18Test, CaptureEqualsHookOutputs) {
    // Every ReLU output (both calls of each BasicBlock's self.relu) and some modules, in one forward pass; bn2 and
    // the downsample output are changed in place by `out += identity` after they return.
    expectCaptureMatchesHooks(model(), *s_expected, 1e-5);
    expectCaptureMatchesHooks(model(), *s_expected, 1e-5);
}

TEST_P(ResNet18Test, WrongInputShapeThrowsInputError) {
    const at::Tensor wrong = at::empty({2, 3072}, at::kFloat).fill_(0.5);
    try {
        model().capture(wrong, {"conv1"});
        FAIL() << "no InputError";
    } catch (const InputError& error) {
        // torch's own reason, without the TorchScript traceback (indented source for scripted models, Python
        // "file(line): function" frames for traced ones).
        const std::string message = error.what();
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        EXPECT_NE(message.find("input of size"), std::string::npos) << message;
        EXPECT_EQ(message.find(".py"), std::string::npos) << message;
    }
}

INSTANTIATE_TEST_SUITE_P(TracedAndScripted, ResNet18Test,
                         ::testing::Values("resnet18_traced.pt", "resnet18_scripted.pt"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             return info.param == "resnet18_traced.pt" ? std::string("Traced")
                                                                       : std::string("Scripted");
                         });

/// Expects loadTorchScriptModel(path) to throw an InputError whose message starts with "<path>: not a TorchScript".
void expectNotAnArchive(const std::string& path) {
    try {
        loadTorchScriptModel(path);
        FAIL() << "no InputError for " << path;
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.rfind(path + ": not a TorchScript archive (", 0), 0u) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

TEST(TorchScriptLoad, MissingFileThrowsInputError) {
    const TempDir dir;
    expectNotAnArchive(dir.file("no_such_model.pt"));
}

TEST(TorchScriptLoad, RandomBytesThrowInputError) {
    const TempDir dir;
    std::mt19937 random(12345);
    std::ofstream out(dir.file("random.pt"), std::ios::binary);
    for (int i = 0; i < 4096; ++i)
        out.put(static_cast<char>(random() & 0xff));
    out.close();
    expectNotAnArchive(dir.file("random.pt"));
}

TEST(TorchScriptLoad, TruncatedArchiveThrowsInputError) {
    const TempDir dir;
    std::ifstream in(kDir + "/mlp_traced.pt", std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(bytes.size(), 1000u);
    std::ofstream out(dir.file("truncated.pt"), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
    out.close();
    expectNotAnArchive(dir.file("truncated.pt"));
}

} // namespace
