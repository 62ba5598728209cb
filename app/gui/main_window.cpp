#include "app/gui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMetaObject>
#include <QMimeData>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QThreadPool>
#include <QToolBar>
#include <QVBoxLayout>

#include "app/gui/analysis_job_runner.h"
#include "app/figures/analysis_session.h"
#include "app/gui/analysis_views.h"
#include "app/gui/error_dialog.h"
#include "app/gui/export_controller.h"
#include "app/gui/job_panel.h"
#include "app/gui/layer_list_panel.h"
#include "app/gui/open_model_dialog.h"
#include "app/gui/provenance_panel.h"
#include "app/gui/recent_files.h"
#include "app/gui/start_page.h"
#include "app/gui/sweep_issues_bar.h"
#include "app/figures/sweep_loader.h"
#include "widgets/controls/dropout_slider.h"

namespace codescope::gui {

namespace {
constexpr int kStatusMs = 8000;
}

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_session(new AnalysisSession(this)), m_jobs(new AnalysisJobRunner(this)),
      m_recent(new RecentFiles(this)), m_startPage(new StartPage(m_recent)), m_layerList(new LayerListPanel(m_session)),
      m_views(new AnalysisViews(m_session, m_jobs)), m_jobPanel(new JobPanel), m_workspace(new QSplitter),
      m_pages(new QStackedWidget), m_dropoutSlider(new widgets::DropoutSlider), m_sweepIssues(new SweepIssuesBar),
      m_exports(new ExportController(this, statusBar(), m_session, m_views)) {
    setWindowTitle(tr("Codescope"));
    setAcceptDrops(true);
    resize(1280, 800);

    m_workspace->addWidget(m_layerList);
    auto* figures = new QWidget;
    auto* figuresLayout = new QVBoxLayout(figures);
    figuresLayout->setContentsMargins(0, 0, 0, 0);
    figuresLayout->setSpacing(0);
    figuresLayout->addWidget(m_sweepIssues);
    figuresLayout->addWidget(m_dropoutSlider);
    figuresLayout->addWidget(new ProvenancePanel(m_session));
    figuresLayout->addWidget(m_views, 1);
    m_workspace->addWidget(figures);
    m_workspace->setStretchFactor(1, 1);
    m_workspace->setSizes({380, 900});
    m_pages->addWidget(m_startPage);
    m_pages->addWidget(m_workspace);
    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_pages, 1);
    layout->addWidget(m_jobPanel);
    setCentralWidget(central);
    createMenus();

    connect(m_session, &AnalysisSession::analysisChanged, this, &MainWindow::showAnalysis);
    connect(m_session, &AnalysisSession::sweepChanged, this, [this] {
        std::vector<double> rates;
        for (const SweepRunAnalysis& run : m_session->sweepRuns())
            rates.push_back(run.dropout);
        m_dropoutSlider->setRates(rates, std::max(0, m_session->currentRun()));
        if (!m_session->hasSweep()) {
            m_sweepIssues->clear();
            m_unanalysedRuns.clear();
        }
    });
    connect(m_sweepIssues, &SweepIssuesBar::analyseRequested, this,
            [this] { analyseMissingRuns(m_session->sweepFolder(), m_unanalysedRuns); });
    connect(m_session, &AnalysisSession::currentRunChanged, m_dropoutSlider, &widgets::DropoutSlider::setCurrentIndex);
    connect(m_dropoutSlider, &widgets::DropoutSlider::currentIndexChanged, m_session, &AnalysisSession::setCurrentRun);
    connect(m_startPage, &StartPage::openAnalysisRequested, this, &MainWindow::chooseAnalysisFile);
    connect(m_startPage, &StartPage::analyseModelRequested, this, [this] { chooseModel(); });
    connect(m_startPage, &StartPage::demoRequested, this, [this] { startDemo(); });
    connect(m_startPage, &StartPage::languageDemoRequested, this, [this] { startLanguageDemo(); });
    connect(m_startPage, &StartPage::recentFileRequested, this, &MainWindow::openAnalysisFile);
    connect(m_recent, &RecentFiles::openRequested, this, &MainWindow::openAnalysisFile);
    connect(m_recent, &RecentFiles::changed, this, [this] { m_recent->fillMenu(m_recentMenu); });

    connect(m_jobs, &AnalysisJobRunner::started, m_jobPanel, &JobPanel::jobStarted);
    connect(m_jobs, &AnalysisJobRunner::progressed, m_jobPanel, &JobPanel::showProgress);
    connect(m_jobPanel, &JobPanel::cancelRequested, m_jobs, &AnalysisJobRunner::cancel);
    connect(m_jobs, &AnalysisJobRunner::finished, this, &MainWindow::jobFinished);
    connect(m_jobs, &AnalysisJobRunner::demoFinished, this, [this](const QString& folder) {
        m_jobPanel->showProgress(1.0, 0);
        m_jobPanel->jobEnded(tr("Demo ready in %1 s").arg(m_jobs->elapsedSeconds(), 0, 'f', 0));
        updateActions();
        openSweepFolder(folder);
    });
    connect(m_jobs, &AnalysisJobRunner::eigenfiltersFinished, this, [this](const EigenfilterResult& result) {
        const QString message = tr("Eigenfilters of %1 in %2 s")
                                    .arg(QString::fromStdString(result.layer))
                                    .arg(m_jobs->elapsedSeconds(), 0, 'f', 1);
        m_jobPanel->showProgress(1.0, 0);
        m_jobPanel->jobEnded(message);
        statusBar()->showMessage(message, kStatusMs);
        updateActions();
    });
    connect(m_jobs, &AnalysisJobRunner::sweepAnalysed, this, &MainWindow::sweepAnalysed);
    connect(m_jobs, &AnalysisJobRunner::failed, this, &MainWindow::jobFailed);
    connect(m_jobs, &AnalysisJobRunner::cancelled, this, &MainWindow::jobCancelled);

    // The session is saved whenever it changes, and offered on the start page next time.
    connect(m_session, &AnalysisSession::analysisChanged, this, &MainWindow::rememberSession);
    connect(m_session, &AnalysisSession::selectionChanged, this, &MainWindow::rememberSession);
    connect(m_session, &AnalysisSession::currentRunChanged, this, &MainWindow::rememberSession);
    connect(m_views, &QTabWidget::currentChanged, this, &MainWindow::rememberSession);
    connect(this, &MainWindow::sweepOpened, this, [this](bool ok) {
        if (ok) applyPendingSession();
        m_pendingSession.reset();
        m_restoring = false;
    });
    connect(this, &MainWindow::analysisOpened, this, [this](const QString& path, bool ok) {
        if (!m_pendingSession || m_pendingSession->sweep || path != m_pendingSession->path) return;
        if (ok) applyPendingSession();
        m_pendingSession.reset();
        m_restoring = false;
    });
    connect(m_startPage, &StartPage::continueRequested, this, &MainWindow::restoreSession);
    if (const std::optional<SessionState> last = loadSession())
        m_startPage->setContinueTarget(QFileInfo(last->path).fileName());

    statusBar()->showMessage(tr("Open an analysis (JSON from codescope-cli analyze) or analyse a model."));
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open analysis…"), this, &MainWindow::chooseAnalysisFile);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open a JSON file written by codescope-cli analyze --json"));
    m_analyseModel = file->addAction(tr("&Analyse a model…"), this, [this] { chooseModel(); });
    m_analyseModel->setShortcut(tr("Ctrl+M"));
    m_analyseModel->setToolTip(tr("Run a TorchScript model over a data set and compute each layer's spectrum"));
    QAction* openSweep = file->addAction(tr("Open &sweep folder…"), this, &MainWindow::chooseSweepFolder);
    openSweep->setShortcut(tr("Ctrl+Shift+O"));
    openSweep->setToolTip(
        tr("A folder made by codescope-cli train --out: every analysed run, with the dropout slider"));
    QAction* demo = file->addAction(tr("&Demo: the paper's dropout sweep"), this, [this] { startDemo(); });
    demo->setToolTip(tr("Train (or reuse) the default sweep, analyse it and open it with the dropout slider"));
    QAction* languageDemo =
        file->addAction(tr("&Language demo: a tiny transformer"), this, [this] { startLanguageDemo(); });
    languageDemo->setToolTip(tr("Train (or reuse) the tiny byte-level LM, analyse its GELU layers on GPL-3's text"));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    m_recent->fillMenu(m_recentMenu);
    file->addSeparator();
    m_saveAnalysis =
        file->addAction(tr("&Save analysis as JSON…"), m_exports, &ExportController::chooseAndSaveAnalysis);
    m_saveAnalysis->setShortcut(QKeySequence::Save);
    m_exportFigure = file->addAction(tr("&Export figure…"), m_exports, &ExportController::chooseAndExportFigure);
    m_exportFigure->setShortcut(tr("Ctrl+E"));
    m_exportFigure->setToolTip(tr("The current figure as vector PDF or as PNG at a chosen resolution"));
    m_exportReport = file->addAction(tr("Export &report…"), m_exports, &ExportController::chooseAndExportReport);
    m_exportReport->setToolTip(tr("Every figure, one per page, as a PDF"));
    m_exportTable = file->addAction(tr("Export &table (CSV)…"), m_exports, &ExportController::chooseAndExportTable);
    m_exportTable->setToolTip(tr("One row per layer: α and its interval, action, explained variance, eqs. 3-4"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QToolBar* tools = addToolBar(tr("Main"));
    tools->setObjectName("mainToolBar");
    tools->setMovable(false);
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    tools->addAction(open);
    tools->addAction(openSweep);
    tools->addAction(m_analyseModel);
    tools->addSeparator();
    tools->addAction(m_exportFigure);
    tools->addAction(m_exportReport);
}

bool MainWindow::isShowingStartPage() const {
    return m_pages->currentWidget() == m_startPage;
}

void MainWindow::openAnalysisFile(const QString& path) {
    const int request = ++m_analysisReads;
    statusBar()->showMessage(tr("Reading %1…").arg(QDir::toNativeSeparators(path)));
    // Reading and parsing a JSON of a few MB is file work: a worker does it, the GUI thread only shows the result
    // (as openSweepFolder does).
    QPointer<MainWindow> self(this);
    QThreadPool::globalInstance()->start([self, request, path] {
        AnalysisReadResult read = readAnalysisFile(path);
        QMetaObject::invokeMethod(
            qApp,
            [self, request, path, read = std::move(read)]() mutable {
                if (self) self->showAnalysisFile(request, path, std::move(read));
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::showAnalysisFile(int request, const QString& path, AnalysisReadResult read) {
    if (request != m_analysisReads) { // a later open superseded this one
        Q_EMIT analysisOpened(path, false);
        return;
    }
    if (!read.ok()) {
        if (!QFileInfo::exists(path)) m_recent->remove(path);
        showErrorDialog(this, tr("Cannot open analysis"), read.error.message(),
                        tr("Choose a JSON file written by “codescope-cli analyze --json”, or analyse a model with "
                           "File > Analyse a model."));
        statusBar()->showMessage(tr("Could not open %1").arg(QDir::toNativeSeparators(path)), kStatusMs);
        Q_EMIT analysisOpened(path, false);
        return;
    }
    const std::size_t layers = read.analysis->layers.size();
    m_session->setAnalysis(std::move(*read.analysis));
    m_recent->add(path);
    statusBar()->showMessage(tr("Opened %1: %2 layers").arg(QDir::toNativeSeparators(path)).arg(layers), kStatusMs);
    Q_EMIT analysisOpened(path, true);
}

bool MainWindow::startAnalysis(const pipeline::AnalysisRequest& request) {
    if (!m_jobs->start(request)) {
        statusBar()->showMessage(tr("An analysis is already running; cancel it first."), kStatusMs);
        return false;
    }
    updateActions();
    return true;
}

void MainWindow::chooseAnalysisFile() {
    const QString folder =
        m_recent->files().isEmpty() ? QDir::currentPath() : QFileInfo(m_recent->files().front()).absolutePath();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open analysis"), folder, tr("Analysis JSON (*.json);;All files (*)"));
    if (!path.isEmpty()) openAnalysisFile(path);
}

OpenModelDialog* MainWindow::chooseModel(const QString& modelPath) {
    auto* dialog = new OpenModelDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!modelPath.isEmpty()) dialog->setModelPath(modelPath);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { startAnalysis(dialog->request()); });
    dialog->open();
    return dialog;
}

void MainWindow::rememberSession() {
    if (m_restoring || !m_session->hasAnalysis()) return;
    SessionState state;
    state.sweep = m_session->hasSweep();
    state.path = state.sweep ? m_session->sweepFolder() : m_session->analysis().sourcePath;
    if (state.path.isEmpty()) return; // an analysis not saved yet has nothing to reopen
    state.path = QFileInfo(state.path).absoluteFilePath();
    state.layers = m_session->selectedLayers();
    state.tab = m_views->currentIndex();
    state.run = std::max(0, m_session->currentRun());
    saveSession(state);
}

bool MainWindow::restoreSession() {
    const std::optional<SessionState> state = loadSession();
    if (!state) return false;
    m_pendingSession = state;
    m_restoring = true;
    if (state->sweep) {
        openSweepFolder(state->path); // applied when sweepOpened arrives
        return true;
    }
    // Applied when analysisOpened arrives (see the constructor), as for a sweep.
    openAnalysisFile(state->path);
    return true;
}

void MainWindow::applyPendingSession() {
    if (!m_pendingSession) return;
    const SessionState state = *m_pendingSession;
    if (m_session->hasSweep()) m_session->setCurrentRun(state.run);
    m_session->setSelectedLayers(state.layers);
    if (state.tab >= 0 && state.tab < m_views->count() && m_views->isTabEnabled(state.tab))
        m_views->setCurrentIndex(state.tab);
    m_restoring = false;
    rememberSession();
}

bool MainWindow::startDemo(const QString& folder) {
    const QString target = folder.isEmpty() ? demoSweepFolder() : folder;
    if (!m_jobs->startDemo(target)) {
        statusBar()->showMessage(tr("A job is already running; cancel it first."), kStatusMs);
        return false;
    }
    statusBar()->showMessage(
        tr("Demo: training into %1 (reused if already there)").arg(QDir::toNativeSeparators(target)));
    updateActions();
    return true;
}

bool MainWindow::startLanguageDemo(const QString& folder, const LanguageDemoOptions& options) {
    const QString target = folder.isEmpty() ? languageDemoFolder() : folder;
    if (!m_jobs->startLanguageDemo(target, options)) {
        statusBar()->showMessage(tr("A job is already running; cancel it first."), kStatusMs);
        return false;
    }
    statusBar()->showMessage(tr("Language demo: training the tiny LM into %1 (reused if already there)")
                                 .arg(QDir::toNativeSeparators(target)));
    updateActions();
    return true;
}

void MainWindow::chooseSweepFolder() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open sweep folder"), QDir::currentPath());
    if (!folder.isEmpty()) openSweepFolder(folder);
}

void MainWindow::openSweepFolder(const QString& folder) {
    statusBar()->showMessage(tr("Reading the sweep in %1…").arg(QDir::toNativeSeparators(folder)));
    // Reading every run's JSON (a few MB each) is file work: a worker does it, the GUI thread only shows the result.
    QPointer<MainWindow> self(this);
    QThreadPool::globalInstance()->start([self, folder] {
        SweepReadResult read = readSweep(folder);
        QMetaObject::invokeMethod(
            qApp,
            [self, read = std::move(read)]() mutable {
                if (self) self->showSweep(std::move(read));
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::showSweep(SweepReadResult read) {
    if (!read.ok() && read.runs.empty() && !read.unanalysed.isEmpty()) {
        offerToAnalyseSweep(read);
        statusBar()->showMessage(tr("No run of %1 is analysed yet").arg(QDir::toNativeSeparators(read.folder)),
                                 kStatusMs);
        Q_EMIT sweepOpened(false);
        return;
    }
    if (!read.ok()) {
        showErrorDialog(this, tr("Cannot open sweep"), read.error,
                        tr("Train a sweep with “codescope-cli train --out DIR”, analyse it with “codescope-cli "
                           "analyze --sweep DIR --dataset fashion-mnist”, then open DIR."));
        statusBar()->showMessage(tr("Could not open %1").arg(QDir::toNativeSeparators(read.folder)), kStatusMs);
        Q_EMIT sweepOpened(false);
        return;
    }
    const std::size_t runs = read.runs.size();
    const int listed = static_cast<int>(runs) + static_cast<int>(read.skipped.size());
    m_session->setSweep(std::move(read.runs), read.folder, 0, read.skipped);
    // Every listed run is accounted for: the ones without an analysis are named above the figures.
    m_unanalysedRuns = read.unanalysed;
    m_sweepIssues->showSkipped(listed, read.skipped, static_cast<int>(read.unanalysed.size()));
    m_sweepIssues->setAnalyseEnabled(!m_jobs->isRunning());
    statusBar()->showMessage(
        tr("Opened sweep %1: %2 of %3 runs analysed").arg(QDir::toNativeSeparators(read.folder)).arg(runs).arg(listed),
        kStatusMs);
    Q_EMIT sweepOpened(true);
}

void MainWindow::offerToAnalyseSweep(const SweepReadResult& read) {
    QString message = read.error;
    if (!read.skipped.isEmpty()) message += QStringLiteral("\n\n") + read.skipped.join(QStringLiteral("\n"));
    QMessageBox* box = showErrorDialog(
        this, tr("Sweep not analysed yet"), message,
        tr("Analyse the runs here, in the background (the same analysis as “codescope-cli analyze --sweep DIR "
           "--dataset fashion-mnist”, sharing its cache), then the sweep opens."));
    QPushButton* analyse = box->addButton(
        read.unanalysed.size() == 1 ? tr("Analyse the run") : tr("Analyse %1 runs").arg(read.unanalysed.size()),
        QMessageBox::AcceptRole);
    analyse->setObjectName("analyseSweepRuns");
    box->setDefaultButton(analyse);
    const QString folder = read.folder;
    const QStringList runs = read.unanalysed;
    connect(analyse, &QPushButton::clicked, this, [this, folder, runs] { analyseMissingRuns(folder, runs); });
}

bool MainWindow::analyseMissingRuns(const QString& folder, const QStringList& runFolders) {
    if (runFolders.isEmpty()) return false;
    if (!m_jobs->startSweepAnalysis(folder, runFolders)) {
        statusBar()->showMessage(tr("A job is already running; cancel it first."), kStatusMs);
        return false;
    }
    updateActions();
    return true;
}

void MainWindow::sweepAnalysed(const QString& folder, const QStringList& failures, int analysed) {
    const QString message = tr("Analysed %1 of %2 runs in %3 s")
                                .arg(analysed)
                                .arg(analysed + failures.size())
                                .arg(m_jobs->elapsedSeconds(), 0, 'f', 0);
    m_jobPanel->showProgress(1.0, 0);
    m_jobPanel->jobEnded(message);
    statusBar()->showMessage(message, kStatusMs);
    updateActions();
    // One failed run does not stop the others: each failure is named, and the sweep reopens with what was analysed.
    if (!failures.isEmpty())
        showErrorDialog(this, tr("Some runs could not be analysed"), failures.join(QStringLiteral("\n")),
                        tr("Check each run's folder (its model.pt and manifest.json), or retrain the run with "
                           "“codescope-cli train”. The runs that were analysed are kept."));
    if (analysed > 0) openSweepFolder(folder);
}

void MainWindow::openPath(const QString& path) {
    if (QFileInfo(path).isDir() && isSweepFolder(path)) {
        openSweepFolder(path);
        return;
    }
    if (path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive))
        openAnalysisFile(path);
    else
        chooseModel(path);
}

void MainWindow::showAnalysis() {
    m_pages->setCurrentWidget(m_workspace);
    const Analysis& analysis = m_session->analysis();
    const QString name = analysis.sourcePath.isEmpty() ? analysisTitle(analysis) + tr(" (not saved)")
                                                       : QFileInfo(analysis.sourcePath).fileName();
    setWindowTitle(tr("%1 — Codescope").arg(name));
    updateActions();
}

void MainWindow::jobFinished(const Analysis& analysis) {
    const double seconds = m_jobs->elapsedSeconds();
    const QString message = tr("Analysed %1 layers in %2 s").arg(analysis.layers.size()).arg(seconds, 0, 'f', 1);
    m_jobPanel->showProgress(1.0, 0);
    m_jobPanel->jobEnded(message);
    m_session->setAnalysis(analysis);
    statusBar()->showMessage(message + tr(" — File > Save analysis keeps it"), kStatusMs);
    updateActions();
}

void MainWindow::jobFailed(const QString& message) {
    m_jobPanel->jobEnded(tr("Analysis failed"));
    showErrorDialog(this, tr("The analysis failed"), message,
                    tr("Check the model file, its input shape (e.g. 1,28,28 for Fashion-MNIST models) and the data "
                       "set, then try again. Whatever was open is unchanged."));
    statusBar()->showMessage(tr("Analysis failed"), kStatusMs);
    updateActions();
}

void MainWindow::jobCancelled() {
    m_jobPanel->jobEnded(tr("Analysis cancelled"));
    statusBar()->showMessage(tr("Analysis cancelled; nothing was changed"), kStatusMs);
    updateActions();
}

void MainWindow::updateActions() {
    const bool hasAnalysis = m_session->hasAnalysis();
    m_exportFigure->setEnabled(hasAnalysis);
    m_exportReport->setEnabled(hasAnalysis);
    m_exportTable->setEnabled(hasAnalysis);
    m_saveAnalysis->setEnabled(hasAnalysis);
    m_analyseModel->setEnabled(!m_jobs->isRunning());
    m_sweepIssues->setAnalyseEnabled(!m_jobs->isRunning());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.front().isLocalFile()) return;
    openPath(urls.front().toLocalFile());
    event->acceptProposedAction();
}

} // namespace codescope::gui
