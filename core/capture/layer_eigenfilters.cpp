#include "core/capture/layer_eigenfilters.h"

#include <algorithm>

#include "core/capture/layer_analysis.h"
#include "core/common/input_error.h"
#include "core/distributed/statistics_merge.h"
#include "core/spectrum/spectrum_analysis.h"

namespace codescope::capture {

namespace {

// Per held value: the float32 capture, and its double working copy in projection::eigenfilters (the centred
// activations; the centred images are one such copy too).
constexpr double kBytesPerValue = 4.0 + 8.0;

} // namespace

LayerEigenfilters layerEigenfilters(models::CapturableModel& model, const data::ImageDataset& dataset,
                                    const data::Preprocessing& preprocessing, const std::string& layer,
                                    const EigenfilterOptions& options, const ProgressCallback& progress,
                                    const CancelToken* cancel, distributed::Communicator* communicator) {
    const std::int64_t samples = options.samples > 0 ? std::min(options.samples, dataset.size()) : dataset.size();
    if (samples < 2) throw InputError(dataset.name() + ": eigenfilters need at least 2 images");
    if (options.batchSize < 1) throw InputError("eigenfilters: the batch size must be at least 1");
    data::checkChannelsConvertible(dataset.name(), dataset.channels(), preprocessing.channels);

    LayerEigenfilters result;
    result.layer = layer;
    result.samples = samples;
    result.channels = preprocessing.channels;
    result.height = preprocessing.height;
    result.width = preprocessing.width;
    const std::int64_t pixels = result.channels * result.height * result.width;

    // Sharded, each rank runs a contiguous run of the whole batches a process alone would run (so that every
    // forward pass rounds as it would alone) and rank 0 gathers the rows in sample order and solves. Rank 0 always
    // has a batch (leadingSliceOf), so it learns the layer's width and stride that it reports.
    const bool sharded = distributed::isSharded(communicator);
    const std::int64_t batches = (samples + options.batchSize - 1) / options.batchSize;
    const distributed::Slice mine =
        sharded ? distributed::leadingSliceOf(batches, communicator->rank(), communicator->size())
                : distributed::Slice{0, batches};
    const std::int64_t begin = std::min(samples, mine.first * options.batchSize);
    const std::int64_t end = std::min(samples, (mine.first + mine.count) * options.batchSize);

    // Held as captured (float32), widened to double only inside projection::eigenfilters.
    Eigen::MatrixXf images, activations;
    std::vector<std::int64_t> columns;
    // Every rank takes as many steps as rank 0 has batches (the most any rank has), so that a failing rank stops
    // the others within a batch and rank 0's progress counts every rank's images.
    const std::int64_t steps = sharded ? distributed::leadingSliceOf(batches, 0, communicator->size()).count : batches;
    std::int64_t imagesDone = 0;
    distributed::inLockstep(
        communicator, steps,
        [&](std::int64_t step) {
            const std::int64_t first = begin + step * options.batchSize;
            if (first >= end) return 0.0;
            if (cancel) cancel->throwIfCancelled();
            const std::int64_t count = std::min(options.batchSize, end - first);
            const data::ImageBatch batch = data::preprocess(dataset.read(first, count), preprocessing);
            const Eigen::MatrixXf layerOutput = captureActivations(model, batch, {layer}).front();
            if (columns.empty()) {
                findLayer(model, batch, layer); // an unknown name is an error, whatever the model's capture does
                result.features = layerOutput.cols();
                // The spectrum's rule (Methods: fewer than maxFeatures units kept), so that the filters are those of
                // the principal components whose eigenvalues the spectrum fits.
                result.stride = spectrum::featureStride(result.features, options.maxFeatures);
                columns = spectrum::stridedFeatures(result.features, options.maxFeatures);
                const double bytes =
                    kBytesPerValue * static_cast<double>(samples) * static_cast<double>(pixels + columns.size());
                if (bytes > static_cast<double>(options.memoryBudgetBytes))
                    throw InputError(
                        "eigenfilters of " + layer + " would hold " + std::to_string(samples) +
                        " images and activations (" + std::to_string(static_cast<long long>(bytes / 1048576)) +
                        " MiB), over the memory budget; at most " +
                        std::to_string(static_cast<long long>(static_cast<double>(options.memoryBudgetBytes) /
                                                              (kBytesPerValue * (pixels + columns.size())))) +
                        " samples fit");
                images.resize(end - begin, pixels);
                activations.resize(end - begin, static_cast<Eigen::Index>(columns.size()));
            }
            images.middleRows(first - begin, count) =
                Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                    batch.pixels.data(), count, pixels);
            for (std::size_t j = 0; j < columns.size(); ++j)
                activations.col(static_cast<Eigen::Index>(j)).segment(first - begin, count) =
                    layerOutput.col(columns[j]);
            return static_cast<double>(count);
        },
        [&](double imagesInStep) {
            imagesDone += static_cast<std::int64_t>(imagesInStep);
            if (progress) progress(0.9 * static_cast<double>(imagesDone) / static_cast<double>(samples));
        });
    if (sharded) {
        images = distributed::gatherRowBlocks(communicator, images);
        activations = distributed::gatherRowBlocks(communicator, activations);
        if (!distributed::isRoot(communicator)) return result;
    }
    try {
        result.filters = projection::eigenfilters(images, activations, options.components);
    } catch (const InputError& error) {
        throw InputError(model.name() + ": layer " + layer + ": " + error.what());
    }
    if (progress) progress(1.0);
    return result;
}

} // namespace codescope::capture
