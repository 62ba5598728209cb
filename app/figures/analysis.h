#pragma once
// One opened analysis: the per-layer spectra of one model on one data set, whether read from a JSON file written by
// `codescope-cli analyze --json` or computed by the app's own capture job. The layers are the core's plain result
// structs (no LibTorch in them), so the GUI shows exactly what the CLI computes.
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/pipeline/analysis_request.h"
#include "core/pipeline/provenance.h"
#include "core/results/layer_spectrum.h"
#include "core/results/layer_report_reader.h"

namespace codescope::gui {

struct Analysis {
    QString sourcePath;  ///< the JSON file it was read from; empty for a capture not yet saved
    std::string model;   ///< the model's path or name, as the report names it
    std::string dataset; ///< the data set's name, as the report names it
    std::int64_t samples = 0;
    std::vector<results::LayerSpectrum> layers; ///< depth order

    /// The request that made it (pipeline::AnalysisRequest: model, data set, every setting): how to reopen its model
    /// and data for the jobs on one layer, and what the "How this was made" texts show. Every result file records
    /// it; nullopt for a file of an older version that does not.
    std::optional<pipeline::AnalysisRequest> request;

    /// How it was made as the result records it (pipeline/provenance.h: model, training, data, how it differs from
    /// the paper, Codescope's own defaults); nullopt for a file of an older version that records none.
    std::optional<pipeline::Provenance> provenance;
};

/// An analysis showing `report` (the CLI's JSON or a computed one), with the request it records (none when the file
/// records none, or one the program cannot read: the spectra are shown all the same).
Analysis analysisOfReport(results::LayerReport report);

/// Whether `analysis` is of a language model over tokens (its request says so).
inline bool isLanguageAnalysis(const Analysis& analysis) {
    return analysis.request && pipeline::usesTokenData(*analysis.request);
}

/// Whether `analysis` says how to reopen its model and data set (it records its request, with a model path).
inline bool canReopenModel(const Analysis& analysis) {
    return analysis.request && !analysis.request->model.path.empty();
}

/// "MODEL_PATH\nDATA_SPEC": which model and data an analysis was computed from, to tell the per-layer jobs of two
/// analyses apart; empty when it records no request.
std::string reopenKey(const Analysis& analysis);

/// The "How this was made" lines of `analysis` (pipeline::provenanceLines), or the one line saying that its file
/// records no provenance: what the app's panel and every report page show.
QStringList provenanceTextLines(const Analysis& analysis);

/// "model on dataset (N images)", with file names shortened to their last component.
QString analysisTitle(const Analysis& analysis);

} // namespace codescope::gui

Q_DECLARE_METATYPE(codescope::gui::Analysis)
