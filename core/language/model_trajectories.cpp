#include "core/language/model_trajectories.h"

#include <ATen/ATen.h>

#include "core/capture/input_source.h"
#include "core/capture/layer_analysis.h"
#include "core/common/input_error.h"

namespace codescope::language {

std::vector<LayerTokenTrajectories> modelTokenTrajectories(models::CapturableModel& model, const TokenData& data,
                                                           const std::vector<std::string>& layers, std::int64_t first,
                                                           std::int64_t count, const TokenTrajectoryOptions& options,
                                                           const CancelToken* cancel) {
    const data::TokenSequences& sequences = data.sequences;
    if (first < 0 || count < 1 || first + count > sequences.count())
        throw InputError(sequences.name + ": sequences " + std::to_string(first) + ".." +
                         std::to_string(first + count - 1) + " asked, it holds " + std::to_string(sequences.count()) +
                         " of " + std::to_string(sequences.contextLength) + " tokens");
    const at::Tensor batch = capture::tokenInputs(sequences)->batch(first, count);
    const std::vector<Eigen::MatrixXf> activations = capture::captureActivations(model, batch, layers);
    std::vector<std::string> tokens;
    for (std::int64_t s = first; s < first + count; ++s)
        for (std::int64_t t = 0; t < sequences.contextLength; ++t)
            tokens.push_back(data.tokenText(sequences.at(s, t)));
    std::vector<LayerTokenTrajectories> result;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        if (cancel) cancel->throwIfCancelled();
        try {
            result.push_back(tokenTrajectories(activations[l], tokens, options));
        } catch (const InputError& error) {
            throw InputError(model.name() + ": layer " + layers[l] + ": " + error.what());
        }
        result.back().layer = layers[l];
        result.back().depth = static_cast<int>(l);
    }
    return result;
}

} // namespace codescope::language
