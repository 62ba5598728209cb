#pragma once
// One core computation at a time on its own worker thread (DESIGN.md rule 3, after PlotJuggler's FetchWorker): cancel
// is the core's atomic CancelToken, set directly from the GUI thread; progress and the outcome come back as signals on
// the GUI thread; results cross by value; no exception escapes the worker. The app's analysis jobs
// (AnalysisJobRunner) and the views that compute what they show (Theory, Tokens, Explanations) each own one, so a
// view's job neither waits for nor blocks an analysis.
#include <QObject>
#include <QThreadPool>
#include <functional>
#include <memory>

#include "core/common/job_control.h"

namespace codescope::gui {

class BackgroundTask : public QObject {
    Q_OBJECT
public:
    /// Runs on the worker with a progress callback (fraction in [0, 1], any thread) and the cancel token; returns a
    /// closure that runs on the GUI thread when the work succeeded (it hands the result, captured by value, over).
    using Work = std::function<std::function<void()>(const ProgressCallback&, const CancelToken*)>;
    /// The same for work that also reports a rate (samples per second), as capture does.
    using RateProgress = std::function<void(double fraction, double samplesPerSecond)>;
    using RateWork = std::function<std::function<void()>(const RateProgress&, const CancelToken*)>;

    explicit BackgroundTask(QObject* parent = nullptr);
    /// Cancels a running job and waits for its worker to stop (at the core's next cancellation check).
    ~BackgroundTask() override;

    bool isRunning() const { return m_running; }
    /// Starts `work`; false (and nothing started) while a job runs.
    bool start(Work work);
    bool start(RateWork work);
    /// Asks the running job to stop; it ends with cancelled(). Does nothing when idle.
    void cancel();

Q_SIGNALS:
    /// At most about ten times a second, and once at the end; samplesPerSecond is 0 for work without a rate.
    void progressed(double fraction, double samplesPerSecond);
    /// After the work's closure ran.
    void finished();
    /// One line saying what went wrong, ready for a dialog.
    void failed(const QString& message);
    void cancelled();

private:
    struct Job;
    void deliver(int jobId, std::function<void()> onGuiThread);

    QThreadPool m_pool;
    std::shared_ptr<Job> m_job;
    int m_nextJobId = 1;
    bool m_running = false;
};

} // namespace codescope::gui
