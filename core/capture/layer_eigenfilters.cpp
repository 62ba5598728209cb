#include "core/capture/layer_eigenfilters.h"

#include <algorithm>

#include "core/capture/layer_analysis.h"
#include "core/common/input_error.h"
#include "core/spectrum/spectrum_analysis.h"

namespace codescope::capture {

LayerEigenfilters layerEigenfilters(models::CapturableModel& model, const data::ImageDataset& dataset,
                                    const data::Preprocessing& preprocessing, const std::string& layer,
                                    const EigenfilterOptions& options, const ProgressCallback& progress,
                                    const CancelToken* cancel) {
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

    Eigen::MatrixXd images, activations;
    std::vector<std::int64_t> columns;
    for (std::int64_t first = 0; first < samples; first += options.batchSize) {
        if (cancel) cancel->throwIfCancelled();
        const std::int64_t count = std::min(options.batchSize, samples - first);
        const data::ImageBatch batch = data::preprocess(dataset.read(first, count), preprocessing);
        const Eigen::MatrixXf layerOutput = captureActivations(model, batch, {layer}).front();
        if (columns.empty()) {
            findLayer(model, batch, layer); // an unknown name is an error, whatever the model's capture does
            result.features = layerOutput.cols();
            // The spectrum's rule (Methods: fewer than maxFeatures units kept), so that the filters are those of
            // the principal components whose eigenvalues the spectrum fits.
            result.stride = spectrum::featureStride(result.features, options.maxFeatures);
            columns = spectrum::stridedFeatures(result.features, options.maxFeatures);
            const double bytes = 8.0 * static_cast<double>(samples) * static_cast<double>(pixels + columns.size());
            if (bytes > static_cast<double>(options.memoryBudgetBytes))
                throw InputError("eigenfilters of " + layer + " would hold " + std::to_string(samples) +
                                 " images and activations (" + std::to_string(static_cast<long long>(bytes / 1048576)) +
                                 " MiB), over the memory budget; at most " +
                                 std::to_string(static_cast<long long>(static_cast<double>(options.memoryBudgetBytes) /
                                                                       (8.0 * (pixels + columns.size())))) +
                                 " samples fit");
            images.resize(samples, pixels);
            activations.resize(samples, static_cast<Eigen::Index>(columns.size()));
        }
        images.middleRows(first, count) =
            Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(batch.pixels.data(),
                                                                                                    count, pixels)
                .cast<double>();
        for (std::size_t j = 0; j < columns.size(); ++j)
            activations.col(static_cast<Eigen::Index>(j)).segment(first, count) =
                layerOutput.col(columns[j]).cast<double>();
        if (progress) progress(0.9 * static_cast<double>(first + count) / static_cast<double>(samples));
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
