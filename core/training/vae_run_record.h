#pragma once
// What a ResNet-VAE run folder's manifest.json says about how its model was trained, as plain values (no LibTorch):
// the provenance of every analysis of the run is made from this (pipeline/provenance.h), and `train` writes the
// manifest it is read from (training::trainVaeRun).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/models/vae_dropout.h"

namespace codescope::training {

/// The manifest's "format".
inline constexpr const char* kVaeRunManifestFormat = "codescope-vae-run/1";

/// The VAE's reconstruction term. Either is summed over pixels and added to the KL divergence
/// -1/2 sum(1 + logvar - mu^2 - exp(logvar)).
enum class VaeLoss {
    Bce, ///< binary cross-entropy: what the authors' ResNetVAE_cifar10.py computes (in a variable named MSE)
    Mse, ///< squared error: what the paper's Methods text says ("Mean Squared Error (MSE) and ... KLD")
};

/// "bce" / "mse": the name a flag, a manifest and a result file use.
std::string vaeLossName(VaeLoss loss);
/// The loss `name` names; throws InputError naming the accepted names otherwise.
VaeLoss parseVaeLoss(const std::string& name);
/// "binary cross-entropy (summed over pixels) + KL divergence" / "squared error (summed over pixels) + KL divergence".
std::string vaeLossDescription(VaeLoss loss);

/// One run as its manifest records it. Fields a manifest of an older version lacks are filled with what that
/// version did, and the *Recorded flags say so.
struct VaeRunRecord {
    std::string model;                ///< "resnet-vae-small", "resnet-vae"
    std::string preset;               ///< "demo", "paper"; empty when not recorded (runs before presets existed)
    std::string dataset;              ///< the training data set's spec, e.g. "fashion-mnist", "cifar10:/data/cifar"
    std::int64_t trainSamples = 0;    ///< training images the run used
    std::int64_t testSamples = 0;     ///< test images its test loss is over
    std::int64_t epochs = 0;          ///< epochs asked for
    std::int64_t epochsCompleted = 0; ///< epochs finished
    bool finished = false;
    std::int64_t batchSize = 0;
    double learningRate = 0;
    double dropout = 0;
    models::DropoutPlacement dropoutPlacement = models::DropoutPlacement::All;
    bool dropoutPlacementRecorded = false; ///< false: an older manifest, whose runs put dropout after every ReLU
    VaeLoss loss = VaeLoss::Bce;
    bool lossRecorded = false; ///< false: an older manifest, whose runs all used BCE + KL
    // The model's config (models::ResNetVaeConfig's fields that say what was trained).
    std::int64_t inputChannels = 0, inputSize = 0, widthDivisor = 1, hidden = 0, hidden2 = 0, latent = 0;
};

/// The record of a parsed manifest. Throws InputError "<source>: ..." for a manifest of another format or a field of
/// the wrong type or range.
VaeRunRecord vaeRunRecordFromJson(const nlohmann::json& manifest, const std::string& source);

/// The record of runDir/manifest.json, or nullopt when the folder holds no manifest of a ResNet-VAE run (e.g. a
/// tiny-lm run, or no manifest). Throws InputError naming the file for one that cannot be read or parsed.
std::optional<VaeRunRecord> readVaeRunRecord(const std::string& runDir);

} // namespace codescope::training
