// The per-run summary of layer warnings and statuses: one line per kind, counted over layers, never a line per layer.
#include <gtest/gtest.h>

#include "core/results/layer_issues.h"

using namespace codescope;

namespace {

results::LayerSpectrum layer(const std::string& name, std::vector<std::string> warnings, std::string status = "") {
    results::LayerSpectrum entry;
    entry.layer.name = name;
    entry.spectrum.warnings = std::move(warnings);
    entry.spectrum.status = std::move(status);
    return entry;
}

const std::string kBias = "alpha's finite-sample bias (bootstrap estimate -0.1) exceeds its standard error (0.02)";

} // namespace

TEST(LayerIssues, OneLinePerKindWithItsCountAndFirstLayer) {
    std::vector<results::LayerSpectrum> layers;
    for (int i = 0; i < 23; ++i)
        layers.push_back(layer("relu#" + std::to_string(i),
                               i % 2 == 0 ? std::vector<std::string>{kBias} : std::vector<std::string>{}));
    layers[3].spectrum.warnings.push_back("stride raised from 1 to 4 to fit the memory budget");
    layers[5].spectrum.warnings = {kBias, kBias}; // a layer counts once per kind
    const auto lines = results::summarizeLayerIssues(layers);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "alpha's finite-sample bias exceeds its standard error in 13 of 23 layers (first: relu#0); "
                        "each is in the JSON's warnings");
    EXPECT_EQ(lines[1].rfind("the stride was raised above the Methods' rule to fit the memory budget in 1 of 23 "
                             "layers (first: relu#3)",
                             0),
              0u)
        << lines[1];
}

TEST(LayerIssues, LayersWithoutAlphaComeFirstByName) {
    std::vector<results::LayerSpectrum> layers = {layer("a", {}), layer("b", {}, "collapsed: 4 of 128"),
                                                  layer("c", {"only 30 positive eigenvalues: fitted 10..30"}),
                                                  layer("d", {}, "dead: all 0")};
    for (int i = 0; i < 6; ++i)
        layers.push_back(layer("x" + std::to_string(i), {}, "dead: all 0"));
    const auto lines = results::summarizeLayerIssues(layers);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "no alpha in 8 of 10 layers: b (collapsed), d (dead), x0 (dead), x1 (dead), x2 (dead) and 3 "
                        "more; each reason is in the JSON's status");
    EXPECT_EQ(lines[1].rfind("the fit range was shortened to the positive eigenvalues in 1 of 10 layers", 0), 0u);
    EXPECT_TRUE(results::summarizeLayerIssues({layer("a", {})}).empty());
    EXPECT_EQ(results::warningKind("something new: details"), "something new");
}
