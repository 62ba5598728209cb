// Training the ResNet-VAE on a tiny in-test data set: the loss falls, runs resume from their checkpoint with the
// numbers of an uninterrupted run, cancelling keeps the last finished epoch, the sweep lays out its run folders.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include <ATen/ops/zeros.h>
#include <nlohmann/json.hpp>

#include "core/common/input_error.h"
#include "core/common/job_control.h"
#include "core/models/resnet_vae.h"
#include "core/training/vae_training.h"
#include "tests/unit/support/rectangle_images.h"
#include "tests/unit/support/test_files.h"

namespace fs = std::filesystem;
using namespace codescope;
using namespace codescope::training;

namespace {

TrainingData tinyData() {
    TrainingData data;
    data.train = test::rectangleImages(96, 1);
    data.test = test::rectangleImages(16, 2);
    data.name = "rectangles";
    return data;
}

TrainOptions tinyOptions(std::int64_t epochs) {
    TrainOptions options;
    options.epochs = epochs;
    options.batchSize = 8;
    options.seed = 7;
    options.dropout = 0.2;
    return options;
}

nlohmann::json manifestOf(const std::string& runDir) {
    std::ifstream in(runDir + "/manifest.json");
    EXPECT_TRUE(in) << runDir;
    return nlohmann::json::parse(in);
}

class TempDir {
public:
    TempDir() {
        m_path = fs::temp_directory_path() /
                 ("codescope-vae-training-" + std::to_string(::getpid()) + "-" + std::to_string(s_counter++));
        fs::create_directories(m_path);
    }
    ~TempDir() { fs::remove_all(m_path); }
    std::string path(const std::string& name) const { return (m_path / name).string(); }

private:
    static inline int s_counter = 0;
    fs::path m_path;
};

} // namespace

TEST(VaeTraining, TinyRunLowersTheLossAndWritesARunFolder) {
    TempDir dir;
    const std::string runDir = dir.path("run");
    const TrainingData data = tinyData();
    std::vector<TrainingProgress> reports;
    const RunSummary run =
        trainVaeRun(tinyOptions(3), data, runDir, [&](const TrainingProgress& p) { reports.push_back(p); });

    ASSERT_EQ(run.epochs.size(), 3u);
    EXPECT_EQ(run.outcome, RunSummary::Outcome::Trained);
    // 36 Adam steps: the training loss falls clearly. (The eval-mode test loss lags behind here: bn1, bn2 and the
    // decoder's BatchNorms keep running statistics with momentum 0.01, as the public ResNet-VAE, and 36 batches
    // barely move them; the CLI's default sweep checks the test loss on real data.)
    EXPECT_LT(run.epochs.back().trainLoss, 0.97 * run.epochs.front().trainLoss)
        << run.epochs.front().trainLoss << " -> " << run.epochs.back().trainLoss;
    EXPECT_GT(run.untrainedTestLoss, 0.0);

    ASSERT_FALSE(reports.empty());
    for (std::size_t i = 1; i < reports.size(); ++i)
        EXPECT_GE(reports[i].fraction, reports[i - 1].fraction);
    EXPECT_DOUBLE_EQ(reports.back().fraction, 1.0);
    EXPECT_GT(reports.back().samplesPerSecond, 0.0);
    EXPECT_GE(reports.back().etaSeconds, 0.0);

    const nlohmann::json manifest = manifestOf(runDir);
    EXPECT_EQ(manifest["model"], "resnet-vae-small");
    EXPECT_EQ(manifest["dataset"], "rectangles");
    EXPECT_EQ(manifest["finished"], true);
    EXPECT_EQ(manifest["epochs_completed"], 3);
    EXPECT_EQ(manifest["seed"], 7);
    EXPECT_DOUBLE_EQ(manifest["dropout"].get<double>(), 0.2);
    EXPECT_EQ(manifest["train_loss"].size(), 3u);
    EXPECT_DOUBLE_EQ(manifest["untrained_test_loss"].get<double>(), run.untrainedTestLoss);
    EXPECT_DOUBLE_EQ(manifest["final_test_loss"].get<double>(), run.epochs.back().testLoss);
    EXPECT_TRUE(fs::exists(runDir + "/model.pt"));
    EXPECT_TRUE(fs::exists(runDir + "/checkpoint.pt"));

    // The finished run opens for capture, with the config from its manifest.
    models::ResNetVaeConfig config;
    auto model = models::openResNetVaeRun(runDir, &config);
    EXPECT_EQ(config.inputSize, 28);
    EXPECT_DOUBLE_EQ(config.dropout, 0.2);
    EXPECT_EQ(model->discoverLayers(at::zeros({2, 1, 28, 28})).size(), 23u);

    // Running it again does nothing.
    const RunSummary again = trainVaeRun(tinyOptions(3), data, runDir);
    EXPECT_EQ(again.outcome, RunSummary::Outcome::AlreadyFinished);
    EXPECT_EQ(again.epochs.size(), 3u);
}

TEST(VaeTraining, ResumedRunContinuesFromItsCheckpoint) {
    TempDir dir;
    const TrainingData data = tinyData();
    const RunSummary straight = trainVaeRun(tinyOptions(2), data, dir.path("straight"));

    const RunSummary first = trainVaeRun(tinyOptions(1), data, dir.path("resumed"));
    EXPECT_EQ(manifestOf(dir.path("resumed"))["finished"], true);
    const RunSummary resumed = trainVaeRun(tinyOptions(2), data, dir.path("resumed"));
    EXPECT_EQ(resumed.outcome, RunSummary::Outcome::Resumed);
    EXPECT_EQ(resumed.startEpoch, 1);
    ASSERT_EQ(resumed.epochs.size(), 2u);
    EXPECT_DOUBLE_EQ(resumed.epochs[0].testLoss, first.epochs[0].testLoss) << "epoch 1 comes from the checkpoint";
    // Epoch 2 reseeds from (seed, epoch) and continues Adam's state: the numbers of the uninterrupted run.
    EXPECT_NEAR(resumed.epochs[1].trainLoss, straight.epochs[1].trainLoss, 1e-6 * straight.epochs[1].trainLoss);
    EXPECT_NEAR(resumed.epochs[1].testLoss, straight.epochs[1].testLoss, 1e-6 * straight.epochs[1].testLoss);
    EXPECT_EQ(manifestOf(dir.path("resumed"))["epochs_completed"], 2);

    TrainOptions otherSeed = tinyOptions(2);
    otherSeed.seed = 8;
    try {
        trainVaeRun(otherSeed, data, dir.path("resumed"));
        ADD_FAILURE() << "a checkpoint of other settings was continued";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("seed 7 (now 8)"), std::string::npos) << error.what();
    }
}

TEST(VaeTraining, CancelStopsAfterTheLastFinishedEpoch) {
    TempDir dir;
    const std::string runDir = dir.path("run");
    const TrainingData data = tinyData();
    CancelToken cancel;
    EXPECT_THROW(trainVaeRun(
                     tinyOptions(3), data, runDir,
                     [&](const TrainingProgress& p) {
                         if (p.epoch == 1) cancel.cancel();
                     },
                     &cancel),
                 Cancelled);
    const nlohmann::json manifest = manifestOf(runDir);
    EXPECT_EQ(manifest["epochs_completed"], 1);
    EXPECT_EQ(manifest["finished"], false);
    EXPECT_FALSE(fs::exists(runDir + "/model.pt"));
    EXPECT_THROW(models::openResNetVaeRun(runDir), InputError);

    const RunSummary resumed = trainVaeRun(tinyOptions(3), data, runDir);
    EXPECT_EQ(resumed.outcome, RunSummary::Outcome::Resumed);
    EXPECT_EQ(resumed.startEpoch, 1);
    EXPECT_EQ(manifestOf(runDir)["finished"], true);
}

TEST(VaeTraining, CorruptCheckpointIsAnInputErrorNamingIt) {
    TempDir dir;
    const std::string runDir = dir.path("run");
    const TrainingData data = tinyData();
    trainVaeRun(tinyOptions(1), data, runDir);
    std::ofstream(runDir + "/checkpoint.pt", std::ios::trunc) << "not a checkpoint";
    try {
        trainVaeRun(tinyOptions(2), data, runDir);
        ADD_FAILURE() << "a corrupt checkpoint was accepted";
    } catch (const InputError& error) {
        EXPECT_EQ(std::string(error.what()).rfind(runDir + "/checkpoint.pt: ", 0), 0u) << error.what();
    }
}

TEST(VaeTraining, SweepWritesOneFolderPerRate) {
    TempDir dir;
    const TrainingData data = tinyData();
    double lastFraction = 0;
    int lastRun = -1;
    const auto runs =
        trainDropoutSweep(tinyOptions(1), {0.0, 0.5}, data, dir.path("sweep"), [&](const TrainingProgress& p) {
            EXPECT_GE(p.fraction, lastFraction);
            EXPECT_EQ(p.runs, 2);
            lastFraction = p.fraction;
            lastRun = p.run;
        });
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(lastRun, 1);
    EXPECT_DOUBLE_EQ(lastFraction, 1.0);
    EXPECT_EQ(runDirectoryName(0.0), "dropout-0");
    EXPECT_EQ(runDirectoryName(0.2), "dropout-0.2");
    EXPECT_DOUBLE_EQ(manifestOf(dir.path("sweep/dropout-0.5"))["dropout"].get<double>(), 0.5);
    EXPECT_TRUE(fs::exists(dir.path("sweep/dropout-0/model.pt")));
    std::ifstream sweepFile(dir.path("sweep/sweep.json"));
    const nlohmann::json sweep = nlohmann::json::parse(sweepFile);
    ASSERT_EQ(sweep["runs"].size(), 2u);
    EXPECT_EQ(sweep["runs"][1]["directory"], "dropout-0.5");

    const auto again = trainDropoutSweep(tinyOptions(1), {0.0, 0.5}, data, dir.path("sweep"));
    EXPECT_EQ(again[0].outcome, RunSummary::Outcome::AlreadyFinished);
    EXPECT_EQ(again[1].outcome, RunSummary::Outcome::AlreadyFinished);
    EXPECT_THROW(trainDropoutSweep(tinyOptions(1), {0.2, 0.2}, data, dir.path("x")), InputError);
}

TEST(VaeTraining, BadOptionsAreInputErrors) {
    TempDir dir;
    const TrainingData data = tinyData();
    TrainOptions options = tinyOptions(1);
    options.model = "vgg";
    EXPECT_THROW(trainVaeRun(options, data, dir.path("a")), InputError);
    options = tinyOptions(1);
    options.dropout = 1.0;
    EXPECT_THROW(trainVaeRun(options, data, dir.path("b")), InputError);
    options = tinyOptions(0);
    EXPECT_THROW(trainVaeRun(options, data, dir.path("c")), InputError);
    options = tinyOptions(1);
    options.dataset = "npy:/tmp/x.npy";
    EXPECT_THROW(loadTrainingData(options), InputError);
}

TEST(VaeTraining, LoadsTheFirstImagesOfFashionMnist) {
    TrainOptions options;
    options.trainSamples = 10;
    options.testSamples = 5;
    const TrainingData data = loadTrainingData(options);
    EXPECT_EQ(data.train.count, 10);
    EXPECT_EQ(data.test.count, 5);
    EXPECT_EQ(data.train.channels, 1);
    EXPECT_EQ(data.train.height, 28);
    EXPECT_EQ(data.name, "fashion-mnist");
}

// The loss against PyTorch (tests/data/make_vae_loss_cases.py): BCE + KL as the authors' code, MSE + KL as the
// paper's text, both summed over pixels and the batch.
TEST(VaeTraining, LossEqualsPyTorchForBceAndMse) {
    std::ifstream in(std::string(CODESCOPE_TEST_DATA_DIR) + "/vae_loss/vae_loss_cases.json");
    ASSERT_TRUE(in);
    const nlohmann::json fixture = nlohmann::json::parse(in);
    ASSERT_GE(fixture["cases"].size(), 4u);
    for (const nlohmann::json& c : fixture["cases"]) {
        const auto recon = c["reconstruction"].get<std::vector<float>>();
        const auto target = c["target"].get<std::vector<float>>();
        const auto mu = c["mu"].get<std::vector<float>>();
        const auto logvar = c["logvar"].get<std::vector<float>>();
        const double bce = c["bce_plus_kld"].get<double>(), mse = c["mse_plus_kld"].get<double>();
        EXPECT_NEAR(vaeLossValue(VaeLoss::Bce, recon, target, mu, logvar), bce, 1e-5 * std::fabs(bce));
        EXPECT_NEAR(vaeLossValue(VaeLoss::Mse, recon, target, mu, logvar), mse, 1e-5 * std::fabs(mse));
        EXPECT_GT(std::fabs(bce - mse), 1.0) << "the two losses must be told apart";
    }
    EXPECT_THROW(vaeLossValue(VaeLoss::Bce, {0.5f}, {0.5f, 0.5f}, {0.f}, {0.f}), InputError);
}

TEST(VaeTraining, PresetsAreTheDemoAndTheAuthorsExperiment) {
    const TrainOptions demo = trainingPreset("demo");
    EXPECT_EQ(demo.preset, "demo");
    EXPECT_EQ(demo.model, "resnet-vae-small");
    EXPECT_EQ(demo.dataset, "fashion-mnist");
    EXPECT_EQ(demo.epochs, 3);
    EXPECT_EQ(demo.trainSamples, 12000);
    EXPECT_EQ(demo.dropoutPlacement, models::DropoutPlacement::Encoder);
    EXPECT_EQ(demo.loss, VaeLoss::Bce);
    const TrainOptions paper = trainingPreset("paper");
    EXPECT_EQ(paper.preset, "paper");
    EXPECT_EQ(paper.model, "resnet-vae");
    EXPECT_EQ(paper.dataset, "cifar10");
    EXPECT_EQ(paper.epochs, 20);
    EXPECT_EQ(paper.trainSamples, 0);
    EXPECT_EQ(paper.batchSize, 50);
    EXPECT_DOUBLE_EQ(paper.learningRate, 1e-3);
    const models::ResNetVaeConfig authors = models::resnetVaeConfigByName(paper.model);
    EXPECT_EQ(authors.hidden, 1024);
    EXPECT_EQ(authors.hidden2, 768);
    EXPECT_EQ(authors.latent, 256);
    EXPECT_EQ(authors.inputSize, 224);
    EXPECT_EQ(authors.inputChannels, 3);
    EXPECT_THROW(trainingPreset("fast"), InputError);
}

// What train writes, readVaeRunRecord reads back; a manifest of an older version (no placement, no loss name, no
// preset) reads as what those versions did: dropout after every ReLU, BCE.
TEST(VaeTraining, ManifestRoundTripsPlacementLossAndPreset) {
    TempDir dir;
    const TrainingData data = tinyData();
    TrainOptions options = tinyOptions(1);
    options.dropoutPlacement = models::DropoutPlacement::All;
    options.loss = VaeLoss::Mse;
    trainVaeRun(options, data, dir.path("run"));
    const nlohmann::json manifest = manifestOf(dir.path("run"));
    EXPECT_EQ(manifest["loss"], "mse");
    EXPECT_EQ(manifest["dropout_placement"], "all");
    EXPECT_EQ(manifest["model_config"]["dropout_placement"], "all");
    EXPECT_EQ(manifest["preset"], "demo");

    const auto record = readVaeRunRecord(dir.path("run"));
    ASSERT_TRUE(record);
    EXPECT_EQ(record->model, "resnet-vae-small");
    EXPECT_EQ(record->preset, "demo");
    EXPECT_EQ(record->dataset, "rectangles");
    EXPECT_EQ(record->trainSamples, 96);
    EXPECT_EQ(record->testSamples, 16);
    EXPECT_EQ(record->epochs, 1);
    EXPECT_EQ(record->epochsCompleted, 1);
    EXPECT_TRUE(record->finished);
    EXPECT_EQ(record->batchSize, 8);
    EXPECT_DOUBLE_EQ(record->dropout, 0.2);
    EXPECT_EQ(record->dropoutPlacement, models::DropoutPlacement::All);
    EXPECT_TRUE(record->dropoutPlacementRecorded);
    EXPECT_EQ(record->loss, VaeLoss::Mse);
    EXPECT_TRUE(record->lossRecorded);
    EXPECT_EQ(record->inputSize, 28);
    EXPECT_EQ(record->widthDivisor, 8);
    // The model opens with the placement its manifest records.
    models::ResNetVaeConfig config;
    models::openResNetVaeRun(dir.path("run"), &config);
    EXPECT_EQ(config.dropoutPlacement, models::DropoutPlacement::All);

    // The default run records the authors' choices; changing the loss is another run, not a continuation.
    trainVaeRun(tinyOptions(1), data, dir.path("default"));
    const auto defaults = readVaeRunRecord(dir.path("default"));
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->dropoutPlacement, models::DropoutPlacement::Encoder);
    EXPECT_EQ(defaults->loss, VaeLoss::Bce);
    TrainOptions otherLoss = tinyOptions(2);
    otherLoss.loss = VaeLoss::Mse;
    try {
        trainVaeRun(otherLoss, data, dir.path("default"));
        ADD_FAILURE() << "a BCE checkpoint was continued with MSE";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("loss \"bce\" (now \"mse\")"), std::string::npos) << error.what();
    }

    nlohmann::json old = manifest;
    old.erase("preset");
    old.erase("dropout_placement");
    old["model_config"].erase("dropout_placement");
    old["loss"] = "binary cross-entropy of the reconstruction (sum over pixels) + KL divergence, per image";
    const VaeRunRecord oldRecord = vaeRunRecordFromJson(old, "old/manifest.json");
    EXPECT_EQ(oldRecord.preset, "");
    EXPECT_EQ(oldRecord.dropoutPlacement, models::DropoutPlacement::All);
    EXPECT_FALSE(oldRecord.dropoutPlacementRecorded);
    EXPECT_EQ(oldRecord.loss, VaeLoss::Bce);
    EXPECT_FALSE(oldRecord.lossRecorded);
    EXPECT_EQ(models::configFromJson(old["model_config"].dump(), "old").dropoutPlacement,
              models::DropoutPlacement::All);

    nlohmann::json bad = manifest;
    bad["model_config"]["dropout_placement"] = "decoder";
    EXPECT_NE(test::errorOf([&] { vaeRunRecordFromJson(bad, "bad/manifest.json"); }).find("decoder"),
              std::string::npos);
    EXPECT_FALSE(readVaeRunRecord(dir.path("nowhere")));
}

TEST(VaeTraining, EpochEstimateIsPositive) {
    const TrainingData data = tinyData();
    const double seconds = estimateEpochSeconds(tinyOptions(1), data);
    EXPECT_GT(seconds, 0.0);
    EXPECT_LT(seconds, 600.0);
}
