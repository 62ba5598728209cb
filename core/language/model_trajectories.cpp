#include "core/language/model_trajectories.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <memory>

#include "core/capture/input_source.h"
#include "core/capture/layer_analysis.h"
#include "core/common/input_error.h"
#include "core/distributed/statistics_merge.h"

namespace codescope::language {

std::vector<LayerTokenTrajectories> modelTokenTrajectories(models::CapturableModel& model, const TokenData& data,
                                                           const std::vector<std::string>& layers, std::int64_t first,
                                                           std::int64_t count, const TokenTrajectoryOptions& options,
                                                           const CancelToken* cancel,
                                                           distributed::Communicator* communicator) {
    const data::TokenSequences& sequences = data.sequences;
    if (first < 0 || count < 1 || first + count > sequences.count())
        throw InputError(sequences.name + ": sequences " + std::to_string(first) + ".." +
                         std::to_string(first + count - 1) + " asked, it holds " + std::to_string(sequences.count()) +
                         " of " + std::to_string(sequences.contextLength) + " tokens");
    // The sequences run in batches of kTrajectoryBatch, the same batches whether alone or sharded (a kernel may
    // round differently for another batch size). Sharded, each rank runs a contiguous run of those batches (a
    // sequence is the model's whole context, so no rank's rows depend on another's) and rank 0 stacks the
    // activations in sequence order.
    constexpr std::int64_t kTrajectoryBatch = 8;
    const std::int64_t batches = (count + kTrajectoryBatch - 1) / kTrajectoryBatch;
    const bool sharded = distributed::isSharded(communicator);
    const distributed::Slice mine = sharded ? distributed::sliceOf(batches, communicator->rank(), communicator->size())
                                            : distributed::Slice{0, batches};
    const std::int64_t begin = std::min(count, mine.first * kTrajectoryBatch);
    const std::int64_t end = std::min(count, (mine.first + mine.count) * kTrajectoryBatch);
    std::vector<Eigen::MatrixXf> activations(layers.size());
    const std::unique_ptr<capture::InputSource> inputs = capture::tokenInputs(sequences);
    // Every rank takes as many steps as the largest slice has batches: a failing rank stops the others within one.
    const std::int64_t steps = sharded ? (batches + communicator->size() - 1) / communicator->size() : batches;
    distributed::inLockstep(
        communicator, steps,
        [&](std::int64_t step) {
            const std::int64_t at = begin + step * kTrajectoryBatch;
            if (at >= end) return 0.0;
            if (cancel) cancel->throwIfCancelled();
            const std::int64_t n = std::min(kTrajectoryBatch, end - at);
            const std::vector<Eigen::MatrixXf> batch =
                capture::captureActivations(model, inputs->batch(first + at, n), layers);
            for (std::size_t l = 0; l < layers.size(); ++l) {
                // Each sequence gives the same number of rows (its tokens): this rank's rows are allocated once.
                const Eigen::Index perSequence = batch[l].rows() / n;
                Eigen::MatrixXf& rows = activations[l];
                if (rows.size() == 0) rows.resize((end - begin) * perSequence, batch[l].cols());
                rows.middleRows((at - begin) * perSequence, batch[l].rows()) = batch[l];
            }
            return static_cast<double>(n);
        },
        [](double) {});
    if (sharded) {
        for (Eigen::MatrixXf& layer : activations)
            layer = distributed::gatherRowBlocks(communicator, layer);
        if (!distributed::isRoot(communicator)) return {};
    }
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
