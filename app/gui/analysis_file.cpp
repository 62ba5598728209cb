#include "app/gui/analysis_file.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <algorithm>
#include <cmath>
#include <tuple>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/results/layer_report.h"
#include "core/results/layer_report_reader.h"

namespace codescope::gui {

namespace {

// An analysis of a large model (hundreds of layers x 1000 eigenvalues) is a few MB; anything far beyond that is
// not one of ours and would only stall the app.
constexpr qint64 kMaxFileBytes = qint64(512) << 20;

// How to reopen the model and its data (for the jobs on one layer: eigenfilters, token trajectories), kept beside
// the report's own fields under a key the CLI's reader ignores.
constexpr const char* kReopenKey = "codescope_app_reopen";

nlohmann::json reopenJson(const Analysis& analysis) {
    return {{"model", analysis.modelSpecPath},     {"model_is_run", analysis.modelIsRun},
            {"input_shape", analysis.inputShape},  {"dataset", analysis.datasetSpec},
            {"tokenizer", analysis.tokenizerDir},  {"context_length", analysis.contextLength}};
}

// Fills the reopen fields from `text` where it has them; an analysis without (the CLI's) stays as it is.
void readReopen(const std::string& text, Analysis& analysis) {
    const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains(kReopenKey)) return;
    const nlohmann::json& reopen = json[kReopenKey];
    try {
        analysis.modelSpecPath = reopen.value("model", std::string());
        analysis.modelIsRun = reopen.value("model_is_run", false);
        analysis.inputShape = reopen.value("input_shape", std::vector<std::int64_t>{});
        analysis.datasetSpec = reopen.value("dataset", std::string());
        analysis.tokenizerDir = reopen.value("tokenizer", std::string());
        analysis.contextLength = reopen.value("context_length", std::int64_t{0});
    } catch (const nlohmann::json::exception&) {
        // A damaged reopen block only costs the per-layer jobs: the spectra are still shown.
        analysis.modelSpecPath.clear();
        analysis.datasetSpec.clear();
    }
}

} // namespace

QString AnalysisFileError::message() const {
    QString line = file;
    if (offset >= 0) line += QObject::tr(": byte %1").arg(offset);
    return line + ": " + reason;
}

AnalysisReadResult parseAnalysisJson(const std::string& text, const QString& path) {
    AnalysisReadResult result;
    result.error.file = path;
    try {
        Analysis analysis = analysisOfReport(results::parseLayerReport(text, path.toStdString()));
        analysis.sourcePath = path;
        readReopen(text, analysis);
        result.analysis = std::move(analysis);
    } catch (const results::LayerReportError& error) {
        result.error.offset = error.byteOffset();
        result.error.reason = QString::fromStdString(error.reason());
    }
    return result;
}

AnalysisReadResult readAnalysisFile(const QString& path) {
    AnalysisReadResult result;
    result.error.file = path;
    const QFileInfo info(path);
    if (!info.exists()) {
        result.error.reason = QObject::tr("no such file");
        return result;
    }
    if (!info.isFile()) {
        result.error.reason = QObject::tr("not a file");
        return result;
    }
    if (info.size() > kMaxFileBytes) {
        result.error.reason = QObject::tr("%1 MB is too large for an analysis file").arg(info.size() >> 20);
        return result;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.error.reason = file.errorString();
        return result;
    }
    const QByteArray bytes = file.readAll();
    return parseAnalysisJson(std::string(bytes.constData(), static_cast<std::size_t>(bytes.size())), path);
}

QString writeAnalysisFile(const Analysis& analysis, const QString& path) {
    std::string json = results::layerSpectraJson(analysis.model, analysis.dataset, analysis.samples, analysis.layers);
    if (!analysis.modelSpecPath.empty()) {
        nlohmann::json withReopen = nlohmann::json::parse(json);
        withReopen[kReopenKey] = reopenJson(analysis);
        json = withReopen.dump(1) + "\n";
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return QObject::tr("%1: cannot write (%2)").arg(path, file.errorString());
    file.write(json.data(), static_cast<qint64>(json.size()));
    if (!file.commit()) return QObject::tr("%1: writing failed (%2)").arg(path, file.errorString());
    return {};
}

} // namespace codescope::gui
