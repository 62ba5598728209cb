#pragma once
// One model's whole analysis as `codescope-cli analyze`, the app and the report need it: the per-layer spectra over
// a data set, each layer's coding record, and the analysis cache beside a trained run (results/analysis_cache.h).
// No LibTorch here: the request and the results are plain values.
#include <functional>
#include <optional>
#include <string>

#include "core/common/job_control.h"
#include "core/pipeline/analysis_request.h"
#include "core/results/layer_report_reader.h"

namespace codescope::distributed {
class Communicator;
}

namespace codescope::pipeline {

struct ModelAnalysis {
    results::LayerReport report; ///< report.requestJson is `request` below
    /// The request as it ran: model.inputShape is the C, H, W the images were fed at (empty for token data).
    AnalysisRequest request;
    bool fromCache = false;
    std::string cachePath;    ///< where the analysis is cached ("" for a model that is not a run)
    std::string cacheWarning; ///< a damaged cache that was ignored, or a cache that could not be written
    /// How the images were changed to fit the model (data::inputChangeNote), e.g. "images are resized from 1x28x28
    /// to 3x224x224 (the model's input; ...)"; empty when they were fed at their own shape, or for token data.
    std::string inputNote;
};

/// Progress of a long job: fraction done in [0, 1] and samples (images or token positions) per second so far.
using AnalysisProgress = std::function<void(double fraction, double samplesPerSecond)>;

/// Whether a run's analysis is read from and written to its folder (RUN/analysis-KEY.json).
enum class CacheUse { ReadWrite, Off };

/// The analysis of request.model: from the cache when a run's folder holds this exact one (cache == ReadWrite),
/// else computed (spectra, then coding records when request.coding.projections > 0) and, for a run, cached
/// atomically. The result records its resolved request, the program version and its provenance (report.provenanceJson,
/// made afresh from the request and the run's manifest on both paths). With a `communicator` of several ranks the
/// samples are sharded over them (capture::CaptureOptions::communicator): every rank must call this with the same
/// request; rank 0 alone reads and writes the cache and runs the coding record, and only its result is the analysis
/// (the others' hold no layers); a rank that fails stops every rank (distributed::RankFailure). Throws InputError
/// (model, data set, layers), Cancelled.
ModelAnalysis analyzeModel(const AnalysisRequest& request, CacheUse cache = CacheUse::ReadWrite,
                           const AnalysisProgress& progress = {}, const CancelToken* cancel = nullptr,
                           distributed::Communicator* communicator = nullptr);

/// The request a result file records (results::LayerReport::requestJson), or nullopt for a file written before
/// results recorded their request. Throws InputError naming `source` for a request field it cannot read.
std::optional<AnalysisRequest> recordedRequest(const results::LayerReport& report, const std::string& source);

/// The result file's JSON for `analysis`: its layers with the request that made them, the program version, the
/// provenance (report.provenanceJson where it holds one, else made from `request`: pipeline/provenance.h) and the
/// paper's claims that one analysis can test (claims::checkAnalysis, under "paper_checks").
std::string analysisJson(const results::LayerReport& report, const AnalysisRequest& request);

} // namespace codescope::pipeline
