// Supplementary Fig. 1 as the authors ran it (core/mine/paper_mlp_experiment.h): the architecture (40 tanh layers,
// dropout after every 4th), eq. 2's reference lines against values computed by hand, MINE's schedule (3 hidden
// layers of 64, 100 epochs at 1e-4 then 50 at 5e-6, batch-mean held-out estimate), the list of differences from
// the authors' run, and a tiny run that gives both the trained and the untrained network's estimates.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/common/input_error.h"
#include "core/common/job_control.h"
#include "core/mine/known_channels.h"
#include "core/mine/mine_estimator.h"
#include "core/mine/paper_mlp_experiment.h"

using namespace codescope;
using namespace codescope::mine;

namespace {

// A run small enough for a unit test: 8 layers, dropout after the 4th and 8th, one short MINE phase each.
PaperMlpOptions tinyOptions() {
    PaperMlpOptions o;
    o.depth = 8;
    o.width = 16;
    o.epochs = 2;
    o.samples = 4096;
    o.mineEpochs = 20; // 8 steps each; faster rates than the authors' so that so few steps learn
    o.mineLearningRate = 2e-3;
    o.mineFineEpochs = 2;
    o.mineFineLearningRate = 2e-4;
    o.mineSamples = 2048;
    o.heldOutSamples = 2048;
    o.mineHiddenUnits = 32;
    o.seed = 5;
    return o;
}

} // namespace

TEST(MinePaper, DefaultsAreTheAuthorsRun) {
    const PaperMlpOptions o;
    EXPECT_EQ(o.inputs, 3);
    EXPECT_EQ(o.depth, 40);
    EXPECT_EQ(o.width, 32);
    EXPECT_EQ(o.dropout, 0.2);
    EXPECT_EQ(o.dropoutEvery, 4);
    EXPECT_EQ(o.epochs, 4);
    EXPECT_EQ(o.samples, 1000000);
    EXPECT_EQ(o.mineHiddenLayers, 3);
    EXPECT_EQ(o.mineHiddenUnits, 64);
    EXPECT_EQ(o.mineEpochs, 100);
    EXPECT_EQ(o.mineLearningRate, 1e-4);
    EXPECT_EQ(o.mineFineEpochs, 50);
    EXPECT_EQ(o.mineFineLearningRate, 5e-6);
    EXPECT_TRUE(differencesFromTheAuthors(o).empty());
}

TEST(MinePaper, FortyTanhLayersWithDropoutAfterEveryFourth) {
    const std::vector<PaperLayer> plan = paperLayerPlan(PaperMlpOptions());
    ASSERT_EQ(plan.size(), 40u);
    int dropouts = 0;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const std::int64_t l = static_cast<std::int64_t>(i) + 1;
        EXPECT_EQ(plan[i].index, l);
        EXPECT_EQ(plan[i].units, 32);
        EXPECT_EQ(plan[i].dropoutAfter, l == 4 || l == 8 || l == 12 || l == 16 || l == 20 || l == 24 || l == 28 ||
                                            l == 32 || l == 36 || l == 40)
            << "layer " << l;
        dropouts += plan[i].dropoutAfter ? 1 : 0;
        EXPECT_EQ(plan[i].dropoutLayersUpTo, l / 4) << "layer " << l;
    }
    EXPECT_EQ(dropouts, 10);

    PaperMlpOptions other;
    other.depth = 7;
    other.dropoutEvery = 3;
    const std::vector<PaperLayer> seven = paperLayerPlan(other);
    ASSERT_EQ(seven.size(), 7u);
    for (const PaperLayer& layer : seven)
        EXPECT_EQ(layer.dropoutAfter, layer.index == 3 || layer.index == 6) << "layer " << layer.index;
    EXPECT_EQ(seven.back().dropoutLayersUpTo, 2);
}

TEST(MinePaper, Eq2ReferenceLinesMatchHandComputedValues) {
    // C = 32 units x 1 bit x ln 2 = 22.18070977791825 nats; D = 0.2. Computed by hand (Python, math.log).
    const Eq2Reference r = eq2ReferenceLines(PaperMlpOptions());
    EXPECT_NEAR(r.capacityNats, 22.18070977791825, 1e-12);
    ASSERT_EQ(r.withCorrectionNats.size(), 40u);
    ASSERT_EQ(r.withoutCorrectionNats.size(), 40u);
    EXPECT_NEAR(r.withCorrectionNats[0], 22.18070977791825, 1e-12); // before the first dropout layer: C
    EXPECT_NEAR(r.withCorrectionNats[2], 22.18070977791825, 1e-12);
    EXPECT_NEAR(r.withCorrectionNats[3], 17.7445678223346, 1e-12); // layer 4: C (1 - D)
    EXPECT_NEAR(r.withCorrectionNats[39], 17.7445678223346, 1e-12);
    EXPECT_NEAR(r.withoutCorrectionNats[2], 22.18070977791825, 1e-12);
    EXPECT_NEAR(r.withoutCorrectionNats[3], 17.7445678223346, 1e-12);
    EXPECT_NEAR(r.withoutCorrectionNats[8], 14.195654257867682, 1e-12); // layer 9: N = 2
    EXPECT_NEAR(r.withoutCorrectionNats[39], 2.381635577455659, 1e-12); // layer 40: N = 10

    // Another width, rate and unit precision: C = 16 x 0.5 bit x ln 2, D = 0.3, dropout after every 2nd layer.
    PaperMlpOptions o;
    o.depth = 5;
    o.width = 16;
    o.dropout = 0.3;
    o.dropoutEvery = 2;
    o.unitBits = 0.5;
    const Eq2Reference s = eq2ReferenceLines(o);
    EXPECT_NEAR(s.capacityNats, 5.545177444479562, 1e-12);
    EXPECT_NEAR(s.withCorrectionNats[0], 5.545177444479562, 1e-12);
    EXPECT_NEAR(s.withCorrectionNats[4], 3.8816242111356933, 1e-12);
    EXPECT_NEAR(s.withoutCorrectionNats[1], 3.8816242111356933, 1e-12);
    EXPECT_NEAR(s.withoutCorrectionNats[4], 2.717136947794985, 1e-12);
}

TEST(MinePaper, MineFollowsTheAuthorsSchedule) {
    const MineOptions m = paperMineOptions(PaperMlpOptions());
    EXPECT_EQ(m.hiddenLayers, 3);
    EXPECT_EQ(m.hiddenUnits, 64);
    const std::int64_t perEpoch = 16384 / 256;
    ASSERT_EQ(m.phases.size(), 2u);
    EXPECT_EQ(m.phases[0].steps, 100 * perEpoch);
    EXPECT_EQ(m.phases[0].learningRate, 1e-4);
    EXPECT_EQ(m.phases[1].steps, 50 * perEpoch);
    EXPECT_EQ(m.phases[1].learningRate, 5e-6);
    EXPECT_EQ(totalSteps(m), 150 * perEpoch);
    EXPECT_EQ(m.trainingRows, 16384);
    EXPECT_TRUE(m.batchMeanEvaluation);
    EXPECT_EQ(m.evaluationSamples, 16384);
}

TEST(MinePaper, DifferencesAndChoicesAreNamed) {
    PaperMlpOptions o;
    o.epochs = 1;
    o.samples = 1000;
    const std::vector<std::string> lines = differencesFromTheAuthors(o);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "1 training epochs instead of 4");
    EXPECT_EQ(lines[1], "1000 training samples per epoch instead of 1000000");
    const std::vector<std::string> choices = implementationChoices(o);
    ASSERT_FALSE(choices.empty());
    EXPECT_NE(choices[0].find("batch of 32"), std::string::npos);
    EXPECT_GT(estimatedSeconds(PaperMlpOptions()), 10 * estimatedSeconds(tinyOptions()));
}

TEST(MinePaper, BadOptionsThrow) {
    const auto expectInputError = [](void (*change)(PaperMlpOptions&)) {
        PaperMlpOptions options;
        change(options);
        EXPECT_THROW(runPaperMlpExperiment(options), InputError);
    };
    expectInputError([](PaperMlpOptions& o) { o.depth = 0; });
    expectInputError([](PaperMlpOptions& o) { o.dropoutEvery = 0; });
    expectInputError([](PaperMlpOptions& o) { o.dropout = 1.0; });
    expectInputError([](PaperMlpOptions& o) { o.mineFineEpochs = -1; });
    expectInputError([](PaperMlpOptions& o) { o.mineSamples = 10; });
    expectInputError([](PaperMlpOptions& o) { o.mineFineLearningRate = 0; });
    expectInputError([](PaperMlpOptions& o) { o.unitBits = std::nan(""); });
}

TEST(MinePaper, TinyRunGivesTrainedAndUntrainedPerLayer) {
    const PaperMlpOptions o = tinyOptions();
    double last = 0;
    std::vector<std::int64_t> epochsDone;
    const PaperMlpResult r = runPaperMlpExperiment(
        o,
        [&last](double f) {
            EXPECT_GE(f, last);
            last = f;
        },
        nullptr,
        [&epochsDone](std::int64_t epoch, double seconds) {
            EXPECT_GT(seconds, 0);
            epochsDone.push_back(epoch);
        });
    EXPECT_EQ(epochsDone, (std::vector<std::int64_t>{1, 2}));
    EXPECT_NEAR(last, 1.0, 1e-9);
    ASSERT_EQ(r.layers.size(), 8u);
    ASSERT_EQ(r.trainedNats.size(), 8u);
    ASSERT_EQ(r.untrainedNats.size(), 8u);
    ASSERT_EQ(r.epochLoss.size(), 2u);
    ASSERT_EQ(r.epochSeconds.size(), 2u);
    EXPECT_GT(r.mineSecondsPerEpoch, 0);
    for (std::size_t l = 0; l < 8; ++l) {
        EXPECT_TRUE(std::isfinite(r.trainedNats[l])) << l;
        EXPECT_TRUE(std::isfinite(r.untrainedNats[l])) << l;
    }
    // Training must lower the reconstruction error below the untrained copy's (a wrong loss or target fails this).
    EXPECT_LT(r.trainedHeldOutMse, 0.8 * r.untrainedHeldOutMse);
    EXPECT_LT(r.epochLoss.back(), r.epochLoss.front());
    // The first layer of either copy is a near-invertible map of x plus no dropout yet: MINE finds clearly more than 0.
    EXPECT_GT(r.trainedNats[0], 0.5);
    EXPECT_GT(r.untrainedNats[0], 0.5);

    CancelToken cancel;
    cancel.cancel();
    EXPECT_THROW(runPaperMlpExperiment(o, {}, &cancel), Cancelled);
}

TEST(MineEstimator, EpochsOverAFixedSetPhasesAndBatchMean) {
    const ChannelOptions channel = defaultChannelOptions(ChannelKind::Erasure);
    MineOptions o;
    o.seed = 2;
    o.hiddenLayers = 3;
    o.hiddenUnits = 64;
    o.trainingRows = 8192;
    o.phases = {{600, 2e-3}, {200, 2e-4}};
    o.batchMeanEvaluation = true;
    o.evaluationSamples = 8192;
    const MineResult r = estimateMutualInformation(channelSampler(channel), o);
    ASSERT_EQ(r.estimates.size(), 1u);
    const MineEstimate& e = r.estimates[0];
    EXPECT_EQ(e.trainingCurve.size(), 800u);
    ASSERT_EQ(e.evaluationRunningMean.size(), 8192u / 256u);
    EXPECT_DOUBLE_EQ(e.evaluationRunningMean.back(), e.mutualInformation);
    const double exact = exactMutualInformation(channel);
    EXPECT_NEAR(e.mutualInformation, exact, 0.15 * exact);
}

TEST(MineInput, BadScheduleOptionsThrow) {
    const JointSampler sampler = channelSampler(defaultChannelOptions(ChannelKind::Erasure));
    const auto expectInputError = [&sampler](void (*change)(MineOptions&)) {
        MineOptions options;
        options.steps = 10;
        change(options);
        EXPECT_THROW(estimateMutualInformation(sampler, options), InputError);
    };
    expectInputError([](MineOptions& o) { o.hiddenLayers = 0; });
    expectInputError([](MineOptions& o) { o.phases = {{0, 1e-3}}; });
    expectInputError([](MineOptions& o) { o.phases = {{10, -1.0}}; });
    expectInputError([](MineOptions& o) { o.trainingRows = 100; }); // below the batch of 256
    expectInputError([](MineOptions& o) {
        o.batchMeanEvaluation = true;
        o.evaluationSamples = 100;
    });
}
