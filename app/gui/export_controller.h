#pragma once
// File > Export figure / Export report / Save analysis: asks where (and at what resolution), writes through the
// widgets' exporters (atomic writes), and reports the outcome in the status bar or an error dialog.
#include <QObject>

#include "widgets/export/figure_export.h"

class QStatusBar;
class QWidget;

namespace codescope::gui {

class AnalysisSession;
class AnalysisViews;

class ExportController : public QObject {
    Q_OBJECT
public:
    ExportController(QWidget* window, QStatusBar* statusBar, AnalysisSession* session, AnalysisViews* views);

    /// Exports the current figure to `path`: vector PDF for .pdf, PNG at `dpi` for .png (other suffixes fail).
    widgets::ExportResult exportFigure(const QString& path, int dpi = 300);
    /// Writes every figure of the analysis as one multi-page PDF.
    widgets::ExportResult exportReport(const QString& path);
    /// Writes the analysis as JSON in the CLI's layout; "" or an error message.
    QString saveAnalysis(const QString& path);
    /// Writes the layer table (one row per layer, as `analyze --csv`) of the analysis on screen; "" or an error.
    QString exportTable(const QString& path);

public Q_SLOTS:
    void chooseAndExportFigure();
    void chooseAndExportReport();
    void chooseAndSaveAnalysis();
    void chooseAndExportTable();

Q_SIGNALS:
    void exported(const QString& path);

private:
    QString suggestedPath(const QString& stem, const QString& suffix) const;
    void rememberFolder(const QString& path);
    void report(const widgets::ExportResult& result, const QString& path, const QString& what);

    QWidget* m_window;
    QStatusBar* m_statusBar;
    AnalysisSession* m_session;
    AnalysisViews* m_views;
};

} // namespace codescope::gui
