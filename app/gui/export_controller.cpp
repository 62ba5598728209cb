#include "app/gui/export_controller.h"
#include "core/results/layer_table.h"
#include <QSaveFile>
#include "app/figures/report_pages.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QRegularExpression>
#include <QSettings>
#include <QStatusBar>

#include "app/figures/analysis_file.h"
#include "app/figures/analysis_session.h"
#include "app/gui/analysis_views.h"
#include "app/gui/error_dialog.h"
#include "app/gui/token_pane.h"

namespace codescope::gui {

namespace {
const char* const kFolderKey = "exportFolder";
const char* const kDpiKey = "exportDpi";
constexpr int kStatusMs = 8000;
} // namespace

ExportController::ExportController(QWidget* window, QStatusBar* statusBar, AnalysisSession* session,
                                   AnalysisViews* views)
    : QObject(window), m_window(window), m_statusBar(statusBar), m_session(session), m_views(views) {}

widgets::ExportResult ExportController::exportFigure(const QString& path, int dpi) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    // The token trajectories are text: printed page by page from their HTML, not painted as a picture.
    if (auto* tokens = qobject_cast<TokenPane*>(m_views->currentFigure())) {
        if (tokens->html().isEmpty()) return {tr("compute the token trajectories before exporting them")};
        if (suffix != QStringLiteral("pdf")) return {tr("%1: token trajectories export as .pdf").arg(path)};
        return widgets::exportHtmlPdf(tokens->html(), path);
    }
    if (suffix == QStringLiteral("pdf")) return widgets::exportFigurePdf(m_views->currentFigure(), path);
    if (suffix == QStringLiteral("png")) return widgets::exportFigurePng(m_views->currentFigure(), path, dpi);
    return {tr("%1: choose a .pdf or .png file name").arg(path)};
}

widgets::ExportResult ExportController::exportReport(const QString& path) {
    return gui::exportReport(*m_session, m_views->reportSources(), path);
}

QString ExportController::saveAnalysis(const QString& path) {
    const QString error = writeAnalysisFile(m_session->analysis(), path);
    if (error.isEmpty()) m_session->setSourcePath(QFileInfo(path).absoluteFilePath());
    return error;
}

void ExportController::chooseAndExportFigure() {
    QString filter = tr("PDF, vector (*.pdf)");
    const QString path =
        QFileDialog::getSaveFileName(m_window, tr("Export figure"), suggestedPath(m_views->currentFigureName(), "pdf"),
                                     tr("PDF, vector (*.pdf);;PNG image (*.png)"), &filter);
    if (path.isEmpty()) return;
    QString target = path;
    if (QFileInfo(target).suffix().isEmpty()) target += filter.contains("png") ? ".png" : ".pdf";
    int dpi = QSettings().value(kDpiKey, 300).toInt();
    if (QFileInfo(target).suffix().compare("png", Qt::CaseInsensitive) == 0) {
        bool ok = false;
        dpi = QInputDialog::getInt(m_window, tr("PNG resolution"), tr("Dots per inch:"), dpi, 72, 1200, 50, &ok);
        if (!ok) return;
        QSettings().setValue(kDpiKey, dpi);
    }
    rememberFolder(target);
    report(exportFigure(target, dpi), target, tr("figure"));
}

void ExportController::chooseAndExportReport() {
    const QString path =
        QFileDialog::getSaveFileName(m_window, tr("Export report"), suggestedPath("report", "pdf"), tr("PDF (*.pdf)"));
    if (path.isEmpty()) return;
    const QString target = QFileInfo(path).suffix().isEmpty() ? path + ".pdf" : path;
    rememberFolder(target);
    report(exportReport(target), target, tr("report"));
}

QString ExportController::exportTable(const QString& path) {
    const std::string csv = results::layerTableCsv(m_session->analysis().layers);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return tr("%1: cannot write (%2)").arg(path, file.errorString());
    file.write(csv.data(), static_cast<qint64>(csv.size()));
    if (!file.commit()) return tr("%1: cannot write (%2)").arg(path, file.errorString());
    return {};
}

void ExportController::chooseAndExportTable() {
    const QString path =
        QFileDialog::getSaveFileName(m_window, tr("Export table"), suggestedPath("layers", "csv"), tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    const QString target = QFileInfo(path).suffix().isEmpty() ? path + ".csv" : path;
    rememberFolder(target);
    report({exportTable(target)}, target, tr("table"));
}

void ExportController::chooseAndSaveAnalysis() {
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Save analysis"), suggestedPath("analysis", "json"),
                                                      tr("Analysis JSON (*.json)"));
    if (path.isEmpty()) return;
    const QString target = QFileInfo(path).suffix().isEmpty() ? path + ".json" : path;
    rememberFolder(target);
    const QString error = saveAnalysis(target);
    report({error}, target, tr("analysis"));
}

QString ExportController::suggestedPath(const QString& stem, const QString& suffix) const {
    const Analysis& analysis = m_session->analysis();
    const QString folder =
        QSettings()
            .value(kFolderKey,
                   analysis.sourcePath.isEmpty() ? QDir::homePath() : QFileInfo(analysis.sourcePath).absolutePath())
            .toString();
    QString base = QFileInfo(QString::fromStdString(analysis.model)).completeBaseName();
    base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]+")), QStringLiteral("_"));
    return QDir(folder).filePath((base.isEmpty() ? QString() : base + "-") + stem + "." + suffix);
}

void ExportController::rememberFolder(const QString& path) {
    QSettings().setValue(kFolderKey, QFileInfo(path).absolutePath());
}

void ExportController::report(const widgets::ExportResult& result, const QString& path, const QString& what) {
    if (result.ok()) {
        m_statusBar->showMessage(tr("Saved %1 to %2").arg(what, QDir::toNativeSeparators(path)), kStatusMs);
        Q_EMIT exported(path);
        return;
    }
    showErrorDialog(m_window, tr("Could not save the %1").arg(what), result.error,
                    tr("Nothing was overwritten. Check that the folder exists, is writable and has free space, "
                       "then try again."));
}

} // namespace codescope::gui
