#include "core/models/recording_model.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/common/input_error.h"
#include "core/io/input_file.h"
#include "core/io/json_input.h"
#include "core/models/state_dict_io.h"

namespace codescope::models {

namespace {

class RecordingModel : public CapturableModel {
public:
    explicit RecordingModel(RecordingModelSpec spec) : m_spec(std::move(spec)) {}

    std::vector<LayerInfo> discoverLayers(const at::Tensor& exampleInput) override {
        std::vector<LayerInfo> layers;
        run(exampleInput, [&](const std::string& name, const at::Tensor& output) {
            LayerInfo info;
            info.name = name;
            info.kind = m_spec.kindOf(name);
            info.depth = static_cast<int>(layers.size());
            info.shape.assign(output.sizes().begin() + m_spec.sampleDims, output.sizes().end());
            layers.push_back(std::move(info));
        });
        return layers;
    }

    std::vector<at::Tensor> capture(const at::Tensor& input, const std::vector<std::string>& layers) override {
        const std::vector<std::string>& known = m_spec.layerNames;
        std::map<std::string, std::vector<std::size_t>> wanted;
        for (std::size_t i = 0; i < layers.size(); ++i) {
            if (std::find(known.begin(), known.end(), layers[i]) == known.end())
                throw InputError(m_spec.name + ": unknown layer '" + layers[i] + "' (the model's layers are " +
                                 m_spec.layersDescription + ", " + known.front() + " ... " + known.back() + ")");
            wanted[layers[i]].push_back(i);
        }
        std::vector<at::Tensor> outputs(layers.size());
        run(input, [&](const std::string& name, const at::Tensor& output) {
            const auto found = wanted.find(name);
            if (found == wanted.end()) return;
            const at::Tensor rows =
                m_spec.sampleDims == 2 ? output.reshape({output.size(0) * output.size(1), -1}) : output.flatten(1);
            const at::Tensor contiguous = rows.to(at::kFloat).contiguous();
            for (std::size_t index : found->second)
                outputs[index] = contiguous;
        });
        return outputs;
    }

    std::string name() const override { return m_spec.name; }

private:
    void run(const at::Tensor& input, const ActivationRecorder& recorder) {
        at::NoGradGuard noGrad;
        try {
            m_spec.forward(input, recorder);
        } catch (const InputError& error) {
            throw InputError(m_spec.name + ": " + error.what());
        } catch (const c10::Error& error) {
            const std::string message = error.what_without_backtrace();
            throw InputError(m_spec.name + ": the model rejects an input of shape " + tensorShapeText(input.sizes()) +
                             " (it takes " + m_spec.inputHint + "): " + message.substr(0, message.find('\n')));
        }
    }

    RecordingModelSpec m_spec;
};

} // namespace

std::unique_ptr<CapturableModel> makeRecordingModel(RecordingModelSpec spec) {
    return std::make_unique<RecordingModel>(std::move(spec));
}

nlohmann::json readRunManifest(const std::string& runDir) {
    const std::string manifestPath = runDir + "/" + kRunManifestFile;
    std::error_code ignored;
    if (!std::filesystem::exists(manifestPath, ignored))
        throw InputError(io::oneLine(manifestPath) + ": cannot open the run manifest (is " + io::oneLine(runDir) +
                         " a training run?)");
    // A manifest is a few kilobytes; the limits refuse a device, a pipe or a bomb of nested brackets in one line.
    io::JsonLimits limits;
    limits.maxFileBytes = std::int64_t{16} << 20;
    nlohmann::json manifest = io::readJsonFile(manifestPath, limits);
    // The fields that readers look up with json.value() are checked for their type here, once, so that a wrong
    // type is reported against the file instead of escaping as a JSON library error.
    const std::string source = io::oneLine(manifestPath);
    if (!manifest.is_object())
        throw InputError(source + ": expected a JSON object (a run manifest), found " + io::jsonTypeText(manifest));
    const auto expect = [&](const char* key, bool ok, const char* type) {
        if (manifest.contains(key) && !ok)
            throw InputError(source + ": '" + key + "' must be " + type + ", found " + io::jsonTypeText(manifest[key]));
    };
    expect("finished", manifest.value("finished", nlohmann::json(false)).is_boolean(), "true or false");
    expect("model", manifest.value("model", nlohmann::json("")).is_string(), "a string");
    expect("model_config", manifest.value("model_config", nlohmann::json::object()).is_object(), "an object");
    return manifest;
}

nlohmann::json readFinishedRunManifest(const std::string& runDir) {
    const std::string manifestPath = runDir + "/" + kRunManifestFile;
    nlohmann::json manifest = readRunManifest(runDir);
    if (!manifest.value("finished", false))
        throw InputError(manifestPath + ": the run is not finished (re-run its train command to complete it)");
    if (!manifest.contains("model_config"))
        throw InputError(manifestPath + ": no model_config, so the run does not say which model it trained");
    return manifest;
}

} // namespace codescope::models
