// The PNG gallery of eigenfilters, read back through the image-folder data set (stb_image decodes it).
#include <gtest/gtest.h>

#include <filesystem>

#include "core/common/input_error.h"
#include "core/data/image_dataset.h"
#include "core/io/image_grid_png.h"

namespace {

namespace fs = std::filesystem;

TEST(ImageGridPng, TilesAreScaledSymmetricallyAroundMidGrey) {
    const fs::path dir = fs::temp_directory_path() / "codescope_grid_png_test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    // Two 1 x 2 x 2 filters: the second is the first times -3, so its tile is the first's negative.
    Eigen::MatrixXd filters(2, 4);
    filters << 0.0, 1.0, -1.0, 0.5, 0.0, -3.0, 3.0, -1.5;
    codescope::io::writeImageGridPng((dir / "grid.png").string(), filters, 1, 2, 2, 8);

    const auto dataset = codescope::data::openDataset("images:" + dir.string());
    ASSERT_EQ(dataset->size(), 1);
    // Each 2 x 2 filter becomes a 64 x 64 tile (32x), 2-pixel white gaps: 2 + 64 + 2 + 64 + 2 by 2 + 64 + 2.
    EXPECT_EQ(dataset->width(), 134);
    EXPECT_EQ(dataset->height(), 68);
    const codescope::data::ImageBatch image = dataset->read(0, 1);
    auto at = [&](int tile, int row, int column) { // centre of filter pixel (row, column) of a tile, channel 0
        return image.pixels[image.index(0, 0, 2 + 32 * row + 16, 2 + tile * 66 + 32 * column + 16)];
    };
    EXPECT_NEAR(at(0, 0, 0), 128.0 / 255, 1e-6); // 0 -> mid-grey
    EXPECT_NEAR(at(0, 0, 1), 1.0, 1e-6);         // +max -> white
    EXPECT_NEAR(at(0, 1, 0), 0.0, 1e-6);         // -max -> black
    EXPECT_NEAR(at(0, 1, 1), 191.0 / 255, 1e-6); // +max/2 -> 127.5 + 63.75
    EXPECT_NEAR(at(1, 0, 1), 0.0, 1e-6);         // the negated tile
    EXPECT_NEAR(at(1, 1, 0), 1.0, 1e-6);
    EXPECT_NEAR(image.pixels[image.index(0, 0, 0, 0)], 1.0, 1e-6); // the white border
    fs::remove_all(dir);
}

TEST(ImageGridPng, BadShapesAndValuesAreInputErrors) {
    const std::string path = (fs::temp_directory_path() / "codescope_grid_bad.png").string();
    const Eigen::MatrixXd four = Eigen::MatrixXd::Ones(2, 4);
    EXPECT_THROW(codescope::io::writeImageGridPng(path, four, 1, 3, 3), codescope::InputError);
    EXPECT_THROW(codescope::io::writeImageGridPng(path, four, 2, 1, 2), codescope::InputError);
    Eigen::MatrixXd withNan = four;
    withNan(1, 2) = std::nan("");
    EXPECT_THROW(codescope::io::writeImageGridPng(path, withNan, 1, 2, 2), codescope::InputError);
    EXPECT_THROW(codescope::io::writeImageGridPng("/nonexistent/dir/grid.png", four, 1, 2, 2), codescope::InputError);
    EXPECT_FALSE(fs::exists(path));
}

} // namespace
