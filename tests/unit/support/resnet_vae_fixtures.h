#pragma once
// What the ResNet-VAE tests share: the folder of the PyTorch fixtures (tests/data/make_resnet_vae_fixtures.py,
// make_resnet_vae_state_dict_fixtures.py), their JSON, and comparisons of tensors.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

namespace codescope::test {

inline const std::string kResNetVaeFixtures = std::string(CODESCOPE_TEST_DATA_DIR) + "/resnet_vae/";

inline nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << path;
    return nlohmann::json::parse(in);
}

inline std::vector<std::int64_t> shapeOf(const at::Tensor& t) {
    return {t.sizes().begin(), t.sizes().end()};
}

inline double maxAbsDiff(const at::Tensor& a, const at::Tensor& b) {
    return (a - b).abs().max().item<double>();
}

} // namespace codescope::test
