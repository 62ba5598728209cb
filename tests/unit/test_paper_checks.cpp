// The paper checks on synthetic sweeps built so that each claim holds, fails, or cannot be told, and the step
// measure of Fig. 5 on spectra of known shape.
#include "core/claims/paper_checks.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/claims/spectrum_step.h"

namespace {

using codescope::claims::checkAnalysis;
using codescope::claims::CheckedRun;
using codescope::claims::checkSweep;
using codescope::claims::largestSpectrumStep;
using codescope::claims::PaperCheck;
using codescope::claims::Verdict;
using codescope::results::LayerCoding;
using codescope::results::LayerSpectrum;

// A spectrum lambda_k = k^alpha over 200 components, divided by `step` (a factor) from component 6 on.
Eigen::VectorXd powerLaw(double alpha, double step = 1) {
    Eigen::VectorXd lambda(200);
    for (int k = 1; k <= 200; ++k)
        lambda[k - 1] = std::pow(k, alpha) / (k >= 6 ? step : 1);
    return lambda;
}

LayerSpectrum layer(int depth, double alpha, double step = 1) {
    LayerSpectrum entry;
    entry.layer.name = "layer" + std::to_string(depth);
    entry.layer.depth = depth;
    entry.spectrum.alpha = alpha;
    entry.spectrum.alphaCiLo = alpha - 0.05;
    entry.spectrum.alphaCiHi = alpha + 0.05;
    entry.spectrum.eigenvalues = powerLaw(alpha, step);
    entry.spectrum.components = 200;
    return entry;
}

void addCoding(LayerSpectrum& entry, double action, double variance) {
    LayerCoding coding;
    coding.actionMean = action;
    coding.stimulusR2Mean = variance;
    entry.coding = coding;
}

// Five runs of nine layers. `sign` +1: every trend as the paper states it; -1: every trend reversed.
struct Sweep {
    std::vector<std::vector<LayerSpectrum>> layers;
    std::vector<CheckedRun> runs;
};

Sweep makeSweep(const std::vector<double>& rates, int depthCount, double sign, bool coding, bool steps) {
    Sweep sweep;
    sweep.layers.reserve(rates.size());
    for (double rate : rates) {
        std::vector<LayerSpectrum> layers;
        for (int l = 0; l < depthCount; ++l) {
            // As the paper: alpha near -1 early at D = 0.2, falling with depth and with dropout.
            const double alpha = -1 + sign * (0.3 - 0.08 * l - 0.3 * rate);
            const bool stepLike = steps && rate >= 0.6 && l >= (depthCount + 2) / 3;
            layers.push_back(layer(l, alpha, stepLike ? 100 : 1));
            if (coding) addCoding(layers.back(), 2 + sign * (alpha + 1), 0.3 + sign * (0.05 * l + 0.2 * rate));
        }
        sweep.layers.push_back(std::move(layers));
    }
    for (std::size_t i = 0; i < rates.size(); ++i)
        sweep.runs.push_back({"dropout-" + std::to_string(rates[i]), rates[i], &sweep.layers[i]});
    return sweep;
}

// Pointers into `checks`, which must outlive the map.
std::map<std::string, const PaperCheck*> byId(const std::vector<PaperCheck>& checks) {
    std::map<std::string, const PaperCheck*> map;
    for (const PaperCheck& check : checks)
        map[check.id] = &check;
    return map;
}

const std::vector<std::string> kAllIds = {"alpha-near-minus-one",
                                          "alpha-falls-with-depth",
                                          "alpha-falls-with-dropout",
                                          "action-finite-below-minus-one",
                                          "action-smaller-for-steeper-spectra",
                                          "variance-grows-with-depth",
                                          "variance-grows-with-dropout",
                                          "variance-higher-for-lower-action",
                                          "step-spectra-at-high-dropout"};

TEST(PaperChecks, EveryClaimHoldsOnASweepThatBehavesAsThePaper) {
    const Sweep sweep = makeSweep({0.0, 0.2, 0.4, 0.6, 0.8}, 9, +1, true, true);
    const std::vector<PaperCheck> checks = checkSweep(sweep.runs);
    ASSERT_EQ(checks.size(), kAllIds.size());
    for (std::size_t i = 0; i < checks.size(); ++i) {
        SCOPED_TRACE(checks[i].id + ": " + checks[i].figure);
        EXPECT_EQ(checks[i].id, kAllIds[i]);
        EXPECT_EQ(checks[i].verdict, Verdict::Holds);
        EXPECT_FALSE(checks[i].rule.empty());
    }
    const auto checksById = byId(checks);
    // Per run and per layer items, with the numbers: rho -1 over nine layers, t approximation; over five runs, exact.
    const PaperCheck& depth = *checksById.at("alpha-falls-with-depth");
    ASSERT_EQ(depth.items.size(), 5u);
    EXPECT_NE(depth.items[0].figure.find("rho = -1.00"), std::string::npos) << depth.items[0].figure;
    EXPECT_NE(depth.items[0].figure.find("(t approx.), n = 9 layers"), std::string::npos);
    const PaperCheck& dropout = *checksById.at("alpha-falls-with-dropout");
    ASSERT_EQ(dropout.items.size(), 9u);
    EXPECT_EQ(dropout.items[0].scope, "layer layer0");
    EXPECT_NE(dropout.items[0].figure.find("p = 0.0083 (exact), n = 5 runs"), std::string::npos)
        << dropout.items[0].figure; // 1/120
    // Early layers of the D = 0.2 run: the first three of nine, alpha = -0.76, -0.84, -0.92.
    const PaperCheck& near = *checksById.at("alpha-near-minus-one");
    ASSERT_EQ(near.items.size(), 3u);
    EXPECT_NE(near.items[0].figure.find("alpha = -0.760 [95% CI -0.810, -0.710], |alpha + 1| = 0.240"),
              std::string::npos)
        << near.items[0].figure;
    EXPECT_EQ(near.figure, "holds in 3 of 3 layers");
}

TEST(PaperChecks, EveryTrendFailsOnAReversedSweep) {
    const Sweep sweep = makeSweep({0.0, 0.2, 0.4, 0.6, 0.8}, 9, -1, true, false);
    const auto checks = checkSweep(sweep.runs);
    const auto checksById = byId(checks);
    for (const char* id : {"alpha-falls-with-depth", "alpha-falls-with-dropout", "action-smaller-for-steeper-spectra",
                           "variance-grows-with-depth", "variance-grows-with-dropout",
                           "variance-higher-for-lower-action", "step-spectra-at-high-dropout"}) {
        SCOPED_TRACE(id);
        EXPECT_EQ(checksById.at(id)->verdict, Verdict::DoesNotHold) << checksById.at(id)->figure;
    }
    EXPECT_EQ(checksById.at("alpha-falls-with-depth")->items[0].reason, "a significant trend the other way");
    EXPECT_NE(checksById.at("step-spectra-at-high-dropout")->items[0].reason.find("not step-like at dropout 0.8"),
              std::string::npos);
    // Reversing the trends leaves alpha = -1.24, -1.16, -1.08 early at D = 0.2: near -1. One made -2 is not.
    EXPECT_EQ(checksById.at("alpha-near-minus-one")->figure, "holds in 3 of 3 layers");
    Sweep steep = makeSweep({0.0, 0.2, 0.4, 0.6, 0.8}, 9, -1, true, false);
    steep.layers[1][0].spectrum.alpha = -2;
    const auto steepChecks = checkSweep(steep.runs);
    const PaperCheck& near = *byId(steepChecks).at("alpha-near-minus-one");
    ASSERT_EQ(near.items.size(), 3u);
    EXPECT_EQ(near.items[0].verdict, Verdict::DoesNotHold);
    EXPECT_EQ(near.items[0].reason, "|alpha + 1| >= 0.25");
    EXPECT_EQ(near.figure, "holds in 2 of 3 layers, does not hold in 1");
    EXPECT_EQ(near.verdict, Verdict::Holds);
}

TEST(PaperChecks, ASmallSweepWithoutCodingCannotTellAndSaysWhy) {
    const Sweep sweep = makeSweep({0.0, 0.4}, 2, +1, false, false);
    const auto checks = checkSweep(sweep.runs);
    const auto checksById = byId(checks);
    for (const std::string& id : kAllIds) {
        if (id == "step-spectra-at-high-dropout") continue; // two runs and one later layer: it can compare them
        SCOPED_TRACE(id);
        EXPECT_EQ(checksById.at(id)->verdict, Verdict::CannotTell) << checksById.at(id)->figure;
    }
    EXPECT_EQ(checksById.at("alpha-near-minus-one")->figure, "no run at dropout 0.2 (rates here: 0, 0.4)");
    EXPECT_EQ(checksById.at("alpha-falls-with-dropout")->figure, "only 2 dropout rates (0, 0.4; a trend needs 3)");
    EXPECT_EQ(checksById.at("alpha-falls-with-depth")->items[0].reason, "only 2 layers with values (a trend needs 3)");
    EXPECT_NE(checksById.at("variance-grows-with-depth")->figure.find("no coding record"), std::string::npos);
}

TEST(PaperChecks, ThreeRunsCannotShowADropoutTrend) {
    const Sweep sweep = makeSweep({0.0, 0.2, 0.4}, 4, +1, true, false);
    const auto checks = checkSweep(sweep.runs);
    const auto checksById = byId(checks);
    const PaperCheck& dropout = *checksById.at("alpha-falls-with-dropout");
    EXPECT_EQ(dropout.verdict, Verdict::CannotTell);
    ASSERT_EQ(dropout.items.size(), 4u);
    EXPECT_EQ(dropout.items[0].reason, "with 3 runs even a perfect order gives p = 0.17 >= 0.05");
    EXPECT_NE(dropout.items[0].figure.find("rho = -1.00"), std::string::npos);
}

TEST(PaperChecks, ALayerWithoutAlphaIsLeftOutAndNamed) {
    Sweep sweep = makeSweep({0.0, 0.2, 0.4, 0.6, 0.8}, 9, +1, true, true);
    sweep.layers[1][0].spectrum.status = "dead: every kept unit is 0";
    sweep.layers[1][0].spectrum.alpha = NAN;
    const auto checks = checkSweep(sweep.runs);
    const auto checksById = byId(checks);
    const PaperCheck& near = *checksById.at("alpha-near-minus-one");
    EXPECT_EQ(near.items[0].verdict, Verdict::CannotTell);
    EXPECT_EQ(near.items[0].reason, "no alpha (dead)");
    EXPECT_EQ(near.verdict, Verdict::Holds); // the other two early layers are near -1
    const PaperCheck& depth = *checksById.at("alpha-falls-with-depth");
    EXPECT_NE(depth.items[1].figure.find("(exact), n = 8 layers; 1 layer without alpha left out"), std::string::npos)
        << depth.items[1].figure;
}

TEST(PaperChecks, OneAnalysisGetsThePerRunClaims) {
    Sweep sweep = makeSweep({0.2}, 9, +1, true, false);
    CheckedRun run = sweep.runs.front();
    const std::vector<PaperCheck> withRate = checkAnalysis(run);
    ASSERT_EQ(withRate.size(), 6u);
    for (const PaperCheck& check : withRate) {
        SCOPED_TRACE(check.id);
        EXPECT_EQ(check.verdict, Verdict::Holds) << check.figure;
    }
    run.dropout.reset();
    const auto unknownChecks = checkAnalysis(run);
    const auto unknown = byId(unknownChecks);
    EXPECT_EQ(unknown.count("alpha-falls-with-dropout"), 0u);
    EXPECT_EQ(unknown.at("alpha-near-minus-one")->verdict, Verdict::CannotTell);
    EXPECT_EQ(unknown.at("alpha-near-minus-one")->figure, "the dropout rate of this model is not known");
    EXPECT_EQ(unknown.at("alpha-falls-with-depth")->verdict, Verdict::Holds);
}

TEST(PaperChecks, StepMeasureFindsADropBeyondThePowerLaw) {
    LayerSpectrum plain = layer(0, -1.2);
    EXPECT_NEAR(largestSpectrumStep(plain.spectrum).decades, 0, 1e-12);
    // A factor of 100 from component 6: two decades, first seen in the window 3..6.
    LayerSpectrum stepped = layer(0, -1.2, 100);
    const auto step = largestSpectrumStep(stepped.spectrum);
    EXPECT_NEAR(step.decades, 2, 1e-12);
    EXPECT_EQ(step.component, 3);
    stepped.spectrum.status = "collapsed: 4 of 128 eigenvalues";
    EXPECT_TRUE(std::isnan(largestSpectrumStep(stepped.spectrum).decades));
}

TEST(PaperChecks, TextAndJsonCarryEveryClaim) {
    const Sweep sweep = makeSweep({0.0, 0.2, 0.4, 0.6, 0.8}, 9, +1, true, true);
    const auto checks = checkSweep(sweep.runs);
    const std::string text = codescope::claims::paperChecksText(checks);
    EXPECT_NE(text.find("holds          alpha falls with the dropout rate, layer by layer (Fig. 6b)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("rule: per layer, Spearman's rho of alpha against the runs' dropout rates"), std::string::npos);
    const nlohmann::json json = nlohmann::json::parse(codescope::claims::paperChecksJson(checks));
    EXPECT_EQ(json.at("significance").get<double>(), 0.05);
    ASSERT_EQ(json.at("checks").size(), kAllIds.size());
    EXPECT_EQ(json["checks"][2]["id"], "alpha-falls-with-dropout");
    EXPECT_EQ(json["checks"][2]["verdict"], "holds");
    EXPECT_EQ(json["checks"][2]["items"].size(), 9u);
    EXPECT_EQ(json["checks"][2]["items"][0]["scope"], "layer layer0");
}

TEST(PaperChecks, TextSaysOnceForManyItemsThatCannotTellForOneReason) {
    // A sweep whose deep layers all lack a step measure: one line with their count, not one line per layer; an item
    // with numbers of its own, and one that holds, keep their lines.
    PaperCheck check;
    check.claim = "the spectrum steps";
    check.paperFigure = "Fig. 5";
    check.rule = "a rule";
    for (int i = 0; i < 12; ++i)
        check.items.push_back(
            {"layer l" + std::to_string(i), "", Verdict::CannotTell, "no step measure at dropout 0.8"});
    check.items.push_back({"layer m", "step 0.70 decades", Verdict::CannotTell, "no step measure at dropout 0"});
    check.items.push_back({"layer k", "step 1.20 decades", Verdict::Holds, ""});
    const std::string text = codescope::claims::paperChecksText({check});
    EXPECT_NE(text.find("cannot tell    12 items (layer l0 ... layer l11): no step measure at dropout 0.8\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("layer l5"), std::string::npos) << text;
    EXPECT_NE(text.find("cannot tell    layer m: step 0.70 decades -- no step measure at dropout 0\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("holds          layer k: step 1.20 decades\n"), std::string::npos) << text;
}

} // namespace
