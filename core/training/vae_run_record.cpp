#include "core/training/vae_run_record.h"

#include <filesystem>

#include "core/common/input_error.h"
#include "core/io/json_input.h"
#include "core/models/resnet_vae.h"

namespace codescope::training {

namespace {

constexpr std::int64_t kMaxCount = std::int64_t(1) << 40; // far above any data set, below overflow

std::string text(const nlohmann::json& object, const char* key, const std::string& source) {
    if (!object.contains(key)) return {};
    if (!object[key].is_string())
        throw InputError(source + ": '" + key + "' must be a string, found " + io::jsonTypeText(object[key]));
    return object[key].get<std::string>();
}

} // namespace

std::string vaeLossName(VaeLoss loss) {
    return loss == VaeLoss::Bce ? "bce" : "mse";
}

VaeLoss parseVaeLoss(const std::string& name) {
    if (name == "bce") return VaeLoss::Bce;
    if (name == "mse") return VaeLoss::Mse;
    throw InputError("unknown loss '" + name + "' (known: bce, mse)");
}

std::string vaeLossDescription(VaeLoss loss) {
    return loss == VaeLoss::Bce ? "binary cross-entropy (summed over pixels) + KL divergence"
                                : "squared error (summed over pixels) + KL divergence";
}

VaeRunRecord vaeRunRecordFromJson(const nlohmann::json& manifest, const std::string& source) {
    if (!manifest.is_object()) throw InputError(source + ": a run manifest must be a JSON object");
    if (text(manifest, "format", source) != kVaeRunManifestFormat)
        throw InputError(source + ": not a ResNet-VAE run manifest (format is not " +
                         std::string(kVaeRunManifestFormat) + ")");
    VaeRunRecord r;
    r.model = text(manifest, "model", source);
    r.preset = text(manifest, "preset", source);
    r.dataset = text(manifest, "dataset", source);
    r.trainSamples = io::jsonInteger(manifest, "train_samples", source, 0, kMaxCount);
    r.testSamples = io::jsonInteger(manifest, "test_samples", source, 0, kMaxCount);
    r.epochs = io::jsonInteger(manifest, "epochs", source, 0, kMaxCount);
    r.epochsCompleted = io::jsonInteger(manifest, "epochs_completed", source, 0, kMaxCount);
    r.finished = io::jsonBool(manifest, "finished", source);
    r.batchSize = io::jsonInteger(manifest, "batch_size", source, 0, kMaxCount);
    r.learningRate = io::jsonNumber(manifest, "learning_rate", source, 0.0, 1e9);
    r.dropout = io::jsonNumber(manifest, "dropout", source, 0.0, 1.0);

    if (!manifest.contains("model_config") || !manifest["model_config"].is_object())
        throw InputError(source + ": no 'model_config' object");
    // The model's own reader, so that a record and the model it describes never disagree (placement included:
    // manifests before the field existed read as dropout after every ReLU).
    const models::ResNetVaeConfig config = models::configFromJson(manifest["model_config"].dump(), source);
    r.inputChannels = config.inputChannels;
    r.inputSize = config.inputSize;
    r.widthDivisor = config.widthDivisor;
    r.hidden = config.hidden;
    r.hidden2 = config.hidden2;
    r.latent = config.latent;
    r.dropoutPlacement = config.dropoutPlacement;
    r.dropoutPlacementRecorded = manifest["model_config"].contains("dropout_placement");
    // Manifests before the field existed hold a sentence describing BCE + KL under "loss", the only loss there was.
    const std::string loss = text(manifest, "loss", source);
    r.lossRecorded = loss == "bce" || loss == "mse";
    if (r.lossRecorded) r.loss = parseVaeLoss(loss);
    return r;
}

std::optional<VaeRunRecord> readVaeRunRecord(const std::string& runDir) {
    const std::string path = (std::filesystem::path(runDir) / "manifest.json").string();
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
    const nlohmann::json manifest = io::readJsonFile(path);
    if (!manifest.is_object() || !manifest.contains("format") || manifest["format"] != kVaeRunManifestFormat)
        return std::nullopt;
    return vaeRunRecordFromJson(manifest, path);
}

} // namespace codescope::training
