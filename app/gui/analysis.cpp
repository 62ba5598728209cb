#include "app/gui/analysis.h"

#include <QFileInfo>

#include "core/language/token_data.h"

namespace codescope::gui {

Analysis analysisOfReport(results::LayerReport report) {
    Analysis analysis;
    analysis.model = std::move(report.model);
    analysis.dataset = std::move(report.dataset);
    analysis.samples = report.samples;
    analysis.layers = std::move(report.layers);
    return analysis;
}

bool isLanguageAnalysis(const Analysis& analysis) {
    // A report read from JSON only has the data set's description, which for tokens starts the same way.
    for (const std::string* spec : {&analysis.datasetSpec, &analysis.dataset})
        if (language::isTokenDatasetSpec(*spec)) return true;
    return false;
}

QString analysisTitle(const Analysis& analysis) {
    // A path is shortened to its file name; names like "tiny_cnn.pt (fixture)" that are not paths stay as they are.
    const QString model = QFileInfo(QString::fromStdString(analysis.model)).fileName();
    QString dataset = QString::fromStdString(analysis.dataset);
    if (isLanguageAnalysis(analysis)) dataset = dataset.section(' ', 0, 0).section(':', 1);
    if (dataset.contains('/')) dataset = QFileInfo(dataset).fileName();
    const QString samples = isLanguageAnalysis(analysis) ? QObject::tr("%1 tokens") : QObject::tr("%1 images");
    return QObject::tr("%1 on %2 (%3)")
        .arg(model.isEmpty() ? QObject::tr("unnamed model") : model, dataset.isEmpty() ? QObject::tr("?") : dataset,
             samples.arg(analysis.samples));
}

} // namespace codescope::gui
