#pragma once
// The app's analysis jobs (an analysis, the demo, a layer's eigenfilters), one at a time on a worker thread
// (BackgroundTask: cancel by the core's CancelToken, results by value in signals, no exception escapes the worker),
// with the signals the job panel and the main window listen to.
#include <QElapsedTimer>
#include <QObject>
#include <QStringList>

#include "app/figures/analysis.h"
#include "app/gui/analysis_job.h"
#include "app/gui/background_task.h"

namespace codescope::gui {

class AnalysisJobRunner : public QObject {
    Q_OBJECT
public:
    explicit AnalysisJobRunner(QObject* parent = nullptr);
    /// Cancels a running job and waits for its worker to stop (at the core's next cancellation check).
    ~AnalysisJobRunner() override;

    bool isRunning() const;
    /// Starts `request` on the worker thread; false (and nothing started) if a job is already running.
    bool start(const pipeline::AnalysisRequest& request);
    /// Starts the demo (runDemo: train the default sweep into `folder` or reuse it, analyse every run); it ends with
    /// demoFinished(folder). False if a job is already running.
    bool startDemo(const QString& folder);
    /// Analyses the run folders `runFolders` of the sweep in `folder` (analyseSweepRuns: those without an analysis);
    /// it ends with sweepAnalysed(folder, failures) even when some runs failed. False if a job is already running.
    bool startSweepAnalysis(const QString& folder, const QStringList& runFolders);
    /// Starts the language demo (runLanguageDemo: train the tiny LM into `folder` or reuse it, analyse GPL-3's text);
    /// it ends with finished(analysis) like an analysis. False if a job is already running.
    bool startLanguageDemo(const QString& folder, const LanguageDemoOptions& options = {});
    /// Computes the first `components` eigenfilters of `layer` of `analysis` (runEigenfilters: reopens its model and
    /// data set); it ends with eigenfiltersFinished(result). False if a job is already running.
    bool startEigenfilters(const Analysis& analysis, const QString& layer, int components);
    /// Asks the running job to stop; it ends with cancelled(). Does nothing when idle.
    void cancel();
    /// Seconds since the running (or last) job started.
    double elapsedSeconds() const;

Q_SIGNALS:
    void started(const QString& description);
    /// At most about ten times a second, and once at the end.
    void progressed(double fraction, double samplesPerSecond);
    void finished(const codescope::gui::Analysis& analysis);
    /// The demo's sweep is trained and analysed in `folder`.
    void demoFinished(const QString& folder);
    /// The runs of the sweep in `folder` given to startSweepAnalysis() were analysed, but for `failures` ("NAME:
    /// reason"); `analysed` of them succeeded.
    void sweepAnalysed(const QString& folder, const QStringList& failures, int analysed);
    /// The eigenfilters of one layer (result.analysisKey and layer say of which analysis and layer).
    void eigenfiltersFinished(const codescope::gui::EigenfilterResult& result);
    /// One line saying what went wrong, ready for a dialog.
    void failed(const QString& message);
    void cancelled();

private:
    using Work = std::function<std::function<void()>(const AnalysisProgressCallback&, const CancelToken*)>;
    bool launch(const QString& description, Work work);

    BackgroundTask* m_task;
    QElapsedTimer m_clock;
};

} // namespace codescope::gui
