#include "app/figures/analysis_file.h"

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
#include "core/pipeline/model_analysis.h"

namespace codescope::gui {

namespace {

// An analysis of a large model (hundreds of layers x 1000 eigenvalues) is a few MB; anything far beyond that is
// not one of ours and would only stall the app.
constexpr qint64 kMaxFileBytes = qint64(512) << 20;

// Files written by the app before results recorded their request kept how to reopen the model under this key.
constexpr const char* kLegacyReopenKey = "codescope_app_reopen";

// An older app file's reopen block as a request (its model and data set; every other setting unknown, so the
// defaults). A file with a request of its own, or without the block, is left as it is.
void readLegacyReopen(const std::string& text, Analysis& analysis) {
    if (analysis.request) return;
    const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains(kLegacyReopenKey)) return;
    const nlohmann::json& reopen = json[kLegacyReopenKey];
    try {
        pipeline::AnalysisRequest request;
        request.model.path = reopen.value("model", std::string());
        request.model.isRun = reopen.value("model_is_run", false);
        request.model.inputShape = reopen.value("input_shape", std::vector<std::int64_t>{});
        request.data = pipeline::dataRequestFromSpec(reopen.value("dataset", std::string()),
                                                     reopen.value("tokenizer", std::string()),
                                                     reopen.value("context_length", std::int64_t{0}));
        request.samples = analysis.samples;
        if (!request.model.path.empty()) analysis.request = std::move(request);
    } catch (const nlohmann::json::exception&) {
        // A damaged reopen block only costs the per-layer jobs: the spectra are still shown.
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
        readLegacyReopen(text, analysis);
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
    results::LayerReport report;
    report.model = analysis.model;
    report.dataset = analysis.dataset;
    report.samples = analysis.samples;
    report.layers = analysis.layers;
    // The provenance the analysis came with is kept as it is (made afresh from the request only where it has none).
    if (analysis.provenance) report.provenanceJson = pipeline::provenanceToJson(*analysis.provenance).dump();
    results::ReportOptions options;
    options.provenanceJson = report.provenanceJson;
    // The request travels with the layers, so the file reopens, re-runs and compares like any other result.
    const std::string json = analysis.request ? pipeline::analysisJson(report, *analysis.request)
                                              : results::layerSpectraJson(report.model, report.dataset, report.samples,
                                                                          report.layers, options);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return QObject::tr("%1: cannot write (%2)").arg(path, file.errorString());
    file.write(json.data(), static_cast<qint64>(json.size()));
    if (!file.commit()) return QObject::tr("%1: writing failed (%2)").arg(path, file.errorString());
    return {};
}

} // namespace codescope::gui
