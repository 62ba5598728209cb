// Hostile input (issue 16): pipes, devices, lying headers, deep JSON and damaged model archives are refused in one
// line that names the file, before anything large is allocated. The mutants are tests/data/fuzz and
// tests/data/hostile (made by tests/data/make_fuzz_seeds.py); pipes and devices are made here.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <Eigen/Core>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <sys/stat.h>

#include "core/common/input_error.h"
#include "core/data/idx_dataset.h"
#include "core/data/image_folder_dataset.h"
#include "core/data/image_preprocessing.h"
#include "core/io/atomic_file.h"
#include "core/io/input_file.h"
#include "core/io/json_input.h"
#include "core/io/npy_reader.h"
#include "core/models/model_loader.h"
#include "core/models/state_dict_io.h"
#include "core/models/torch_archive_check.h"
#include "core/models/torch_errors.h"
#include "core/results/layer_report_reader.h"
#include "core/text/bpe_tokenizer.h"

namespace fs = std::filesystem;
using namespace codescope;

namespace {

const std::string kData = CODESCOPE_TEST_DATA_DIR;
const std::string kFuzz = kData + "/fuzz/";

// The InputError's message, or "" if `action` did not throw one (any other exception fails the test).
std::string inputError(const std::function<void()>& action) {
    try {
        action();
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

::testing::AssertionResult refusedNaming(const std::string& message, const std::string& name,
                                         const std::string& problem) {
    if (message.empty()) return ::testing::AssertionFailure() << "not refused";
    if (message.find('\n') != std::string::npos) return ::testing::AssertionFailure() << "two lines: " << message;
    if (message.find(name) == std::string::npos)
        return ::testing::AssertionFailure() << "no '" << name << "': " << message;
    if (message.find(problem) == std::string::npos)
        return ::testing::AssertionFailure() << "no '" << problem << "': " << message;
    return ::testing::AssertionSuccess();
}

class HostileInput : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() / ("codescope-hostile-" + std::to_string(::getpid()));
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }
    std::string path(const std::string& name) const { return (m_dir / name).string(); }
    std::string write(const std::string& name, const std::string& bytes) const {
        std::ofstream(path(name), std::ios::binary) << bytes;
        return path(name);
    }
    fs::path m_dir;
};

TEST_F(HostileInput, PipesDevicesAndFoldersAreRefusedAtOnce) {
    const std::string pipe = path("pipe");
    ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
    // Each would block in open() or read without end; InputFile refuses them before reading a byte.
    EXPECT_TRUE(refusedNaming(inputError([&] { io::InputFile file(pipe); }), pipe, "not a regular file"));
    EXPECT_TRUE(
        refusedNaming(inputError([&] { io::readInputFile("/dev/zero", 100, "a test"); }), "/dev/zero", "device"));
    EXPECT_TRUE(refusedNaming(inputError([&] { io::checkInputFile(m_dir.string()); }), m_dir.string(), "directory"));
    EXPECT_TRUE(refusedNaming(inputError([&] { io::NpyMatrixReader reader(pipe); }), pipe, "not a regular file"));
    EXPECT_TRUE(refusedNaming(inputError([&] { models::checkTorchArchive(pipe); }), pipe, "not a regular file"));
    EXPECT_FALSE(models::isTorchSaveArchive(pipe));
}

TEST_F(HostileInput, WholeFileReadsAreCapped) {
    const std::string file = write("big.txt", std::string(2000, 'x'));
    EXPECT_TRUE(refusedNaming(inputError([&] { io::readInputFile(file, 1000, "a merges.txt"); }), file,
                              "too large for a merges.txt"));
    EXPECT_EQ(io::readInputFile(file, 2000, "a merges.txt").size(), 2000u);
}

TEST(HostileMessages, ControlCharactersAreEscapedToKeepOneLine) {
    EXPECT_EQ(io::oneLine("bad\nname\t.npy\x01"), "bad\\nname\\t.npy\\x01");
    EXPECT_EQ(io::oneLine("abcdef", 3), "abc...");
    EXPECT_EQ(io::byteSizeText(880), "880 bytes");
    EXPECT_EQ(io::byteSizeText(std::int64_t{3} << 30), "3.0 GiB");
}

TEST(HostileJson, DeepNestingLongStringsAndHugeNumbersAreNamed) {
    const std::string deep = std::string(200000, '[') + std::string(200000, ']');
    EXPECT_TRUE(refusedNaming(inputError([&] { io::parseJsonText(deep, "deep.json"); }), "deep.json",
                              "nested deeper than 64 levels"));
    const std::string longString = "{\"name\": \"" + std::string(100000, 'x') + "\"}";
    EXPECT_TRUE(refusedNaming(inputError([&] { io::parseJsonText(longString, "long.json"); }), "long.json",
                              "a string of 100000 bytes"));
    EXPECT_TRUE(
        refusedNaming(inputError([&] { io::parseJsonText("{\"a\": 4e99999}", "n.json"); }), "n.json", "4e99999"));
    // The analysis reader reports it as a LayerReportError too, so a damaged cache is ignored, not fatal.
    EXPECT_THROW(results::parseLayerReport("{\"layers\": [{\"alpha\": 4e99999}]}", "cache.json"),
                 results::LayerReportError);
    EXPECT_THROW(results::readLayerReport(kFuzz + "json/hostile-long-layer-name.json"), results::LayerReportError);
}

TEST(HostileJson, TypedFieldsSayWhatTheyWanted) {
    const nlohmann::json json = nlohmann::json::parse(R"({"hidden": 1099511627776, "finished": "yes", "d": "x"})");
    EXPECT_EQ(inputError([&] { io::jsonInteger(json, "hidden", "m.json", 1, 16384); }),
              "m.json: 'hidden' must be an integer in [1, 16384], found 1099511627776");
    EXPECT_EQ(inputError([&] { io::jsonBool(json, "finished", "m.json"); }),
              "m.json: 'finished' must be true or false, found \"yes\"");
    EXPECT_TRUE(refusedNaming(inputError([&] { io::jsonNumber(json, "d", "m.json", 0, 1); }), "m.json", "a number"));
    EXPECT_TRUE(refusedNaming(inputError([&] { io::jsonInteger(json, "missing", "m.json", 0, 1); }), "m.json",
                              "'missing' is missing"));
    const std::int64_t fallback = 7;
    EXPECT_EQ(io::jsonInteger(json, "missing", "m.json", 0, 10, &fallback), 7);
}

TEST(HostileModels, EveryMutantArchiveIsRefusedAndEveryFixturePasses) {
    int mutants = 0;
    for (const auto& entry : fs::directory_iterator(kFuzz + "state_dict")) {
        const std::string file = entry.path().string();
        const std::string name = entry.path().filename().string();
        if (name.rfind("hostile-", 0) == 0) {
            ++mutants;
            EXPECT_TRUE(refusedNaming(inputError([&] { models::checkTorchArchive(file); }), name, "damaged"));
        } else {
            EXPECT_EQ(inputError([&] { models::checkTorchArchive(file); }), "") << name;
        }
    }
    EXPECT_EQ(mutants, 12); // make_fuzz_seeds.py writes 12
    for (const char* fixture :
         {"/torchscript/hf_gelu_traced.pt", "/torchscript/lm_traced.pt", "/torchscript/mlp_scripted.pt",
          "/resnet_vae/small_state_dict.pt", "/resnet_vae/small_forward.pt", "/resnet_vae/not_a_state_dict.pt"}) {
        EXPECT_EQ(inputError([&] { models::checkTorchArchive(kData + fixture); }), "") << fixture;
    }
}

TEST(HostileModels, TensorViewsMustStayInsideTheirStorage) {
    const auto record = [](const std::string&) -> std::optional<std::int64_t> { return 16; }; // 4 floats
    // ('storage', torch.FloatStorage, '0', 'cpu', 4) rebuilt at `offset` with sizes (`size`,) strides (1,).
    const auto program = [](int offset, int size) {
        using namespace std::string_literals;
        std::string p = "\x80\x02"
                        "ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage"s +
                        "ctorch\nFloatStorage\nX\x01\x00\x00\x00"s + "0X\x03\x00\x00\x00"s + "cpuK\x04tQ"s;
        p += "K"s + std::string(1, static_cast<char>(offset)) + "(K"s + std::string(1, static_cast<char>(size)) +
             "t(K\x01t\x89tR."s;
        return p;
    };
    EXPECT_EQ(inputError([&] { models::checkTorchPickle(program(0, 4), "p", record); }), "");
    EXPECT_EQ(inputError([&] { models::checkTorchPickle(program(1, 3), "p", record); }), "");
    EXPECT_TRUE(refusedNaming(inputError([&] { models::checkTorchPickle(program(1, 4), "p", record); }), "p",
                              "reaches past its 4 elements"));
    EXPECT_TRUE(refusedNaming(inputError([&] { models::checkTorchPickle(program(5, 0), "p", record); }), "p",
                              "outside its 4 elements"));
    const auto half = [](const std::string&) -> std::optional<std::int64_t> { return 8; };
    EXPECT_TRUE(refusedNaming(inputError([&] { models::checkTorchPickle(program(0, 4), "p", half); }), "p",
                              "claims 4 elements of 4 bytes but its record holds 8 bytes"));
}

TEST_F(HostileInput, ConfigSizesAreCheckedAgainstLimitsAndTheWeightsFile) {
    const std::string small = write("model.pt", std::string(1000, '\0'));
    EXPECT_TRUE(refusedNaming(inputError([&] { models::checkWeightsFileHolds(small, 1000000, "manifest.json"); }),
                              "model.pt", "cannot hold the 1000000 weights"));
    EXPECT_EQ(inputError([&] { models::checkWeightsFileHolds(small, 500, "manifest.json"); }), "");
    fs::create_directories(path("run"));
    write("run/manifest.json", "{\"finished\": true, \"model\": \"resnet-vae-small\", \"model_config\": "
                               "{\"dropout\": 0.2, \"input_channels\": 1099511627776, \"input_size\": 28, "
                               "\"width_divisor\": 8, \"hidden\": 128, \"latent\": 32}}");
    models::ModelSpec spec;
    spec.path = path("run");
    spec.isRun = true;
    EXPECT_TRUE(refusedNaming(inputError([&] { models::openModel(spec); }), "manifest.json",
                              "'input_channels' must be an integer in [1, 64]"));
    write("run/manifest.json", "{\"finished\": \"yes\"}");
    EXPECT_TRUE(refusedNaming(inputError([&] { models::openModel(spec); }), "manifest.json",
                              "'finished' must be true or false"));
}

TEST(HostileModels, NaNWeightsAreNamed) {
    models::StateDict weights = {{"fc.weight", at::ones({2, 3})}, {"fc.bias", at::zeros({3})}};
    EXPECT_EQ(inputError([&] { models::checkFiniteWeights(weights, "model.pt"); }), "");
    weights[1].second[2] = std::nan("");
    EXPECT_TRUE(refusedNaming(inputError([&] { models::checkFiniteWeights(weights, "model.pt"); }), "model.pt",
                              "weight 'fc.bias' holds NaN at element 2"));
}

TEST(HostileModels, LibTorchInternalsAreTranslated) {
    EXPECT_EQ(models::translateTorchText("INTERNAL ASSERT FAILED at ../c10/x.cpp:12, please report a bug to PyTorch.\n"
                                         "Exception raised from ...")
                  .find("PyTorch"),
              std::string::npos);
    EXPECT_NE(models::translateTorchText("The tensor has a non-zero number of elements, but its data is not "
                                         "allocated yet. Caffe2 uses a lazy allocation")
                  .find("no data"),
              std::string::npos);
    EXPECT_EQ(models::translateTorchText("mat1 and mat2 shapes cannot be multiplied\nline two"),
              "mat1 and mat2 shapes cannot be multiplied");
}

TEST_F(HostileInput, ImageHeadersThatClaimTooMuchAreRefusedBeforeDecoding) {
    for (const char* name : {"hostile-png-30000x30000.png", "hostile-png-width-10813468.png",
                             "hostile-jpeg-16384x16384.jpg", "hostile-jpeg-65535x65535.jpg"}) {
        const fs::path folder = m_dir / name;
        fs::create_directories(folder);
        fs::copy_file(kFuzz + "image_file/" + name, folder / name);
        EXPECT_TRUE(
            refusedNaming(inputError([&] { data::ImageFolderDataset dataset(folder.string()); }), name, "claims"));
    }
}

TEST_F(HostileInput, ImagesTheFuzzerFoundAreRefusedInOneLine) {
    // fuzz_image_file's finds: Huffman tables of over 256 codes (stb_image 2.27 writes past its table), an empty IDAT.
    int regressions = 0;
    for (const auto& entry : fs::directory_iterator(kFuzz + "image_file")) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("regression-", 0) != 0) continue;
        ++regressions;
        const fs::path folder = m_dir / name;
        fs::create_directories(folder);
        fs::copy_file(entry.path(), folder / name);
        const std::string message = inputError([&] {
            const data::ImageFolderDataset dataset(folder.string());
            dataset.read(0, 1);
        });
        EXPECT_TRUE(refusedNaming(message, name, "")) << name;
    }
    EXPECT_EQ(regressions, 4);
    EXPECT_NE(inputError([&] {
                  const fs::path folder = m_dir / "huffman";
                  fs::create_directories(folder);
                  fs::copy_file(kFuzz + "image_file/regression-jpeg-huffman-count-overflow.jpg", folder / "a.jpg");
                  data::ImageFolderDataset dataset(folder.string());
              }).find("corrupt JPEG (a Huffman table of"),
              std::string::npos);
}

TEST(HostileData, AGzipIdxIsInflatedOnlyAsFarAsItIsRead) {
    // 2.3 MB of gzip holding 3,000,000 images (2.35 GB): opening and reading the first images costs kilobytes.
    const data::IdxDataset dataset(kData + "/hostile/gzip-bomb-images-idx3-ubyte.gz");
    EXPECT_EQ(dataset.size(), 3000000);
    const data::ImageBatch batch = dataset.read(10, 2);
    EXPECT_EQ(batch.pixels.size(), 2u * 28 * 28);
    EXPECT_EQ(batch.pixels[0], 0.0f);
}

TEST(HostileData, ChannelCountsThatCannotBeConvertedNameTheData) {
    EXPECT_TRUE(refusedNaming(inputError([] { data::checkChannelsConvertible("four.npy", 4, 1); }), "four.npy",
                              "4 channels but the model takes 1"));
    EXPECT_EQ(inputError([] { data::checkChannelsConvertible("grey", 1, 3); }), "");
}

TEST_F(HostileInput, HugeNpyValuesAreNamedNotPassedToTheEigensolver) {
    io::NpyMatrixReader reader(kFuzz + "npy_header/hostile-huge-values.npy");
    Eigen::MatrixXd out(3, 2);
    EXPECT_TRUE(refusedNaming(inputError([&] {
                                  reader.readRows(0, {0, 1}, out);
                              }),
                              "hostile-huge-values.npy", "value 1e+307 at row 0, column 0 is too large"));
}

TEST_F(HostileInput, VocabularyIdsFarBeyondTheTokenCountAreRefused) {
    write("merges.txt", "#version: 0.2\n");
    for (const char* vocab : {"{\"a\": 0, \"b\": 100000000}", "{\"a\": 0, \"b\": 1000000, \"c\": 2000000}"}) {
        write("vocab.json", vocab);
        EXPECT_TRUE(refusedNaming(inputError([&] { text::BpeTokenizer::fromDirectory(m_dir.string()); }), "vocab.json",
                                  "far beyond the"));
    }
    write("vocab.json", std::string(200000, '[') + std::string(200000, ']'));
    EXPECT_TRUE(refusedNaming(inputError([&] { text::BpeTokenizer::fromDirectory(m_dir.string()); }), "vocab.json",
                              "nested deeper"));
}

TEST_F(HostileInput, WritesToNoNameOrAFolderAreRefused) {
    EXPECT_EQ(inputError([] { io::writeFileAtomically("", "x"); }), "an empty output file name was given");
    EXPECT_TRUE(refusedNaming(inputError([&] { io::writeFileAtomically(m_dir.string(), "x"); }), m_dir.string(),
                              "is a directory"));
    EXPECT_TRUE(
        refusedNaming(inputError([] { io::writeFileAtomically("/dev/full/x", "x"); }), "/dev/full/x", "cannot"));
}

} // namespace
