#pragma once
// Activation capture: run a model over a data set and compute, for every chosen layer, the paper's spectrum
// (Methods) without ever holding a layer's full activation matrix.
#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/capture/input_source.h"
#include "core/capture/layer_coding.h"
#include "core/results/analysis_timings.h"
#include "core/results/layer_spectrum.h"
#include "core/common/job_control.h"
#include "core/data/image_batch.h"
#include "core/data/image_dataset.h"
#include "core/data/image_preprocessing.h"
#include "core/models/capturable_model.h"
#include "core/models/layer_info.h"
#include "core/spectrum/spectrum_analysis.h"

namespace codescope::distributed {
class Communicator;
}

namespace codescope::capture {

struct CaptureOptions {
    std::int64_t samples = 0;                               ///< images to use from the start of the data set; 0 = all
    std::int64_t batchSize = 0;                             ///< images per forward pass; 0 = chosen from the budget
    std::int64_t memoryBudgetBytes = std::int64_t(2) << 30; ///< covariances + one batch of activations
                                                            ///< (forward_batch.h)
    spectrum::SpectrumOptions spectrum;                     ///< stride limit, components, fit range, bootstrap, seed
    /// The held-out ("cvpca") spectrum instead of PCA's: directions from the first half of the samples, variances
    /// from the second (spectrum::heldOutSpectrumOfCovariances); twice the covariance memory, no bootstrap.
    bool heldOutSpectrum = false;
    /// The processes the samples are sharded over (distributed/communicator.h): each runs the model on its slice of
    /// the inputs, the statistics are merged, and rank 0 alone solves and holds the results (the other ranks' are
    /// placeholders of the same layers). nullptr: this process alone, on every input.
    distributed::Communicator* communicator = nullptr;
};

struct CaptureProgress {
    double fraction = 0;         ///< of the whole job, in [0, 1]
    double samplesPerSecond = 0; ///< samples (images, or tokens of a language model) per second, over the job so far
};
using CaptureProgressCallback = std::function<void(const CaptureProgress&)>;

/// The layers `auto` selects: every ReLU output (the paper analyses ReLU activations); for a model without ReLUs
/// every GELU output (a transformer's MLP activations, Fig. 7a); else every layer. `layers`: all discovered layers in
/// depth order.
std::vector<models::LayerInfo> defaultLayers(const std::vector<models::LayerInfo>& layers);

/// Runs `model` in eval mode over the first options.samples images of `dataset`, preprocessed to the model's input,
/// and returns the spectrum of each chosen layer (by name; empty = defaultLayers) in depth order. Layers are
/// packed into groups whose covariances fit the memory budget; each group costs one pass over the data (two with a
/// bootstrap, which projects the samples on the leading eigenvectors). A layer too wide for the budget on its own
/// gets a larger stride than the Methods' rule, with a warning in its result. Data loading for the next batch
/// overlaps the current forward pass. Throws InputError (unknown layer, bad data, too few samples), Cancelled.
/// `timings`, when given, gets the seconds of the data passes (of which the forward passes), the spectra and the
/// bootstrap added to it (modelLoad, codingRecord and total are the caller's).
std::vector<LayerSpectrum> analyzeLayers(models::CapturableModel& model, const data::ImageDataset& dataset,
                                         const data::Preprocessing& preprocessing,
                                         const std::vector<std::string>& layerNames, const CaptureOptions& options,
                                         const CaptureProgressCallback& progress = {},
                                         const CancelToken* cancel = nullptr,
                                         results::AnalysisTimings* timings = nullptr);

/// The same over any InputSource: options.samples counts inputs (images or token sequences); every token position
/// of a sequence is one sample of the spectrum, and the bootstrap interval resamples whole inputs (whole sequences:
/// SpectrumOptions::bootstrapRowsPerUnit = samplesPerInput(), whatever options.spectrum says) on either side.
std::vector<LayerSpectrum> analyzeLayers(models::CapturableModel& model, const InputSource& inputs,
                                         const std::vector<std::string>& layerNames, const CaptureOptions& options,
                                         const CaptureProgressCallback& progress = {},
                                         const CancelToken* cancel = nullptr,
                                         results::AnalysisTimings* timings = nullptr);

/// The layers named in `names` (by LayerInfo::name; empty = defaultLayers) out of `discovered`, in depth order
/// without repeats. Throws InputError naming `modelName` for a name it does not have.
std::vector<models::LayerInfo> chooseLayers(const std::vector<models::LayerInfo>& discovered,
                                            const std::vector<std::string>& names, const std::string& modelName);

/// The layer called `name`, discovered by running `example` (a preprocessed batch) through the model. Throws
/// InputError naming the model if it has no such layer (or rejects the input).
models::LayerInfo findLayer(models::CapturableModel& model, const data::ImageBatch& example, const std::string& name);

/// Raw activations of a small input (e.g. the moving-dot stimulus), one matrix per requested layer:
/// images x features (float). Throws InputError for an unknown layer.
std::vector<Eigen::MatrixXf> captureActivations(models::CapturableModel& model, const data::ImageBatch& images,
                                                const std::vector<std::string>& layerNames);

/// Raw activations of a ready model input (float images or int64 token ids, see InputSource::batch), one matrix
/// per requested layer: samples x features (float; a token model gives one row per token position).
/// Throws InputError for an unknown layer.
std::vector<Eigen::MatrixXf> captureActivations(models::CapturableModel& model, const at::Tensor& input,
                                                const std::vector<std::string>& layerNames);

/// Adds each layer's coding record (LayerSpectrum::coding): the model's response to the moving dot drawn at its
/// input (movingDotForInput, then `preprocessing`'s normalisation), K random projections of every layer's
/// activations with their action and explained variance, and eqs. 3-4 from the layer's alpha. The options.frames
/// images go through the model in batches by forwardBatch() under `memoryBudgetBytes`; every layer's response to
/// all frames is held until its record is made (frames x features float32), so layers whose responses together
/// exceed what a batch leaves of the budget go in groups, each with its own forward passes. progress: fraction in
/// [0, 1], half for the forward passes and half for the layers. Does nothing for options.projections < 1. A layer
/// whose record cannot be made gets a warning instead. Throws InputError naming the model for an unknown layer,
/// Cancelled.
void addLayerCoding(models::CapturableModel& model, const data::Preprocessing& preprocessing,
                    std::vector<LayerSpectrum>& layers, const CodingOptions& options,
                    std::int64_t memoryBudgetBytes = CaptureOptions().memoryBudgetBytes,
                    const ProgressCallback& progress = {}, const CancelToken* cancel = nullptr);

} // namespace codescope::capture
