#include "core/models/resnet_vae_state_dict.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include "core/common/input_error.h"

namespace codescope::models {

namespace {

const char* const kExportHint = "to analyse a model of your own, export it as TorchScript: "
                                "torch.jit.trace(model.eval(), example).save(\"model.pt\")";

[[noreturn]] void notResNetVae(const std::string& sourceName, const std::string& reason) {
    throw InputError(sourceName +
                     ": a PyTorch state_dict (weights without code, not a TorchScript archive) that is not the "
                     "paper's ResNet-VAE (" +
                     reason + "); " + kExportHint);
}

// nn.DataParallel saves its module's keys as "module.<key>".
StateDict withoutDataParallelPrefix(const StateDict& entries) {
    const std::string prefix = "module.";
    const bool all = !entries.empty() && std::all_of(entries.begin(), entries.end(), [&](const auto& entry) {
        return entry.first.rfind(prefix, 0) == 0;
    });
    if (!all) return entries;
    StateDict out;
    for (const auto& [name, tensor] : entries)
        out.emplace_back(name.substr(prefix.size()), tensor);
    return out;
}

std::vector<std::string> pathParts(const std::string& key) {
    std::vector<std::string> parts;
    std::size_t begin = 0;
    for (std::size_t dot = key.find('.'); dot != std::string::npos; begin = dot + 1, dot = key.find('.', begin))
        parts.push_back(key.substr(begin, dot - begin));
    parts.push_back(key.substr(begin));
    return parts;
}

bool isIndex(const std::string& part) {
    return !part.empty() && part.size() <= 9 &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The keys with every index (a numeric part: a child of nn.Sequential or nn.ModuleList) replaced by its rank among
// the indices that follow the same prefix in these keys. Modules without tensors (ReLU, MaxPool, Dropout) leave no
// key, so the ranks are the same whether or not such modules sit between those with tensors.
std::vector<std::string> rankedKeys(const std::vector<std::string>& keys) {
    std::map<std::string, std::set<long>> indicesAfter; // prefix ("resnet.") -> the indices that follow it
    for (const std::string& key : keys) {
        std::string prefix;
        for (const std::string& part : pathParts(key)) {
            if (isIndex(part)) indicesAfter[prefix].insert(std::stol(part));
            prefix += part + ".";
        }
    }
    std::vector<std::string> ranked;
    for (const std::string& key : keys) {
        std::string prefix, out;
        for (const std::string& part : pathParts(key)) {
            std::string piece = part;
            if (isIndex(part)) {
                const std::set<long>& siblings = indicesAfter[prefix];
                piece = std::to_string(std::distance(siblings.begin(), siblings.find(std::stol(part))));
            }
            out += (out.empty() ? "" : ".") + piece;
            prefix += part + ".";
        }
        ranked.push_back(out);
    }
    return ranked;
}

std::vector<std::string> keysOf(const StateDict& entries) {
    std::vector<std::string> keys;
    for (const auto& entry : entries)
        keys.push_back(entry.first);
    return keys;
}

// `entries` under the names of `own` (the model's state_dict) where their ranked keys agree; others keep their name.
StateDict renamedLike(const StateDict& entries, const StateDict& own) {
    const std::vector<std::string> ownRanked = rankedKeys(keysOf(own));
    std::map<std::string, std::string> ownByRanked;
    for (std::size_t i = 0; i < own.size(); ++i)
        ownByRanked[ownRanked[i]] = own[i].first;
    const std::vector<std::string> ranked = rankedKeys(keysOf(entries));
    StateDict renamed;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto found = ownByRanked.find(ranked[i]);
        renamed.emplace_back(found == ownByRanked.end() ? entries[i].first : found->second, entries[i].second);
    }
    return renamed;
}

// What the keys look like, so that the message shows at a glance which model the file holds.
std::string keysSummary(const StateDict& entries) {
    if (entries.empty()) return "it holds no tensors";
    return "its " + std::to_string(entries.size()) + " keys begin with " + entries.front().first;
}

bool sameArchitecture(const ResNetVaeConfig& a, const ResNetVaeConfig& b) {
    return a.inputChannels == b.inputChannels && a.widthDivisor == b.widthDivisor && a.hidden == b.hidden &&
           a.hidden2 == b.hidden2 && a.latent == b.latent;
}

} // namespace

ResNetVaeConfig resnetVaeConfigOf(const StateDict& entries, const std::string& sourceName) {
    const StateDict plain = withoutDataParallelPrefix(entries);
    const std::vector<std::string> ranked = rankedKeys(keysOf(plain));
    auto find = [&](const std::string& key) -> const at::Tensor* {
        const auto found = std::find(ranked.begin(), ranked.end(), key);
        return found == ranked.end() ? nullptr : &plain[static_cast<std::size_t>(found - ranked.begin())].second;
    };
    // The stem convolution is the first child of `resnet` with tensors, whatever its index.
    const char* const keys[] = {"resnet.0.weight", "fc1.weight", "fc2.weight", "fc3_mu.weight"};
    const at::Tensor* tensors[4] = {};
    for (int i = 0; i < 4; ++i) {
        tensors[i] = find(keys[i]);
        if (!tensors[i]) notResNetVae(sourceName, "no key " + std::string(keys[i]) + "; " + keysSummary(entries));
        if (tensors[i]->dim() != (i == 0 ? 4 : 2))
            notResNetVae(sourceName, std::string(keys[i]) + " is " + tensorShapeText(tensors[i]->sizes()));
    }
    const at::Tensor &conv1 = *tensors[0], &fc1 = *tensors[1], &fc2 = *tensors[2], &fc3Mu = *tensors[3];
    const std::int64_t stemWidth = conv1.size(0);
    if (stemWidth < 1 || 64 % stemWidth != 0 || conv1.size(2) != 7 || conv1.size(3) != 7)
        notResNetVae(sourceName, "resnet.0.weight is " + tensorShapeText(conv1.sizes()) +
                                     ", not ResNet-18's stem [64/d,C,7,7] with d dividing 64");
    ResNetVaeConfig config;
    config.dropout = 0.0;
    config.inputChannels = conv1.size(1);
    config.widthDivisor = 64 / stemWidth;
    config.hidden = fc1.size(0);
    config.hidden2 = fc2.size(0);
    config.latent = fc3Mu.size(0);
    return config;
}

ResNetVae resnetVaeFromStateDict(const ResNetVaeConfig& config, const StateDict& entries,
                                 const std::string& sourceName) {
    ResNetVae model(config);
    const StateDict renamed = renamedLike(withoutDataParallelPrefix(entries), stateDict(*model));
    const std::string mismatch = stateDictMismatch(*model, renamed);
    if (!mismatch.empty()) notResNetVae(sourceName, mismatch);
    loadStateDict(*model, renamed, sourceName);
    model->eval();
    return model;
}

std::unique_ptr<CapturableModel> openResNetVaeStateDict(const std::string& path,
                                                        const std::vector<std::int64_t>& inputShape,
                                                        const std::vector<std::int64_t>& dataShape,
                                                        ResNetVaeConfig* config) {
    StateDict entries;
    try {
        entries = readStateDict(path);
    } catch (const InputError& error) {
        throw InputError(std::string(error.what()) + " (a torch.save file, not a TorchScript archive; " + kExportHint +
                         ")");
    }
    ResNetVaeConfig modelConfig = resnetVaeConfigOf(entries, path);
    std::string inputNote; // where the input size came from, when not given
    if (!inputShape.empty()) {
        if (inputShape.size() != 3 || inputShape[0] != modelConfig.inputChannels || inputShape[1] != inputShape[2])
            throw InputError(path + ": its ResNet-VAE takes square " + std::to_string(modelConfig.inputChannels) +
                             "-channel images (C x S x S), not the input shape " + tensorShapeText(inputShape));
        modelConfig.inputSize = inputShape[1];
    } else if (dataShape.size() == 3 && dataShape[1] == dataShape[2]) {
        modelConfig.inputSize = dataShape[1];
        inputNote = ", input size from the data";
    } else {
        // The paper's size, unless the architecture is that of another named member (resnet-vae-small: 28 x 28).
        const ResNetVaeConfig paper = resnetVaeConfig();
        modelConfig.inputSize = paper.inputSize;
        std::string source = "the paper's";
        for (const std::string& name : resnetVaeModelNames()) {
            const ResNetVaeConfig named = resnetVaeConfigByName(name);
            if (!sameArchitecture(named, modelConfig) || sameArchitecture(named, paper)) continue;
            modelConfig.inputSize = named.inputSize;
            source = name + "'s";
        }
        const std::string size = std::to_string(modelConfig.inputSize);
        inputNote = ", input " + size + "x" + size + " assumed: " + source + " size";
    }
    try {
        validateConfig(modelConfig);
    } catch (const InputError& error) {
        throw InputError(path + ": " + error.what());
    }
    ResNetVae model = resnetVaeFromStateDict(modelConfig, entries, path);
    if (config) *config = modelConfig;
    return makeCapturableResNetVae(model, path + " (ResNet-VAE state_dict" + inputNote + ")");
}

} // namespace codescope::models
