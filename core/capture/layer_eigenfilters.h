#pragma once
// Eigenfilters of one layer of a model over a data set (paper, Fig. 3d): capture, then projection::eigenfilters.
#include <cstdint>
#include <string>

#include "core/common/job_control.h"
#include "core/common/paper_defaults.h"
#include "core/data/image_dataset.h"
#include "core/distributed/communicator.h"
#include "core/data/image_preprocessing.h"
#include "core/projection/eigenfilters.h"

namespace codescope::models {
class CapturableModel; // models/capturable_model.h (LibTorch): only its .cpp needs the whole class
}

namespace codescope::capture {

struct EigenfilterOptions {
    std::int64_t samples = paper::kSamples; ///< images from the start of the data set (0 = all)
    Eigen::Index components = 16;           ///< N leading components
    /// The Methods' stride rule on the layer's units (spectrum::stridedFeatures: fewer than this many kept), with the
    /// spectrum's default, so that the filters belong to the components the spectrum analyses.
    std::int64_t maxFeatures = paper::kMaxFeatures;
    std::int64_t batchSize = 64;
    std::int64_t memoryBudgetBytes = std::int64_t(2) << 30; ///< images and activations, both held (double)
};

struct LayerEigenfilters {
    std::string layer;
    std::int64_t channels = 0, height = 0, width = 0; ///< the model's input: reshape a filter row to C x H x W
    std::int64_t samples = 0;
    std::int64_t features = 0, stride = 1; ///< the layer's units, and the stride of the kept ones
    projection::Eigenfilters filters;      ///< in the input space of the preprocessed images
};

/// Runs `model` over the first options.samples images of `dataset` (preprocessed), keeps the layer's activations
/// (every stride-th unit) and the images, and returns the first N eigenfilters (projection::eigenfilters: the
/// regression of the input images on each principal component's score). Throws InputError (unknown layer, bad
/// data, more memory than the budget: the message says how many samples fit), Cancelled.
/// With a `communicator` of several ranks every rank must call it: each runs the model on its slice of whole batches,
/// rank 0 gathers the images and activations and alone returns the filters (the others return them empty; every
/// rank's progress counts the images of all ranks); a rank that fails stops every rank with distributed::RankFailure.
LayerEigenfilters layerEigenfilters(models::CapturableModel& model, const data::ImageDataset& dataset,
                                    const data::Preprocessing& preprocessing, const std::string& layer,
                                    const EigenfilterOptions& options, const ProgressCallback& progress = {},
                                    const CancelToken* cancel = nullptr,
                                    distributed::Communicator* communicator = nullptr);

} // namespace codescope::capture
