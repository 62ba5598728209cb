#pragma once
// PyTorch state_dict files shared with Python: read what `torch.save(model.state_dict(), f)` wrote, write what
// `model.load_state_dict(torch.load(f))` reads. Both use the zip format of torch.save (PyTorch >= 1.6) with a pickled
// dict of name -> tensor; LibTorch reads and writes it with torch::pickle_load / torch::pickle_save.
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace torch::nn {
class Module;
}

namespace codescope::models {

/// Named tensors in PyTorch's state_dict order.
using StateDict = std::vector<std::pair<std::string, at::Tensor>>;

/// The module's parameters and buffers as `module.state_dict()` lists them in PyTorch: per module its own
/// parameters, then its own buffers, then its children's, names joined by '.'. The tensors share storage with the
/// module (no copy).
StateDict stateDict(const torch::nn::Module& module);

/// Reads a state_dict written by torch.save (or saveStateDict). Throws InputError naming `path` if the file cannot
/// be read (a pipe or device included), is not a torch.save zip (corrupt, truncated), fails checkTorchArchive (a
/// tensor outside its storage, a storage larger than its record), does not hold a dict of string -> tensor, or holds
/// a NaN or infinite weight (checkFiniteWeights).
StateDict readStateDict(const std::string& path);

/// Throws InputError "<source>: weight 'NAME' holds NaN at element I ..." for the first floating-point tensor that
/// holds a NaN or an infinity: such a model's activations are NaN, and the file is the place to say so.
void checkFiniteWeights(const StateDict& weights, const std::string& source);

/// Whether `path` is a torch.save zip archive (data.pkl and its tensors) rather than a TorchScript archive (which
/// also holds constants.pkl and code/): a state_dict or other pickled data, weights without the code of a model.
/// Reads only the zip directory; false for anything else (missing, not a zip, TorchScript).
bool isTorchSaveArchive(const std::string& path);

/// How `entries` fail to fit the module's parameters and buffers: "missing keys ...; unexpected keys ...; mis-shaped
/// keys K [given] (model [expected])" (at most 5 names of each, then "and N more"), or "" when they fit.
std::string stateDictMismatch(const torch::nn::Module& module, const StateDict& entries);

/// Copies `entries` into the module's parameters and buffers (dtypes converted to the module's), all or nothing.
/// Throws InputError "<sourceName>: state_dict does not fit the model: <stateDictMismatch>", one line; the module is
/// unchanged then.
void loadStateDict(torch::nn::Module& module, const StateDict& entries, const std::string& sourceName);

/// readStateDict(path) then loadStateDict(module, ..., path).
void loadStateDict(torch::nn::Module& module, const std::string& path);

/// The bytes of a torch.save zip holding stateDict(module) (a dict, in state_dict order; Python's torch.load gives a
/// dict that load_state_dict accepts).
std::string stateDictBytes(const torch::nn::Module& module);

/// Throws InputError naming `path` and `configSource` if the file at `path` is too small to hold `parameters`
/// weights at 2 bytes each (half precision, the smallest a state_dict stores): the config is checked against the
/// file's real size before a model of that size is allocated. Does nothing for a missing file (its reader says so).
void checkWeightsFileHolds(const std::string& path, std::int64_t parameters, const std::string& configSource);

/// "[64,3,7,7]": a shape as messages print it.
std::string tensorShapeText(at::IntArrayRef sizes);

/// Writes stateDictBytes(module) to `path` atomically (temporary file + rename). Throws InputError on failure.
void saveStateDict(const torch::nn::Module& module, const std::string& path);

} // namespace codescope::models
