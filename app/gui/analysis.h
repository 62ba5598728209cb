#pragma once
// One opened analysis: the per-layer spectra of one model on one data set, whether read from a JSON file written by
// `codescope-cli analyze --json` or computed by the app's own capture job. The layers are the core's plain result
// structs (no LibTorch in them), so the GUI shows exactly what the CLI computes.
#include <QMetaType>
#include <QString>
#include <cstdint>
#include <string>
#include <vector>

#include "core/capture/layer_spectrum.h"
#include "core/results/layer_report_reader.h"

namespace codescope::gui {

struct Analysis {
    QString sourcePath;  ///< the JSON file it was read from; empty for a capture not yet saved
    std::string model;   ///< the model's path or name, as the report names it
    std::string dataset; ///< the data set's name, as the report names it
    std::int64_t samples = 0;
    std::vector<capture::LayerSpectrum> layers; ///< depth order

    // How to reopen the model and the data set (for jobs on one layer, such as its eigenfilters). Filled by the app
    // when it runs an analysis or opens a sweep's run; empty for an analysis read from a JSON file, which names its
    // model and data set only for people.
    std::string modelSpecPath;            ///< a TorchScript file, or a run folder when modelIsRun
    bool modelIsRun = false;
    std::vector<std::int64_t> inputShape; ///< C, H, W; empty = the run's own
    std::string datasetSpec;              ///< a data set spec for data::openDataset, e.g. "fashion-mnist", or a
                                          ///< language model's "text:FILE" / "tokens:FILE.npy"
    std::string tokenizerDir;             ///< a language model's tokenizer folder ("" for byte-level or ids)
    std::int64_t contextLength = 0;       ///< a language model's tokens per sequence; 0 = its own
};

/// An analysis showing `report` (the CLI's JSON or a computed one); how to reopen its model is left empty.
Analysis analysisOfReport(results::LayerReport report);

/// Whether `analysis` is of a language model over tokens (its data set spec names text or token ids).
bool isLanguageAnalysis(const Analysis& analysis);

/// Whether `analysis` says how to reopen its model and data set (modelSpecPath and datasetSpec are set).
inline bool canReopenModel(const Analysis& analysis) {
    return !analysis.modelSpecPath.empty() && !analysis.datasetSpec.empty();
}

/// "model on dataset (N images)", with file names shortened to their last component.
QString analysisTitle(const Analysis& analysis);

} // namespace codescope::gui

Q_DECLARE_METATYPE(codescope::gui::Analysis)
