// Provenance of a result (core/pipeline/provenance.h): the "differs from the paper" list for the demo preset and for
// the authors' experiment, old runs, analysis settings, Codescope's own defaults, and the JSON round trip.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/common/input_error.h"
#include "core/pipeline/provenance.h"

using namespace codescope;
using namespace codescope::pipeline;

namespace {

// A run as `train --preset demo` records it (defaults of the demo, after its 3 epochs).
training::VaeRunRecord demoRun() {
    training::VaeRunRecord r;
    r.model = "resnet-vae-small";
    r.preset = "demo";
    r.dataset = "fashion-mnist";
    r.trainSamples = 12000;
    r.testSamples = 1000;
    r.epochs = r.epochsCompleted = 3;
    r.finished = true;
    r.batchSize = 50;
    r.learningRate = 1e-3;
    r.dropout = 0.2;
    r.dropoutPlacement = models::DropoutPlacement::Encoder;
    r.dropoutPlacementRecorded = true;
    r.loss = training::VaeLoss::Bce;
    r.lossRecorded = true;
    r.inputChannels = 1;
    r.inputSize = 28;
    r.widthDivisor = 8;
    r.hidden = r.hidden2 = 128;
    r.latent = 32;
    return r;
}

// A run as `train --preset paper --dataset cifar10:/data/cifar` records it after its 20 epochs.
training::VaeRunRecord paperRun() {
    training::VaeRunRecord r = demoRun();
    r.model = "resnet-vae";
    r.preset = "paper";
    r.dataset = "cifar10:/data/cifar";
    r.trainSamples = 50000;
    r.testSamples = 10000;
    r.epochs = r.epochsCompleted = 20;
    r.inputChannels = 3;
    r.inputSize = 224;
    r.widthDivisor = 1;
    r.hidden = 1024;
    r.hidden2 = 768;
    r.latent = 256;
    return r;
}

AnalysisRequest runRequest(const std::string& images) {
    AnalysisRequest request;
    request.model.path = "runs/dropout-0.2";
    request.model.isRun = true;
    request.data.images = images;
    return request;
}

bool has(const std::vector<std::string>& items, const std::string& text) {
    return std::any_of(items.begin(), items.end(),
                       [&](const std::string& item) { return item.find(text) != std::string::npos; });
}

} // namespace

TEST(Provenance, DemoPresetListsEveryDifferenceFromThePaper) {
    const Provenance p = makeProvenance(runRequest("fashion-mnist"), demoRun());
    ASSERT_TRUE(p.training);
    EXPECT_EQ(p.training->preset, "demo");
    EXPECT_EQ(p.training->epochs, 3);
    EXPECT_EQ(p.training->images, 12000);
    EXPECT_EQ(p.training->loss, "bce");
    EXPECT_EQ(p.training->dropoutPlacement, "encoder");
    const auto& d = p.differsFromPaper;
    EXPECT_TRUE(has(d, "3 epochs instead of 20"));
    EXPECT_TRUE(has(d, "28 x 28 Fashion-MNIST instead of 224 x 224 CIFAR-10"));
    EXPECT_TRUE(has(d, "12000 training images instead of 50000"));
    EXPECT_TRUE(has(d, "a smaller ResNet-VAE (ResNet-18 widths / 8, fc 128 / 128, latent 32)"));
    EXPECT_TRUE(has(d, "analysed on Fashion-MNIST instead of CIFAR-10's test images"));
    EXPECT_FALSE(has(d, "dropout")) << "the demo places dropout as the authors do";
    EXPECT_FALSE(has(d, "MSE"));
    EXPECT_EQ(d.size(), 5u);
}

TEST(Provenance, PaperPresetOnCifarTestImagesDiffersInNothing) {
    const Provenance p = makeProvenance(runRequest("cifar10:/data/cifar"), paperRun());
    EXPECT_TRUE(p.differsFromPaper.empty()) << p.differsFromPaper.front();
    const std::vector<std::string> lines = provenanceLines(p);
    EXPECT_TRUE(has(lines, "Differs from the paper: nothing Codescope knows of"));
    EXPECT_TRUE(has(lines, "preset paper"));
}

TEST(Provenance, OldRunsAndOtherChoicesAreNamed) {
    training::VaeRunRecord old = paperRun();
    old.preset.clear();
    old.dropoutPlacement = models::DropoutPlacement::All;
    old.dropoutPlacementRecorded = false;
    old.loss = training::VaeLoss::Mse;
    old.epochsCompleted = 1;
    old.batchSize = 32;
    old.learningRate = 5e-4;
    const Provenance p = makeProvenance(runRequest("cifar10:/data/cifar"), old);
    EXPECT_EQ(p.training->preset, "not recorded");
    EXPECT_TRUE(has(p.differsFromPaper, "dropout after every ReLU instead of the encoder's only (a run from before"));
    EXPECT_TRUE(has(p.differsFromPaper, "MSE + KL loss (the paper's text) instead of BCE + KL (the authors' code)"));
    EXPECT_TRUE(has(p.differsFromPaper, "1 epoch instead of 20"));
    EXPECT_TRUE(has(p.differsFromPaper, "batch 32 instead of 50"));
    EXPECT_TRUE(has(p.differsFromPaper, "learning rate 0.0005 instead of 0.001"));

    AnalysisRequest request = runRequest("cifar10-train:/data/cifar");
    request.samples = 200;
    request.spectrum.fitLo = 5;
    request.spectrum.fitHi = 40;
    request.coding.projections = 50;
    request.heldOutSpectrum = true;
    request.spectrum.singlePrecisionProducts = true;
    const Provenance q = makeProvenance(request, paperRun());
    EXPECT_TRUE(has(q.differsFromPaper, "CIFAR-10's train images instead of its test images"));
    EXPECT_TRUE(has(q.differsFromPaper, "200 images instead of 1000"));
    EXPECT_TRUE(has(q.differsFromPaper, "components 5-40 instead of 10-50"));
    EXPECT_TRUE(has(q.differsFromPaper, "50 random projections instead of 1000"));
    EXPECT_TRUE(has(q.differsFromPaper, "cross-validated PCA"));
    EXPECT_TRUE(has(q.differsFromPaper, "covariances from float32 products per block"));
}

TEST(Provenance, ModelFileAndImplementationDefaults) {
    AnalysisRequest request;
    request.model.path = "model.pt";
    request.data.images = "cifar10:/data/cifar";
    const Provenance p = makeProvenance(request, std::nullopt);
    EXPECT_FALSE(p.training);
    EXPECT_EQ(p.modelKind, "model file");
    EXPECT_NE(p.trainingNote.find("not recorded"), std::string::npos);
    EXPECT_TRUE(p.differsFromPaper.empty());
    EXPECT_TRUE(has(p.implementationDefaults, "moving dot: 100 frames, radius 3 px at 32 x 32"));
    EXPECT_TRUE(has(p.implementationDefaults, "explained variance: pooled R^2"));
    EXPECT_TRUE(has(p.implementationDefaults, "n = 20 features, m = 5 hidden"));
    request.coding.projections = 0; // no coding record: neither the dot nor the explained variance was used
    EXPECT_TRUE(makeProvenance(request, std::nullopt).implementationDefaults.empty());
}

TEST(Provenance, JsonRoundTripAndBadFields) {
    const Provenance p = makeProvenance(runRequest("fashion-mnist"), demoRun());
    const nlohmann::json json = provenanceToJson(p);
    EXPECT_EQ(json["training"]["dropout_placement"], "encoder");
    EXPECT_EQ(json["training"]["loss"], "bce");
    EXPECT_TRUE(json["differs_from_paper"].is_array());
    const Provenance back = provenanceFromJson(json, "a.json");
    EXPECT_EQ(back.differsFromPaper, p.differsFromPaper);
    EXPECT_EQ(back.implementationDefaults, p.implementationDefaults);
    EXPECT_EQ(provenanceLines(back), provenanceLines(p));

    nlohmann::json bad = json;
    bad["differs_from_paper"] = "3 epochs";
    EXPECT_THROW(provenanceFromJson(bad, "a.json"), InputError);
    EXPECT_NE(missingProvenanceText().find("Provenance missing"), std::string::npos);
}
