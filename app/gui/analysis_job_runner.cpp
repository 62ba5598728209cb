#include "app/gui/analysis_job_runner.h"

#include <QFileInfo>
#include <QMetaObject>
#include <new>

#include "core/common/input_error.h"

namespace codescope::gui {

namespace {

// Progress is throttled in the worker: the capture reports per batch, and a flood of queued calls would make the
// GUI thread do work it cannot draw anyway.
constexpr qint64 kProgressIntervalMs = 100;

/// The first line of an exception's message (LibTorch's carry a C++ backtrace after it), kept short for a dialog.
QString firstLine(const char* what) {
    QString line = QString::fromUtf8(what).section('\n', 0, 0).trimmed();
    if (line.size() > 400) line = line.left(400) + QStringLiteral("…");
    return line.isEmpty() ? QObject::tr("unknown error") : line;
}

} // namespace

struct AnalysisJobRunner::Job {
    int id = 0;
    CancelToken cancel;
};

AnalysisJobRunner::AnalysisJobRunner(QObject* parent) : QObject(parent) {
    qRegisterMetaType<Analysis>();
    qRegisterMetaType<EigenfilterResult>();
    m_pool.setMaxThreadCount(1);
    // LibTorch and the BLAS use their own threads; this one only drives them, on a big stack for deep models.
    m_pool.setStackSize(8 << 20);
}

AnalysisJobRunner::~AnalysisJobRunner() {
    if (m_job) m_job->cancel.cancel();
    // The worker calls back through `this`, so it must end before this object does.
    m_pool.waitForDone();
}

double AnalysisJobRunner::elapsedSeconds() const {
    return m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0.0;
}

bool AnalysisJobRunner::start(const AnalysisRequest& request) {
    const QString description = tr("Analysing %1 on %2")
                                    .arg(QFileInfo(QString::fromStdString(request.modelPath)).fileName(),
                                         QString::fromStdString(request.dataset));
    return launch(description, [this, request](const AnalysisProgressCallback& progress, const CancelToken* cancel) {
        auto analysis = std::make_shared<Analysis>(runAnalysis(request, progress, cancel));
        return std::function<void()>([this, analysis] { Q_EMIT finished(*analysis); });
    });
}

bool AnalysisJobRunner::startDemo(const QString& folder) {
    return launch(tr("Demo: training the dropout sweep (5 runs) and analysing it"),
                  [this, folder](const AnalysisProgressCallback& progress, const CancelToken* cancel) {
                      runDemo(folder.toStdString(), progress, cancel);
                      return std::function<void()>([this, folder] { Q_EMIT demoFinished(folder); });
                  });
}

bool AnalysisJobRunner::startEigenfilters(const Analysis& analysis, const QString& layer, int components) {
    const QString description = tr("Eigenfilters of %1 (%2 components) in %3")
                                    .arg(layer)
                                    .arg(components)
                                    .arg(QFileInfo(QString::fromStdString(analysis.modelSpecPath)).fileName());
    return launch(description, [this, analysis, layer = layer.toStdString(), components](
                                   const AnalysisProgressCallback& progress, const CancelToken* cancel) {
        auto result = std::make_shared<EigenfilterResult>(runEigenfilters(analysis, layer, components, progress, cancel));
        return std::function<void()>([this, result] { Q_EMIT eigenfiltersFinished(*result); });
    });
}

bool AnalysisJobRunner::launch(const QString& description, Work work) {
    if (m_running) return false;
    auto job = std::make_shared<Job>();
    job->id = m_nextJobId++;
    m_job = job;
    m_running = true;
    m_clock.start();
    Q_EMIT started(description);

    m_pool.start([this, job, work = std::move(work)] {
        QElapsedTimer throttle;
        throttle.start();
        const auto progress = [&](double fraction, double samplesPerSecond) {
            if (throttle.elapsed() < kProgressIntervalMs && fraction < 1.0) return;
            throttle.restart();
            deliver(job->id, [this, fraction, samplesPerSecond] { Q_EMIT progressed(fraction, samplesPerSecond); });
        };
        // Every outcome, including failures no one foresaw, is turned into a signal: nothing escapes the worker.
        try {
            const std::function<void()> done = work(progress, &job->cancel);
            deliver(job->id, [this, done] {
                m_running = false;
                done();
            });
        } catch (const Cancelled&) {
            deliver(job->id, [this] {
                m_running = false;
                Q_EMIT cancelled();
            });
        } catch (const std::bad_alloc&) {
            deliver(job->id, [this] {
                m_running = false;
                Q_EMIT failed(tr("Out of memory. Use fewer samples or layers, or a smaller input size."));
            });
        } catch (const std::exception& error) {
            const QString message = firstLine(error.what());
            deliver(job->id, [this, message] {
                m_running = false;
                Q_EMIT failed(message);
            });
        } catch (...) {
            deliver(job->id, [this] {
                m_running = false;
                Q_EMIT failed(tr("The job stopped with an unknown error."));
            });
        }
    });
    return true;
}

void AnalysisJobRunner::cancel() {
    if (m_running && m_job) m_job->cancel.cancel();
}

void AnalysisJobRunner::deliver(int jobId, const std::function<void()>& onGuiThread) {
    // Queued onto this object's (the GUI) thread. The destructor waits for the worker, so `this` outlives the call.
    QMetaObject::invokeMethod(
        this,
        [this, jobId, onGuiThread] {
            if (m_job && m_job->id == jobId) onGuiThread();
        },
        Qt::QueuedConnection);
}

} // namespace codescope::gui
