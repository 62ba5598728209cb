// Image data sets: IDX, CIFAR-10 binaries, PNG/JPEG folders and .npy stacks, opened through openDataset.
// Valid files come from Python's gzip, numpy and PIL (tests/data/make_image_fixtures.py) with pixel values given by
// small formulas restated here; broken files are built byte by byte (or cut from the fixtures) here, one defect each.
#include "tests/unit/support/test_files.h"
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <zlib.h>

#include "core/common/input_error.h"
#include "core/data/cifar10_dataset.h"
#include "core/data/idx_dataset.h"
#include "core/data/image_dataset.h"
#include "core/data/image_folder_dataset.h"
#include "core/data/npy_image_dataset.h"
#include "core/io/npy_reader.h"

namespace {

using codescope::InputError;
using codescope::data::ImageBatch;
using codescope::data::ImageDataset;
using codescope::data::openDataset;

const std::string kImages = std::string(CODESCOPE_TEST_DATA_DIR) + "/images";

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open fixture " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string bigEndian32(std::uint32_t value) {
    return {static_cast<char>(value >> 24), static_cast<char>(value >> 16 & 0xff), static_cast<char>(value >> 8 & 0xff),
            static_cast<char>(value & 0xff)};
}

// An IDX images file: magic 0x00000803, then N, H, W big-endian, then `pixels`.
std::string idxImages(std::uint32_t n, std::uint32_t h, std::uint32_t w, const std::string& pixels) {
    return bigEndian32(0x803) + bigEndian32(n) + bigEndian32(h) + bigEndian32(w) + pixels;
}

std::string idxLabels(const std::string& labels) {
    return bigEndian32(0x801) + bigEndian32(static_cast<std::uint32_t>(labels.size())) + labels;
}

// `call` must throw InputError whose one-line message starts with "<path>: " and holds every key word.
void expectInputError(const std::function<void()>& call, const std::string& path,
                      std::initializer_list<std::string> keyWords) {
    try {
        call();
        ADD_FAILURE() << "no InputError for " << path;
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        for (const std::string& keyWord : keyWords) {
            EXPECT_NE(message.find(keyWord), std::string::npos) << "'" << keyWord << "' missing from: " << message;
        }
    }
}

void expectOpenFails(const std::string& spec, const std::string& path, std::initializer_list<std::string> keyWords) {
    expectInputError([&] { openDataset(spec); }, path, keyWords);
}

void expectShape(const ImageDataset& dataset, std::int64_t size, std::int64_t channels, std::int64_t height,
                 std::int64_t width) {
    EXPECT_EQ(dataset.size(), size);
    EXPECT_EQ(dataset.channels(), channels);
    EXPECT_EQ(dataset.height(), height);
    EXPECT_EQ(dataset.width(), width);
}

// Every value of `batch` against a formula value(n, c, y, x) in 0..255, scaled by 1/255.
void expectBytePixels(const ImageBatch& batch,
                      const std::function<int(std::int64_t, std::int64_t, std::int64_t, std::int64_t)>& value) {
    ASSERT_EQ(static_cast<std::int64_t>(batch.pixels.size()), batch.count * batch.imageSize());
    ASSERT_EQ(static_cast<std::int64_t>(batch.labels.size()), batch.count);
    for (std::int64_t n = 0; n < batch.count; ++n) {
        for (std::int64_t c = 0; c < batch.channels; ++c) {
            for (std::int64_t y = 0; y < batch.height; ++y) {
                for (std::int64_t x = 0; x < batch.width; ++x) {
                    ASSERT_FLOAT_EQ(batch.pixels[static_cast<std::size_t>(batch.index(n, c, y, x))],
                                    static_cast<float>(value(n, c, y, x)) / 255.0f)
                        << "image " << n << " channel " << c << " row " << y << " column " << x;
                }
            }
        }
    }
}

std::vector<std::int64_t> labels(std::initializer_list<std::int64_t> values) {
    return values;
}

class ImageDatasetFiles : public codescope::test::TempFolderTest {
protected:
    std::string folder(const std::string& name) {
        const std::string path = m_dir + "/" + name;
        std::filesystem::create_directories(path);
        return path;
    }

    std::string copy(const std::string& fixture, const std::string& name) { return file(name, readBytes(fixture)); }

    // A gzip file written by zlib, whatever bytes it holds (the fixtures cover Python's gzip module).
    std::string gzipFile(const std::string& name, const std::string& bytes) {
        const std::string path = m_dir + "/" + name;
        gzFile out = gzopen(path.c_str(), "wb");
        EXPECT_NE(out, nullptr);
        EXPECT_EQ(gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
        gzclose(out);
        return path;
    }
};

// --- IDX ---------------------------------------------------------------------------------------------------------

int idxValue(std::int64_t n, std::int64_t, std::int64_t y, std::int64_t x) {
    return static_cast<int>((100 * n + 50 * y + 13 * x + 1) % 256);
}

TEST(IdxDataset, RawAndGzipFoldersReadTheSameKnownPixelsAndLabels) {
    for (const char* folder : {"idx_raw", "idx_gz"}) {
        SCOPED_TRACE(folder);
        const auto dataset = openDataset("fashion-mnist:" + kImages + "/" + folder);
        expectShape(*dataset, 3, 1, 4, 5);
        const ImageBatch all = dataset->read(0, 3);
        expectBytePixels(all, idxValue);
        EXPECT_EQ(all.labels, labels({7, 0, 9}));

        const ImageBatch tail = dataset->read(1, 2);
        expectBytePixels(tail, [](auto n, auto c, auto y, auto x) { return idxValue(n + 1, c, y, x); });
        EXPECT_EQ(tail.labels, labels({0, 9}));
    }
}

TEST(IdxDataset, SingleImagesFileFindsItsLabelsSibling) {
    const auto dataset = openDataset("fashion-mnist:" + kImages + "/idx_gz/t10k-images-idx3-ubyte.gz");
    EXPECT_EQ(dataset->name(), kImages + "/idx_gz/t10k-images-idx3-ubyte.gz");
    EXPECT_EQ(dataset->read(0, 3).labels, labels({7, 0, 9}));
}

TEST(IdxDataset, DefaultIsTheInstalledFashionMnistTestSplit) {
    const auto dataset = openDataset("fashion-mnist");
    ASSERT_NE(dataset, nullptr);
    EXPECT_EQ(dataset->name(), std::string(codescope::data::kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz");
    expectShape(*dataset, 10000, 1, 28, 28);
    const ImageBatch batch = dataset->read(0, dataset->size());
    // Fashion-MNIST's test split: 1000 images per class, starting ankle boot, pullover, trouser, trouser, shirt.
    std::vector<int> perClass(10, 0);
    for (const std::int64_t label : batch.labels) {
        ASSERT_GE(label, 0);
        ASSERT_LE(label, 9);
        ++perClass[static_cast<std::size_t>(label)];
    }
    EXPECT_EQ(perClass, std::vector<int>(10, 1000));
    EXPECT_EQ(std::vector<std::int64_t>(batch.labels.begin(), batch.labels.begin() + 5), labels({9, 2, 1, 1, 6}));
    EXPECT_GE(*std::min_element(batch.pixels.begin(), batch.pixels.end()), 0.0f);
    EXPECT_EQ(*std::max_element(batch.pixels.begin(), batch.pixels.end()), 1.0f);
    // Image 0 as numpy reads it from the same file: its bytes sum to 33456 and pixel (14, 14) is 110.
    double sum = 0.0;
    for (std::int64_t i = 0; i < 28 * 28; ++i)
        sum += batch.pixels[static_cast<std::size_t>(i)];
    EXPECT_NEAR(sum * 255.0, 33456.0, 1e-2);
    EXPECT_FLOAT_EQ(batch.pixels[static_cast<std::size_t>(batch.index(0, 0, 14, 14))], 110.0f / 255.0f);
}

TEST(IdxDataset, TrainSpecOpensTheTrainSplit) {
    const auto dataset = openDataset("fashion-mnist-train");
    EXPECT_EQ(dataset->name(), std::string(codescope::data::kFashionMnistDir) + "/train-images-idx3-ubyte.gz");
    expectShape(*dataset, 60000, 1, 28, 28);
}

TEST_F(ImageDatasetFiles, IdxExtremesScaleToZeroAndOne) {
    const std::string pixels = {'\0', '\xff', '\x80', '\x01', '\xfe', '\x00'};
    const std::string path = file("one-images-idx3-ubyte", idxImages(2, 1, 3, pixels));
    const auto dataset = openDataset("fashion-mnist:" + path);
    const ImageBatch batch = dataset->read(0, 2);
    EXPECT_EQ(batch.pixels, (std::vector<float>{0.0f, 1.0f, 128.0f / 255, 1.0f / 255, 254.0f / 255, 0.0f}));
    EXPECT_EQ(batch.labels, labels({-1, -1})); // no labels sibling
}

TEST_F(ImageDatasetFiles, IdxTruncatedRawAndGzipFilesNameTheByteCounts) {
    const std::string raw = readBytes(kImages + "/idx_raw/t10k-images-idx3-ubyte");
    const std::string cut = file("cut-images-idx3-ubyte", raw.substr(0, raw.size() - 3));
    expectOpenFails("fashion-mnist:" + cut, cut, {"truncated: expected 60 bytes of image data, found 57"});

    const std::string gz = gzipFile("cut-images-idx3-ubyte.gz", raw.substr(0, raw.size() - 3));
    expectOpenFails("fashion-mnist:" + gz, gz, {"truncated: expected 60 bytes of image data, found 57"});

    // A download cut off in the middle of the compressed stream.
    const std::string compressed = readBytes(kImages + "/idx_gz/t10k-images-idx3-ubyte.gz");
    const std::string cutStream = file("stream-images-idx3-ubyte.gz", compressed.substr(0, compressed.size() / 2));
    expectOpenFails("fashion-mnist:" + cutStream, cutStream, {"truncated"});

    const std::string header = file("header-images-idx3-ubyte", raw.substr(0, 10));
    expectOpenFails("fashion-mnist:" + header, header, {"truncated", "header"});

    const std::string labels = readBytes(kImages + "/idx_raw/t10k-labels-idx1-ubyte");
    file("short/t10k-images-idx3-ubyte", raw);
    const std::string shortLabels = file("short/t10k-labels-idx1-ubyte", labels.substr(0, labels.size() - 1));
    expectOpenFails("fashion-mnist:" + m_dir + "/short", shortLabels, {"expected 3 bytes of label data, found 2"});
}

TEST_F(ImageDatasetFiles, IdxRejectsWrongMagicZeroDimsTrailingBytesAndLabelCountMismatch) {
    const std::string labelsAsImages = copy(kImages + "/idx_raw/t10k-labels-idx1-ubyte", "x-images-idx3-ubyte");
    expectOpenFails("fashion-mnist:" + labelsAsImages, labelsAsImages,
                    {"bad magic number 0x00000801", "0x00000803", "labels file"});
    const std::string png = copy(kImages + "/png_rgb/b.png", "b-images-idx3-ubyte");
    expectOpenFails("fashion-mnist:" + png, png, {"bad magic number", "not an IDX file"});
    const std::string floats = file("f-images-idx3-ubyte", bigEndian32(0xD03) + bigEndian32(1) + bigEndian32(1) +
                                                               bigEndian32(1) + std::string(4, '\0'));
    expectOpenFails("fashion-mnist:" + floats, floats, {"bad magic number 0x00000D03", "element type 0x0D"});

    const std::string zero = file("z-images-idx3-ubyte", idxImages(2, 0, 3, ""));
    expectOpenFails("fashion-mnist:" + zero, zero, {"zero dimension", "2 x 0 x 3"});

    const std::string extra = file("e-images-idx3-ubyte", idxImages(1, 2, 2, std::string(5, '\x10')));
    expectOpenFails("fashion-mnist:" + extra, extra, {"expected 4 bytes of image data", "found 5"});
    const std::string extraGz = gzipFile("e-images-idx3-ubyte.gz", idxImages(1, 2, 2, std::string(5, '\x10')));
    expectOpenFails("fashion-mnist:" + extraGz, extraGz, {"expected 4 bytes of image data", "found more"});

    file("mismatch/t10k-images-idx3-ubyte", idxImages(3, 1, 1, "abc"));
    const std::string twoLabels = file("mismatch/t10k-labels-idx1-ubyte", idxLabels(std::string("\x01\x02", 2)));
    expectOpenFails("fashion-mnist:" + m_dir + "/mismatch", twoLabels, {"holds 2 labels", "holds 3 images"});
}

TEST_F(ImageDatasetFiles, IdxCorruptGzipDataIsAnInputError) {
    std::string compressed = readBytes(kImages + "/idx_gz/t10k-images-idx3-ubyte.gz");
    // Python stores the file name after the 10-byte gzip header (flag FNAME); the deflate stream starts after its
    // NUL. Garble the stream, keeping the header and the 8-byte CRC/size trailer intact.
    ASSERT_TRUE(compressed[3] & 0x08);
    const std::size_t start = compressed.find('\0', 10) + 1;
    for (std::size_t i = start + 2; i < compressed.size() - 8; i += 3)
        compressed[i] = static_cast<char>(~compressed[i]);
    const std::string path = file("bad-images-idx3-ubyte.gz", compressed);
    expectOpenFails("fashion-mnist:" + path, path, {"corrupt gzip data ("});
    try {
        openDataset("fashion-mnist:" + path);
    } catch (const InputError& error) {
        // zlib's own message repeats the path; it must be said once.
        const std::string message = error.what();
        EXPECT_EQ(message.find(path, path.size()), std::string::npos) << message;
    }
}

TEST_F(ImageDatasetFiles, IdxRawFileIsReadOnDemand) {
    std::string pixels;
    for (int i = 0; i < 4 * 6; ++i)
        pixels += static_cast<char>(i * 10);
    const std::string path = file("d-images-idx3-ubyte", idxImages(4, 2, 3, pixels));
    const auto dataset = openDataset("fashion-mnist:" + path);
    EXPECT_FLOAT_EQ(dataset->read(3, 1).pixels.back(), 230.0f / 255.0f);
    // Cut the file under the open data set: only a read past the new end fails, and names the file.
    std::filesystem::resize_file(path, 16 + 2 * 6);
    EXPECT_FLOAT_EQ(dataset->read(1, 1).pixels.front(), 60.0f / 255.0f);
    expectInputError([&] { dataset->read(2, 2); }, path, {"end of file"});
}

TEST_F(ImageDatasetFiles, IdxFolderWithoutTheSplitsFilesIsRejected) {
    const std::string empty = folder("empty");
    expectOpenFails("fashion-mnist:" + empty, empty, {"no t10k-images-idx3-ubyte"});
    expectOpenFails("fashion-mnist-train:" + kImages + "/idx_raw", kImages + "/idx_raw",
                    {"no train-images-idx3-ubyte"});
    expectOpenFails("fashion-mnist:" + m_dir + "/missing", m_dir + "/missing", {"no such file or directory"});
}

// --- CIFAR-10 ----------------------------------------------------------------------------------------------------

// Pixel values of the fixture files: record r of a file whose formula offset is `offset`.
int cifarValue(int offset, std::int64_t r, std::int64_t c, std::int64_t y, std::int64_t x) {
    return static_cast<int>((41 * r + 67 * c + 7 * y + 3 * x + offset) % 256);
}

TEST(Cifar10Dataset, FolderPrefersTheTestBatch) {
    const auto dataset = openDataset("cifar10:" + kImages + "/cifar_all");
    expectShape(*dataset, 3, 3, 32, 32);
    const ImageBatch batch = dataset->read(0, 3);
    expectBytePixels(batch, [](auto n, auto c, auto y, auto x) { return cifarValue(0, n, c, y, x); });
    EXPECT_EQ(batch.labels, labels({3, 9, 0}));
}

TEST(Cifar10Dataset, TrainingBatchesAreConcatenatedInOrderAndReadsCrossFiles) {
    for (const std::string& spec : {"cifar10:" + kImages + "/cifar_train", "cifar10-train:" + kImages + "/cifar_all"}) {
        SCOPED_TRACE(spec);
        const auto dataset = openDataset(spec);
        expectShape(*dataset, 3, 3, 32, 32);
        EXPECT_EQ(dataset->read(0, 3).labels, labels({1, 2, 8}));
        // Record 1 of data_batch_1 then record 0 of data_batch_2.
        const ImageBatch across = dataset->read(1, 2);
        expectBytePixels(across, [](auto n, auto c, auto y, auto x) {
            return n == 0 ? cifarValue(100, 1, c, y, x) : cifarValue(200, 0, c, y, x);
        });
        EXPECT_EQ(across.labels, labels({2, 8}));
    }
}

TEST_F(ImageDatasetFiles, CifarRecordIsChannelPlanarWithLabelFirst) {
    // One record: label 4, R plane 255, G plane 0, B plane 0..255 repeating by column.
    std::string record(1, '\x04');
    record += std::string(1024, '\xff') + std::string(1024, '\0');
    for (int i = 0; i < 1024; ++i)
        record += static_cast<char>(i % 32 * 8);
    const std::string path = file("one.bin", record);
    const auto dataset = openDataset("cifar10:" + path);
    const ImageBatch batch = dataset->read(0, 1);
    EXPECT_EQ(batch.labels, labels({4}));
    expectBytePixels(batch, [](auto, auto c, auto, auto x) {
        return c == 0 ? 255 : c == 1 ? 0 : static_cast<int>(x * 8);
    });
}

TEST_F(ImageDatasetFiles, CifarRejectsTruncatedEmptyAndMislabelledFiles) {
    const std::string whole = readBytes(kImages + "/cifar_all/test_batch.bin");
    const std::string cut = file("cut.bin", whole.substr(0, whole.size() - 1));
    expectOpenFails("cifar10:" + cut, cut, {"truncated", "9218 bytes", "3073-byte"});
    file("cutfolder/test_batch.bin", whole.substr(0, 5000));
    expectOpenFails("cifar10:" + m_dir + "/cutfolder", m_dir + "/cutfolder/test_batch.bin", {"truncated"});
    const std::string empty = file("empty.bin", "");
    expectOpenFails("cifar10:" + empty, empty, {"empty file"});

    std::string mislabelled = whole;
    mislabelled[3073] = 10; // record 1's label
    const std::string bad = file("bad.bin", mislabelled);
    const auto dataset = openDataset("cifar10:" + bad);
    EXPECT_NO_THROW(dataset->read(0, 1));
    expectInputError([&] { dataset->read(0, 3); }, bad, {"record 1 has label 10", "0..9"});

    const std::string none = folder("none");
    expectOpenFails("cifar10:" + none, none, {"no CIFAR-10 batch files", "test_batch.bin"});
}

// --- Image folders -----------------------------------------------------------------------------------------------

TEST(ImageFolderDataset, RgbPngsInNameOrderWithOtherFilesIgnored) {
    const auto dataset = openDataset("images:" + kImages + "/png_rgb");
    expectShape(*dataset, 3, 3, 4, 6);
    const ImageBatch batch = dataset->read(0, 3);
    expectBytePixels(batch, [](auto k, auto c, auto y, auto x) {
        return static_cast<int>((60 * k + 80 * c + 20 * y + 7 * x) % 256);
    });
    EXPECT_EQ(batch.labels, labels({-1, -1, -1}));
    const auto& files = dynamic_cast<const codescope::data::ImageFolderDataset&>(*dataset).files();
    ASSERT_EQ(files.size(), 3u);
    EXPECT_EQ(std::filesystem::path(files[0]).filename(), "a.PNG");
}

TEST(ImageFolderDataset, AlphaIsDropped) {
    const auto rgba = openDataset("images:" + kImages + "/png_rgba");
    expectShape(*rgba, 2, 3, 2, 3);
    expectBytePixels(rgba->read(0, 2), [](auto k, auto c, auto y, auto x) {
        return static_cast<int>((10 * c + 30 * y + 50 * x + 5 + 100 * k) % 256);
    });
    const auto grey = openDataset("images:" + kImages + "/png_grey"); // an L and an LA file
    expectShape(*grey, 2, 1, 3, 5);
    expectBytePixels(grey->read(0, 2),
                     [](auto k, auto, auto y, auto x) { return static_cast<int>(40 * y + 9 * x + 3 + k); });
}

TEST(ImageFolderDataset, JpegExtensionsInAnyCase) {
    const auto dataset = openDataset("images:" + kImages + "/jpeg_grey");
    expectShape(*dataset, 2, 1, 8, 8);
    const ImageBatch batch = dataset->read(0, 2);
    for (std::int64_t i = 0; i < 64; ++i) {
        // JPEG is lossy; a uniform block comes back within a step or two.
        EXPECT_NEAR(batch.pixels[static_cast<std::size_t>(i)], 200.0f / 255.0f, 2.0f / 255.0f);
        EXPECT_NEAR(batch.pixels[static_cast<std::size_t>(64 + i)], 50.0f / 255.0f, 2.0f / 255.0f);
    }
}

TEST_F(ImageDatasetFiles, FolderRejectsMismatchedSizesAndChannels) {
    const std::string mixed = folder("mixed");
    copy(kImages + "/png_rgb/a.PNG", "mixed/a.png");
    const std::string grey = copy(kImages + "/png_grey/g0.png", "mixed/g0.png");
    expectOpenFails("images:" + mixed, grey, {"1 x 3 x 5", "3 x 4 x 6", "a.png", "share size and channel count"});

    const std::string sizes = folder("sizes");
    copy(kImages + "/png_grey/g0.png", "sizes/g0.png");
    const std::string jpeg = copy(kImages + "/jpeg_grey/x.JPG", "sizes/x.JPG");
    expectOpenFails("images:" + sizes, jpeg, {"1 x 8 x 8", "1 x 3 x 5"});
}

TEST_F(ImageDatasetFiles, FolderNamesAnUndecodableFileAndStbsReason) {
    copy(kImages + "/png_grey/g0.png", "garbage/g0.png");
    const std::string garbage = file("garbage/g1.png", "this is not a PNG file at all");
    expectOpenFails("images:" + m_dir + "/garbage", garbage, {"cannot decode image (", "unknown image type"});

    // A PNG cut after its header chunk: the size is known at open, the pixels fail when read.
    const std::string whole = readBytes(kImages + "/png_grey/g0.png");
    copy(kImages + "/png_grey/g0.png", "cut/g0.png");
    const std::string cut = file("cut/g1.png", whole.substr(0, 45));
    const auto dataset = openDataset("images:" + m_dir + "/cut");
    EXPECT_NO_THROW(dataset->read(0, 1));
    expectInputError([&] { dataset->read(0, 2); }, cut, {"cannot decode image ("});
}

TEST_F(ImageDatasetFiles, FolderMustHoldImages) {
    const std::string empty = folder("empty");
    expectOpenFails("images:" + empty, empty, {"no PNG or JPEG files"});
    file("text/readme.txt", "hello");
    folder("text/sub.png"); // a folder named like an image is not one
    expectOpenFails("images:" + m_dir + "/text", m_dir + "/text", {"no PNG or JPEG files"});
    const std::string notFolder = kImages + "/png_rgb/b.png";
    expectOpenFails("images:" + notFolder, notFolder, {"not a folder"});
    expectOpenFails("images:" + m_dir + "/missing", m_dir + "/missing", {"no such file or directory"});
}

// --- .npy stacks -------------------------------------------------------------------------------------------------

float npyValue(std::int64_t n, std::int64_t c, std::int64_t y, std::int64_t x) {
    return static_cast<float>(static_cast<double>((60 * n + 20 * c + 5 * y + x) % 97) / 96.0);
}

TEST(NpyImageDataset, Uint8NhwIsOneChannelScaledBy255) {
    const auto dataset = openDataset("npy:" + kImages + "/npy/u8_nhw.npy");
    expectShape(*dataset, 2, 1, 3, 4);
    expectBytePixels(dataset->read(0, 2),
                     [](auto n, auto, auto y, auto x) { return static_cast<int>((70 * n + 30 * y + 11 * x) % 256); });
}

TEST(NpyImageDataset, FloatNchwPassesValuesThrough) {
    const auto f32 = openDataset("npy:" + kImages + "/npy/f32_nchw.npy");
    expectShape(*f32, 2, 3, 4, 5);
    const ImageBatch batch = f32->read(1, 1);
    for (std::int64_t c = 0; c < 3; ++c) {
        for (std::int64_t y = 0; y < 4; ++y) {
            for (std::int64_t x = 0; x < 5; ++x) {
                EXPECT_EQ(batch.pixels[static_cast<std::size_t>(batch.index(0, c, y, x))], npyValue(1, c, y, x));
            }
        }
    }
    const auto f64 = openDataset("npy:" + kImages + "/npy/f64_nchw.npy");
    expectShape(*f64, 2, 1, 3, 4);
    const ImageBatch wide = f64->read(0, 2);
    EXPECT_EQ(wide.pixels[static_cast<std::size_t>(wide.index(0, 0, 0, 1))], 1.5f);
    EXPECT_EQ(wide.pixels[static_cast<std::size_t>(wide.index(1, 0, 2, 3))], -0.25f);
    EXPECT_EQ(wide.pixels[static_cast<std::size_t>(wide.index(1, 0, 1, 2))], npyValue(1, 0, 1, 2));
}

TEST(NpyImageDataset, NonFiniteValuesNameImageChannelRowAndColumn) {
    const std::string nanPath = kImages + "/npy/f32_nan.npy";
    const auto nan = openDataset("npy:" + nanPath);
    EXPECT_NO_THROW(nan->read(0, 2));
    expectInputError([&] { nan->read(0, 3); }, nanPath, {"NaN at image 2, channel 0, row 1, column 0"});
    expectInputError([&] { nan->read(2, 1); }, nanPath, {"NaN at image 2, channel 0, row 1, column 0"});
    const std::string infPath = kImages + "/npy/f64_inf_nhw.npy";
    const auto inf = openDataset("npy:" + infPath);
    expectInputError([&] { inf->read(0, 2); }, infPath, {"-Inf at image 1, channel 0, row 1, column 0"});
}

TEST_F(ImageDatasetFiles, NpyRejectsBadDtypeRankOrderSizeAndTruncation) {
    const std::string npy = kImages + "/npy/";
    expectOpenFails("npy:" + npy + "i4_nhw.npy", npy + "i4_nhw.npy", {"unsupported dtype '<i4'", "'|u1'"});
    expectOpenFails("npy:" + npy + "f32_2d.npy", npy + "f32_2d.npy", {"shape (2, 4) is 2-D", "N x C x H x W"});
    expectOpenFails("npy:" + npy + "f32_fortran.npy", npy + "f32_fortran.npy", {"Fortran"});
    expectOpenFails("npy:" + npy + "f32_zero.npy", npy + "f32_zero.npy", {"zero dimension"});
    const std::string png = kImages + "/png_rgb/b.png";
    expectOpenFails("npy:" + png, png, {"not a NumPy .npy file"});

    const std::string whole = readBytes(npy + "f32_nchw.npy");
    const std::string cut = file("cut.npy", whole.substr(0, whole.size() - 4));
    expectOpenFails("npy:" + cut, cut, {"truncated", "480 bytes", "476"});
    const std::string longer = file("long.npy", whole + std::string(4, '\0'));
    expectOpenFails("npy:" + longer, longer, {"extra trailing bytes"});
}

TEST(NpyArrayHeader, ParsesAnyRankAndLeavesTheRestToTheCaller) {
    const std::string path = kImages + "/npy/f32_nchw.npy";
    codescope::data::ReadOnlyFile file(path);
    const auto header = codescope::io::readNpyArrayHeader(file.descriptor(), path, {"<f4"}, "only '<f4'");
    EXPECT_EQ(header.descr, "<f4");
    EXPECT_FALSE(header.fortranOrder);
    EXPECT_EQ(header.shape, (std::vector<std::int64_t>{2, 3, 4, 5}));
    EXPECT_EQ(header.fileSize - header.dataOffset, 2 * 3 * 4 * 5 * 4);
    EXPECT_EQ(header.dataOffset % 64, 0); // numpy aligns the data
    expectInputError([&] { codescope::io::readNpyArrayHeader(file.descriptor(), path, {"|u1"}, "only '|u1'"); }, path,
                     {"unsupported dtype '<f4'", "; only '|u1'"});
}

// --- The interface -----------------------------------------------------------------------------------------------

TEST(ImageDataset, BadRangesThrowOutOfRangeAndEmptyRangesAreFine) {
    for (const std::string& spec : {"fashion-mnist:" + kImages + "/idx_raw", "cifar10:" + kImages + "/cifar_all",
                                    "images:" + kImages + "/png_rgb", "npy:" + kImages + "/npy/f32_nan.npy"}) {
        SCOPED_TRACE(spec);
        const auto dataset = openDataset(spec);
        ASSERT_EQ(dataset->size(), 3);
        EXPECT_THROW(dataset->read(-1, 1), std::out_of_range);
        EXPECT_THROW(dataset->read(2, 2), std::out_of_range);
        EXPECT_THROW(dataset->read(0, -1), std::out_of_range);
        EXPECT_THROW(dataset->read(4, 0), std::out_of_range);
        EXPECT_THROW(dataset->read(1, std::numeric_limits<std::int64_t>::max()), std::out_of_range);
        const ImageBatch empty = dataset->read(3, 0);
        EXPECT_EQ(empty.count, 0);
        EXPECT_EQ(empty.channels, dataset->channels());
        EXPECT_TRUE(empty.pixels.empty());
        EXPECT_TRUE(empty.labels.empty());
    }
}

TEST(ImageDataset, SpecsThatAreNotDataSets) {
    expectOpenFails("mnist:/tmp", "mnist:/tmp", {"unknown data set kind 'mnist'", "cifar10"});
    expectOpenFails("npy:", "npy:", {"missing path"});
    expectOpenFails("images", "images", {"missing path"});
    expectOpenFails("", "", {"unknown data set kind ''"});
    expectOpenFails("npy:/nonexistent/x.npy", "/nonexistent/x.npy", {"cannot open"});
    expectOpenFails("cifar10:/nonexistent", "/nonexistent", {"no such file or directory"});
}

TEST_F(ImageDatasetFiles, ConcurrentReadsMatchSequentialReads) {
    std::string pixels;
    for (int i = 0; i < 64 * 7 * 5; ++i)
        pixels += static_cast<char>(i * 31 % 256);
    const std::string raw = file("big-images-idx3-ubyte", idxImages(64, 7, 5, pixels));
    std::vector<std::unique_ptr<ImageDataset>> datasets;
    for (const std::string& spec :
         {"fashion-mnist:" + raw, "fashion-mnist:" + kImages + "/idx_gz", "cifar10:" + kImages + "/cifar_train",
          "images:" + kImages + "/png_rgb", "npy:" + kImages + "/npy/f32_nchw.npy"}) {
        datasets.push_back(openDataset(spec));
    }
    for (const auto& dataset : datasets) {
        SCOPED_TRACE(dataset->name());
        const std::int64_t size = dataset->size();
        std::vector<ImageBatch> expected;
        for (std::int64_t i = 0; i < size; ++i)
            expected.push_back(dataset->read(i, 1));
        std::vector<int> mismatches(4, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (int round = 0; round < 10; ++round) {
                    for (std::int64_t i = (t + round) % size; i < size; i += 3) {
                        const ImageBatch got = dataset->read(i, 1);
                        const ImageBatch& want = expected[static_cast<std::size_t>(i)];
                        if (got.pixels != want.pixels || got.labels != want.labels) ++mismatches[t];
                    }
                }
            });
        }
        for (std::thread& thread : threads)
            thread.join();
        EXPECT_EQ(mismatches, std::vector<int>(4, 0));
    }
}

} // namespace
