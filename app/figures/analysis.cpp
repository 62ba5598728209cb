#include "app/figures/analysis.h"

#include <QFileInfo>

#include "core/common/input_error.h"
#include "core/language/token_data.h"
#include "core/pipeline/model_analysis.h"

namespace codescope::gui {

Analysis analysisOfReport(results::LayerReport report) {
    Analysis analysis;
    analysis.model = std::move(report.model);
    analysis.dataset = std::move(report.dataset);
    analysis.samples = report.samples;
    analysis.layers = std::move(report.layers);
    try {
        analysis.request = pipeline::recordedRequest(report, "the analysis");
    } catch (const InputError&) {
        // A request this version cannot read only costs the per-layer jobs: the spectra are still shown.
    }
    if (!report.provenanceJson.empty()) {
        try {
            analysis.provenance =
                pipeline::provenanceFromJson(nlohmann::json::parse(report.provenanceJson), "the analysis");
        } catch (const std::exception&) {
            // Unreadable provenance is shown as missing; the spectra are still shown.
        }
    }
    return analysis;
}

QStringList provenanceTextLines(const Analysis& analysis) {
    QStringList lines;
    if (!analysis.provenance) return {QString::fromStdString(pipeline::missingProvenanceText())};
    for (const std::string& line : pipeline::provenanceLines(*analysis.provenance))
        lines << QString::fromStdString(line);
    return lines;
}

std::string reopenKey(const Analysis& analysis) {
    if (!analysis.request) return {};
    return analysis.request->model.path + "\n" + pipeline::dataSpecText(analysis.request->data);
}

QString analysisTitle(const Analysis& analysis) {
    // A path is shortened to its file name; names like "tiny_cnn.pt (fixture)" that are not paths stay as they are.
    const QString model = QFileInfo(QString::fromStdString(analysis.model)).fileName();
    QString dataset = QString::fromStdString(analysis.dataset);
    // Token data's description starts with its spec ("text:FILE ..."); a file without a request is titled by it.
    const bool tokens =
        analysis.request ? isLanguageAnalysis(analysis) : language::isTokenDatasetSpec(analysis.dataset);
    if (tokens) dataset = dataset.section(' ', 0, 0).section(':', 1);
    if (dataset.contains('/')) dataset = QFileInfo(dataset).fileName();
    const QString samples = tokens ? QObject::tr("%1 tokens") : QObject::tr("%1 images");
    return QObject::tr("%1 on %2 (%3)")
        .arg(model.isEmpty() ? QObject::tr("unnamed model") : model, dataset.isEmpty() ? QObject::tr("?") : dataset,
             samples.arg(analysis.samples));
}

} // namespace codescope::gui
