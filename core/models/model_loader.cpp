#include "core/models/model_loader.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "core/common/input_error.h"
#include "core/models/recording_model.h"
#include "core/models/resnet_vae.h"
#include "core/models/resnet_vae_state_dict.h"
#include "core/models/state_dict_io.h"
#include "core/models/tiny_lm.h"
#include "core/models/torchscript_model.h"

namespace codescope::models {

namespace {
// ImageNet-sized RGB: what most TorchScript vision models a researcher exports expect. Only for a model given no
// data (listing its layers): with data, the data's own shape is the honest default.
const std::vector<std::int64_t> kDefaultInputShape = {3, 224, 224};

std::vector<std::int64_t> runInputShape(const ResNetVaeConfig& config) {
    return {config.inputChannels, config.inputSize, config.inputSize};
}
} // namespace

std::vector<std::int64_t> imageInputShape(const ModelSpec& spec) {
    if (spec.isRun) {
        const nlohmann::json manifest = readFinishedRunManifest(spec.path);
        if (manifest.value("model", std::string()) == kTinyLmModelName) return {};
        return runInputShape(configFromJson(manifest["model_config"].dump(), spec.path + "/" + kRunManifestFile));
    }
    if (spec.takesTokens) return {};
    if (!spec.inputShape.empty()) return spec.inputShape;
    return spec.dataShape.empty() ? kDefaultInputShape : spec.dataShape;
}

LoadedModel openModel(const ModelSpec& spec) {
    LoadedModel loaded;
    if (spec.isRun) {
        if (runModelName(spec.path) == kTinyLmModelName) {
            TinyLmConfig config;
            loaded.model = openTinyLmRun(spec.path, &config);
            loaded.takesTokens = true;
            loaded.contextLength = config.contextLength;
            loaded.vocabularySize = config.vocabularySize;
            loaded.byteTokens = true;
            return loaded;
        }
        ResNetVaeConfig config;
        loaded.model = openResNetVaeRun(spec.path, &config);
        loaded.inputShape = runInputShape(config);
        return loaded;
    }
    if (isTorchSaveArchive(spec.path)) {
        ResNetVaeConfig config;
        loaded.model = openResNetVaeStateDict(spec.path, spec.inputShape, spec.dataShape, &config);
        if (spec.takesTokens) throw InputError(spec.path + ": its ResNet-VAE takes images, not token ids");
        loaded.inputShape = {config.inputChannels, config.inputSize, config.inputSize};
        return loaded;
    }
    if (spec.takesTokens && spec.contextLength < 1)
        throw InputError(spec.path + ": a language model needs its context length (tokens per sequence, >= 1)");
    loaded.model = loadTorchScriptModel(spec.path);
    if (spec.takesTokens) {
        loaded.takesTokens = true;
        loaded.contextLength = spec.contextLength;
        return loaded;
    }
    loaded.inputShape = imageInputShape(spec);
    return loaded;
}

at::Tensor exampleInput(const LoadedModel& loaded) {
    if (loaded.takesTokens) return at::zeros({2, loaded.contextLength}, at::kLong);
    return at::zeros({2, loaded.inputShape[0], loaded.inputShape[1], loaded.inputShape[2]}, at::kFloat);
}

data::Preprocessing inputPreprocessing(const LoadedModel& loaded) {
    if (loaded.takesTokens) throw InputError(loaded.model->name() + ": a language model takes token ids, not images");
    data::Preprocessing preprocessing;
    preprocessing.channels = loaded.inputShape.at(0);
    preprocessing.height = loaded.inputShape.at(1);
    preprocessing.width = loaded.inputShape.at(2);
    return preprocessing;
}

} // namespace codescope::models
