// MINE (Supplementary Fig. 1): the estimator against channels whose mutual information is known exactly, its
// properties (independent variables give ~0, several problems at once stay independent, seeded runs repeat), bad
// input, cancelling, and the dropout-MLP layer experiment at a tiny size.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include <ATen/Parallel.h>

#include "core/common/input_error.h"
#include "core/common/job_control.h"
#include "core/mine/dropout_mlp_experiment.h"
#include "core/mine/known_channels.h"
#include "core/mine/mine_estimator.h"

using namespace codescope;
using namespace codescope::mine;

namespace {

const double kLn2 = std::log(2.0);

// The default estimator (one thread) with a seed of its own.
MineOptions testOptions() {
    MineOptions options;
    options.seed = 3;
    return options;
}

// A quick, small estimator for the tests that check properties rather than accuracy.
MineOptions quickOptions() {
    MineOptions options = testOptions();
    options.steps = 300;
    options.hiddenUnits = 32;
    options.evaluationSamples = 4096;
    return options;
}

void expectWithinTenPercent(ChannelKind kind) {
    const ChannelOptions channel = defaultChannelOptions(kind);
    const double exact = exactMutualInformation(channel);
    const MineResult result = estimateMutualInformation(channelSampler(channel), testOptions());
    ASSERT_EQ(result.estimates.size(), 1u);
    const double estimate = result.estimates[0].mutualInformation;
    EXPECT_NEAR(estimate, exact, 0.1 * exact) << describeChannel(channel);
    EXPECT_EQ(result.estimates[0].trainingCurve.size(), static_cast<std::size_t>(testOptions().steps));
    std::printf("  %-60s estimate %.4f nats, exact %.4f, error %+.1f%%, %.1f s\n", describeChannel(channel).c_str(),
                estimate, exact, 100.0 * (estimate - exact) / exact, result.seconds);
}

// y_0 = x through a binary symmetric channel, y_1 = fresh bits independent of x.
JointSampler dependentAndIndependent() {
    const JointSampler bsc = channelSampler(defaultChannelOptions(ChannelKind::BinarySymmetric));
    return [bsc](std::int64_t rows, std::mt19937_64& rng, JointBatch& out) {
        bsc(rows, rng, out);
        JointBatch other;
        bsc(rows, rng, other);
        out.y.push_back(other.y.front());
    };
}

} // namespace

TEST(MineChannels, ExactValuesFollowTheClosedForms) {
    ChannelOptions bsc = defaultChannelOptions(ChannelKind::BinarySymmetric);
    EXPECT_NEAR(exactMutualInformation(bsc), 8 * (kLn2 + 0.2 * std::log(0.2) + 0.8 * std::log(0.8)), 1e-12);
    EXPECT_NEAR(exactMutualInformation(bsc), 1.5420, 1e-4); // 8 x 0.19275 nats
    bsc.flipProbability = 0.5;
    EXPECT_NEAR(exactMutualInformation(bsc), 0.0, 1e-12);
    bsc.flipProbability = 0.0;
    EXPECT_NEAR(exactMutualInformation(bsc), 8 * kLn2, 1e-12);
    bsc.flipProbability = 1.0; // a perfect inverter carries every bit
    EXPECT_NEAR(exactMutualInformation(bsc), 8 * kLn2, 1e-12);

    ChannelOptions erasure = defaultChannelOptions(ChannelKind::Erasure);
    EXPECT_NEAR(exactMutualInformation(erasure), 4 * kLn2, 1e-12); // 8 x (1 - 0.5) ln 2
    erasure.erasureProbability = 1.0;
    EXPECT_NEAR(exactMutualInformation(erasure), 0.0, 1e-12);

    ChannelOptions gaussian = defaultChannelOptions(ChannelKind::Gaussian);
    EXPECT_NEAR(exactMutualInformation(gaussian), 2 * kLn2, 1e-12); // 4/2 ln(1 + 1/1)
    gaussian.noiseStd = 0.5;
    gaussian.uses = 2;
    EXPECT_NEAR(exactMutualInformation(gaussian), std::log(5.0), 1e-12);
}

TEST(MineChannels, SamplersHaveTheStatedStatistics) {
    std::mt19937_64 rng(1);
    JointBatch batch;
    const std::int64_t rows = 20000;
    channelSampler(defaultChannelOptions(ChannelKind::BinarySymmetric))(rows, rng, batch);
    const double flips = (batch.x.array() != batch.y[0].array()).cast<double>().mean();
    EXPECT_NEAR(flips, 0.2, 0.01);
    EXPECT_NEAR(batch.x.cast<double>().mean(), 0.0, 0.01);

    channelSampler(defaultChannelOptions(ChannelKind::Erasure))(rows, rng, batch);
    EXPECT_NEAR((batch.y[0].array() == 0.0f).cast<double>().mean(), 0.5, 0.01);
    EXPECT_TRUE(((batch.y[0].array() == 0.0f) || (batch.y[0].array() == batch.x.array())).all());

    channelSampler(defaultChannelOptions(ChannelKind::Gaussian))(rows, rng, batch);
    ASSERT_EQ(batch.x.cols(), 4);
    const Eigen::ArrayXXd noise = (batch.y[0] - batch.x).cast<double>().array();
    EXPECT_NEAR(noise.square().mean(), 1.0, 0.03);
    EXPECT_NEAR(batch.x.cast<double>().array().square().mean(), 1.0, 0.03);
}

TEST(MineChannels, BinarySymmetricWithinTenPercent) {
    expectWithinTenPercent(ChannelKind::BinarySymmetric);
}

TEST(MineChannels, ErasureWithinTenPercent) {
    expectWithinTenPercent(ChannelKind::Erasure);
}

TEST(MineChannels, GaussianWithinTenPercent) {
    expectWithinTenPercent(ChannelKind::Gaussian);
}

TEST(MineEstimator, IndependentProblemsAtOnce) {
    // Two statistics networks in one run: the dependent pair gets its information, the independent one ~0.
    const MineResult result = estimateMutualInformation(dependentAndIndependent(), quickOptions());
    ASSERT_EQ(result.estimates.size(), 2u);
    const double exact = exactMutualInformation(defaultChannelOptions(ChannelKind::BinarySymmetric));
    EXPECT_GT(result.estimates[0].mutualInformation, 0.7 * exact);
    EXPECT_LT(result.estimates[0].mutualInformation, 1.1 * exact);
    EXPECT_NEAR(result.estimates[1].mutualInformation, 0.0, 0.05);
}

TEST(MineEstimator, SeededRunsRepeat) {
    const JointSampler sampler = channelSampler(defaultChannelOptions(ChannelKind::Gaussian));
    MineOptions options = quickOptions();
    options.steps = 50;
    const MineResult a = estimateMutualInformation(sampler, options);
    const MineResult b = estimateMutualInformation(sampler, options);
    EXPECT_EQ(a.estimates[0].mutualInformation, b.estimates[0].mutualInformation);
    EXPECT_EQ(a.estimates[0].trainingCurve, b.estimates[0].trainingCurve);
    options.seed += 1;
    const MineResult c = estimateMutualInformation(sampler, options);
    EXPECT_NE(a.estimates[0].mutualInformation, c.estimates[0].mutualInformation);
}

TEST(MineEstimator, RestoresTheThreadCount) {
    const int before = at::get_num_threads();
    MineOptions options = quickOptions();
    options.steps = 5;
    options.threads = before == 1 ? 2 : 1;
    estimateMutualInformation(channelSampler(defaultChannelOptions(ChannelKind::Erasure)), options);
    EXPECT_EQ(at::get_num_threads(), before);
}

TEST(MineInput, BadOptionsAndChannelsThrow) {
    const JointSampler sampler = channelSampler(defaultChannelOptions(ChannelKind::BinarySymmetric));
    const auto expectInputError = [&sampler](void (*change)(MineOptions&)) {
        MineOptions options = quickOptions();
        change(options);
        EXPECT_THROW(estimateMutualInformation(sampler, options), InputError);
    };
    expectInputError([](MineOptions& o) { o.steps = 0; });
    expectInputError([](MineOptions& o) { o.batchSize = 1; });
    expectInputError([](MineOptions& o) { o.hiddenUnits = 0; });
    expectInputError([](MineOptions& o) { o.evaluationSamples = 1; });
    expectInputError([](MineOptions& o) { o.learningRate = std::numeric_limits<double>::quiet_NaN(); });
    expectInputError([](MineOptions& o) { o.learningRate = -1e-3; });
    expectInputError([](MineOptions& o) { o.movingAverageRate = 0; });
    expectInputError([](MineOptions& o) { o.clampSigma = 0; });
    expectInputError([](MineOptions& o) { o.threads = -1; });
    EXPECT_THROW(estimateMutualInformation(JointSampler(), quickOptions()), InputError);

    ChannelOptions channel = defaultChannelOptions(ChannelKind::BinarySymmetric);
    channel.flipProbability = 1.5;
    EXPECT_THROW(exactMutualInformation(channel), InputError);
    EXPECT_THROW(channelSampler(channel), InputError);
    channel.flipProbability = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(exactMutualInformation(channel), InputError);
    channel = defaultChannelOptions(ChannelKind::Erasure);
    channel.erasureProbability = -0.1;
    EXPECT_THROW(exactMutualInformation(channel), InputError);
    channel = defaultChannelOptions(ChannelKind::Gaussian);
    channel.noiseStd = 0;
    EXPECT_THROW(exactMutualInformation(channel), InputError);
    channel.noiseStd = 1;
    channel.uses = 0;
    EXPECT_THROW(exactMutualInformation(channel), InputError);
    EXPECT_THROW(channelKindFromName("awgn"), InputError);
    EXPECT_EQ(channelKindFromName("erasure"), ChannelKind::Erasure);
}

TEST(MineInput, BadSamplersThrow) {
    const auto expectInputError = [](JointSampler sampler) {
        EXPECT_THROW(estimateMutualInformation(sampler, quickOptions()), InputError);
    };
    const JointSampler good = channelSampler(defaultChannelOptions(ChannelKind::Gaussian));
    expectInputError([](std::int64_t rows, std::mt19937_64&, JointBatch& out) {
        out.x = RowMatrixF::Zero(rows, 2);
        out.y.clear();
    });
    expectInputError([good](std::int64_t rows, std::mt19937_64& rng, JointBatch& out) {
        good(rows, rng, out);
        out.y[0](0, 0) = std::numeric_limits<float>::quiet_NaN();
    });
    expectInputError([good](std::int64_t rows, std::mt19937_64& rng, JointBatch& out) { good(rows - 1, rng, out); });
    expectInputError([good](std::int64_t rows, std::mt19937_64& rng, JointBatch& out) {
        good(rows, rng, out);
        out.y.push_back(RowMatrixF::Zero(rows, 3)); // a second y of another width
    });
}

TEST(MineJob, CancelStopsTheEstimate) {
    const JointSampler sampler = channelSampler(defaultChannelOptions(ChannelKind::Erasure));
    CancelToken before;
    before.cancel();
    EXPECT_THROW(estimateMutualInformation(sampler, quickOptions(), {}, &before), Cancelled);

    CancelToken during;
    double last = 0;
    const ProgressCallback cancelHalfway = [&](double fraction) {
        last = fraction;
        if (fraction >= 0.5) during.cancel();
    };
    EXPECT_THROW(estimateMutualInformation(sampler, quickOptions(), cancelHalfway, &during), Cancelled);
    EXPECT_GE(last, 0.5);
    EXPECT_LT(last, 0.6);

    DropoutMlpOptions layers;
    layers.trainSteps = 1000000;
    layers.threads = 1;
    EXPECT_THROW(runDropoutMlpExperiment(layers, {}, &before), Cancelled);
}

TEST(MineLayers, BadOptionsThrow) {
    const auto expectInputError = [](void (*change)(DropoutMlpOptions&)) {
        DropoutMlpOptions options;
        change(options);
        EXPECT_THROW(runDropoutMlpExperiment(options), InputError);
    };
    expectInputError([](DropoutMlpOptions& o) { o.bits = 0; });
    expectInputError([](DropoutMlpOptions& o) { o.depth = 0; });
    expectInputError([](DropoutMlpOptions& o) { o.width = -3; });
    expectInputError([](DropoutMlpOptions& o) { o.dropout = 1.0; });
    expectInputError([](DropoutMlpOptions& o) { o.dropout = std::numeric_limits<double>::quiet_NaN(); });
    expectInputError([](DropoutMlpOptions& o) { o.trainSteps = 0; });
    expectInputError([](DropoutMlpOptions& o) { o.batchSize = 1; });
    expectInputError([](DropoutMlpOptions& o) { o.mine.steps = 0; });
}

TEST(MineLayers, TinyExperimentRunsAndTheTrainedNetworkCarriesItsBits) {
    DropoutMlpOptions options;
    options.bits = 3;
    options.depth = 3;
    options.width = 16;
    options.dropout = 0.2;
    options.trainSteps = 400;
    options.threads = 1;
    options.mine = quickOptions();
    options.mine.steps = 400;
    double lastProgress = 0;
    const DropoutMlpResult r = runDropoutMlpExperiment(options, [&](double f) {
        EXPECT_GE(f, lastProgress);
        lastProgress = f;
    });
    EXPECT_NEAR(lastProgress, 1.0, 1e-9);
    ASSERT_EQ(r.trainedNats.size(), 3u);
    ASSERT_EQ(r.untrainedNats.size(), 3u);
    EXPECT_NEAR(r.inputEntropyNats, 3 * kLn2, 1e-12);
    EXPECT_NEAR(r.layerLimitNats, kLn2 * 16 * 0.8, 1e-12);
    ASSERT_EQ(r.trainingLoss.size(), 400u);
    const double firstLoss = std::accumulate(r.trainingLoss.begin(), r.trainingLoss.begin() + 50, 0.0) / 50;
    const double lastLoss = std::accumulate(r.trainingLoss.end() - 50, r.trainingLoss.end(), 0.0) / 50;
    EXPECT_LT(lastLoss, 0.7 * firstLoss);
    EXPECT_GT(r.trainedBitAccuracy, 0.8);
    for (std::size_t l = 0; l < 3; ++l) {
        // I(X; h_l) <= H(X), up to the estimator's sampling noise.
        EXPECT_LT(r.trainedNats[l], 1.1 * r.inputEntropyNats) << "layer " << l + 1;
        EXPECT_LT(r.untrainedNats[l], 1.1 * r.inputEntropyNats) << "layer " << l + 1;
        EXPECT_TRUE(std::isfinite(r.untrainedNats[l]));
    }
    // The trained network reads its bits back from the last layer, so the first layer must hold most of them, and
    // its last layer keeps clearly more than the untrained copy's (which loses information layer by layer).
    EXPECT_GT(r.trainedNats[0], 0.5 * r.inputEntropyNats);
    EXPECT_GT(r.trainedNats.back(), r.untrainedNats.back() + 0.3);
}
