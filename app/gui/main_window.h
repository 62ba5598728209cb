#pragma once
// The window: menus, toolbar, the start page or the workspace (layer list beside the figure tabs) and the job
// panel. It only wires parts together; the work lives in the session, the job runner, the views and the export
// controller (DESIGN.md rule 11).
#include <QMainWindow>

#include "app/figures/analysis_file.h"
#include "app/gui/analysis_job.h"
#include "app/gui/session_store.h"
#include "app/figures/sweep_loader.h"
#include <optional>

class QAction;
class QMenu;
class QSplitter;
class QStackedWidget;

namespace codescope::widgets {
class DropoutSlider;
}

namespace codescope::gui {

class AnalysisJobRunner;
class AnalysisSession;
class AnalysisViews;
class ExportController;
class JobPanel;
class LayerListPanel;
class OpenModelDialog;
class RecentFiles;
class StartPage;
class SweepIssuesBar;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens an analysis JSON: a worker reads and parses it, the GUI thread only shows it, and analysisOpened(ok)
    /// says how it went. On failure an error dialog says why, and whatever was open stays open. When several opens
    /// overlap, only the last one's file is shown (the earlier ones end with analysisOpened(false), no dialog).
    void openAnalysisFile(const QString& path);
    /// Starts a capture in the background (what "Analyse a model" does once its dialog is accepted); false if a
    /// job is already running.
    bool startAnalysis(const pipeline::AnalysisRequest& request);
    /// What a path given on the command line or dropped on the window does: a .json is opened as an analysis,
    /// anything else is taken for a model and offered in the "Analyse a model" dialog.
    void openPath(const QString& path);
    /// Reads the sweep in `folder` on a worker thread, then shows it with the dropout slider (sweepOpened(ok)).
    void openSweepFolder(const QString& folder);
    /// Analyses the run folders `runFolders` of the sweep in `folder` in the background (what "Analyse missing runs"
    /// does), shows an error dialog naming each run that failed, and reopens the sweep when any run was analysed.
    /// False if a job is already running.
    bool analyseMissingRuns(const QString& folder, const QStringList& runFolders);
    /// The embedded default: trains the default sweep into `folder` (default: demoSweepFolder()) on the worker, or
    /// reuses it, analyses it and opens it. False if a job is already running.
    bool startDemo(const QString& folder = {});
    /// The language path's embedded default: trains the tiny LM into `folder` (default: languageDemoFolder()) or
    /// reuses it, analyses its GELU layers on GPL-3's text and shows them (the Tokens tab then computes on them).
    bool startLanguageDemo(const QString& folder = {}, const LanguageDemoOptions& options = {});
    /// Reopens the last session (what was open, the selected layers, the figure, the sweep's run); false if none.
    bool restoreSession();
    /// Shows the "Analyse a model" dialog (non-blocking), prefilled with `modelPath` if given.
    OpenModelDialog* chooseModel(const QString& modelPath = {});
    bool isShowingStartPage() const;

    AnalysisSession* session() const { return m_session; }
    AnalysisViews* views() const { return m_views; }
    LayerListPanel* layerList() const { return m_layerList; }
    JobPanel* jobPanel() const { return m_jobPanel; }
    AnalysisJobRunner* jobRunner() const { return m_jobs; }
    ExportController* exports() const { return m_exports; }
    RecentFiles* recentFiles() const { return m_recent; }
    StartPage* startPage() const { return m_startPage; }
    widgets::DropoutSlider* dropoutSlider() const { return m_dropoutSlider; }
    /// Above the figures while a sweep is open: its runs without an analysis, and the button to analyse them.
    SweepIssuesBar* sweepIssues() const { return m_sweepIssues; }

Q_SIGNALS:
    /// After openSweepFolder(): whether the sweep is now shown.
    void sweepOpened(bool ok);
    /// After openAnalysisFile(): whether the analysis at `path` is now shown.
    void analysisOpened(const QString& path, bool ok);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void chooseAnalysisFile();
    void chooseSweepFolder();
    void showSweep(SweepReadResult read);
    void showAnalysisFile(int request, const QString& path, AnalysisReadResult read);
    void rememberSession();
    void applyPendingSession();
    void showAnalysis();
    void jobFinished(const codescope::gui::Analysis& analysis);
    void jobFailed(const QString& message);
    void jobCancelled();
    void sweepAnalysed(const QString& folder, const QStringList& failures, int analysed);
    void offerToAnalyseSweep(const SweepReadResult& read);
    void updateActions();

    AnalysisSession* m_session;
    AnalysisJobRunner* m_jobs;
    RecentFiles* m_recent;
    StartPage* m_startPage;
    LayerListPanel* m_layerList;
    AnalysisViews* m_views;
    JobPanel* m_jobPanel;
    QSplitter* m_workspace;
    QStackedWidget* m_pages;
    widgets::DropoutSlider* m_dropoutSlider;
    SweepIssuesBar* m_sweepIssues;
    QStringList m_unanalysedRuns; ///< run folders of the open sweep without an analysis that could be analysed now
    ExportController* m_exports;
    QMenu* m_recentMenu = nullptr;
    std::optional<SessionState> m_pendingSession; ///< being restored: applied once its file or sweep is open
    bool m_restoring = false;
    int m_analysisReads = 0; ///< openAnalysisFile() calls so far: a read that is not the latest is dropped
    QAction* m_exportFigure = nullptr;
    QAction* m_exportReport = nullptr;
    QAction* m_exportTable = nullptr;
    QAction* m_saveAnalysis = nullptr;
    QAction* m_analyseModel = nullptr;
};

} // namespace codescope::gui
