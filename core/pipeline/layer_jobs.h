#pragma once
// The jobs on a model's layers besides the analysis: listing them, one layer's eigenfilters, a language model's
// token trajectories and activation records. Each opens the model and data a request names, so the CLI and the app
// (which reopens an analysis from the request it records) run them the same way. No LibTorch here.
#include <cstdint>
#include <string>
#include <vector>

#include "core/capture/layer_eigenfilters.h"
#include "core/common/job_control.h"
#include "core/distributed/communicator.h"
#include "core/language/record_collection.h"
#include "core/language/token_trajectories.h"
#include "core/models/layer_info.h"
#include "core/models/model_spec.h"
#include "core/pipeline/analysis_request.h"

namespace codescope::pipeline {

/// Every layer Codescope can capture, in execution order, for one model.
struct LayerListing {
    std::string model; ///< the model's name
    std::string input; ///< "1x28x28", or "64 token ids" for a token model
    std::vector<models::LayerInfo> layers;
};

/// Opens `spec` and discovers its layers with a batch of zeros of its input. Throws InputError.
LayerListing listLayers(const models::ModelSpec& spec);

/// One layer's eigenfilters over the request's model and image data (request.samples images, its normalisation).
struct EigenfilterRun {
    std::string model;     ///< the model's name
    std::string dataset;   ///< the data set's name
    std::string inputNote; ///< how the images were changed to fit the model (data::inputChangeNote), or empty
    capture::LayerEigenfilters filters;
};

/// capture::layerEigenfilters of `layer` with options.samples taken from request.samples. Throws InputError (token
/// data, unknown layer, bad model or data, more memory than options' budget), Cancelled. With a `communicator` of
/// several ranks the images are sharded over them and rank 0 alone gets the filters (see capture::layerEigenfilters).
EigenfilterRun layerEigenfiltersOf(const AnalysisRequest& request, const std::string& layer,
                                   capture::EigenfilterOptions options, const ProgressCallback& progress = {},
                                   const CancelToken* cancel = nullptr,
                                   distributed::Communicator* communicator = nullptr);

/// A language model's token trajectories (paper Fig. 7c).
struct TokenTrajectoryRun {
    std::string model;       ///< the model's name
    std::string data;        ///< the token data's description
    std::int64_t tokens = 0; ///< tokens joined (count x context length)
    std::vector<language::LayerTokenTrajectories> layers;
};

/// language::modelTokenTrajectories of sequences [first, first + count) of the request's token data, for
/// request.layers (empty: the default layers, every GELU of a transformer). Throws InputError (not token data, bad
/// model, text or layer), Cancelled. With a `communicator` of several ranks the sequences are sharded over them and
/// rank 0 alone gets the trajectories (see language::modelTokenTrajectories).
TokenTrajectoryRun tokenTrajectoriesOf(const AnalysisRequest& request, std::int64_t first, std::int64_t count,
                                       const language::TokenTrajectoryOptions& options,
                                       const CancelToken* cancel = nullptr,
                                       distributed::Communicator* communicator = nullptr);

/// A language model's activation records, for explanations (paper Fig. 7b).
struct ActivationRecordRun {
    std::string model;               ///< the model's name
    std::string data;                ///< the token data's description
    std::vector<std::string> layers; ///< the layers recorded, in depth order
    std::vector<language::UnitRecords> units;
};

/// language::collectActivationRecords over the request's token data for request.layers (empty: the default
/// layers). Throws InputError (not token data, bad model, text or layer, too few sequences), Cancelled.
ActivationRecordRun activationRecordsOf(const AnalysisRequest& request, const language::RecordOptions& options,
                                        const ProgressCallback& progress = {}, const CancelToken* cancel = nullptr);

} // namespace codescope::pipeline
