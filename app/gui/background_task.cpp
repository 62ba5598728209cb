#include "app/gui/background_task.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <new>

#include "core/common/input_error.h"

namespace codescope::gui {

namespace {
constexpr qint64 kProgressIntervalMs = 100;
} // namespace

struct BackgroundTask::Job {
    int id = 0;
    CancelToken cancel;
};

BackgroundTask::BackgroundTask(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(1);
    m_pool.setStackSize(8 << 20); // LibTorch (MINE) on the worker, as in AnalysisJobRunner
}

BackgroundTask::~BackgroundTask() {
    if (m_job) m_job->cancel.cancel();
    m_pool.waitForDone(); // the worker calls back through `this`
}

bool BackgroundTask::start(Work work) {
    return start(RateWork([work = std::move(work)](const RateProgress& progress, const CancelToken* cancel) {
        return work([&progress](double fraction) { progress(fraction, 0.0); }, cancel);
    }));
}

bool BackgroundTask::start(RateWork work) {
    if (m_running) return false;
    auto job = std::make_shared<Job>();
    job->id = m_nextJobId++;
    m_job = job;
    m_running = true;
    m_pool.start([this, job, work = std::move(work)] {
        QElapsedTimer throttle;
        throttle.start();
        // Throttled here: capture reports per batch, and a flood of queued calls would make the GUI thread do work
        // it cannot draw anyway.
        const RateProgress progress = [&](double fraction, double samplesPerSecond) {
            if (throttle.elapsed() < kProgressIntervalMs && fraction < 1.0) return;
            throttle.restart();
            deliver(job->id, [this, fraction, samplesPerSecond] { Q_EMIT progressed(fraction, samplesPerSecond); });
        };
        // Every outcome becomes a signal; m_running is cleared on the GUI thread before it is emitted.
        std::function<void()> outcome;
        try {
            const std::function<void()> done = work(progress, &job->cancel);
            outcome = [this, done] {
                m_running = false;
                if (done) done();
                Q_EMIT finished();
            };
        } catch (const Cancelled&) {
            outcome = [this] {
                m_running = false;
                Q_EMIT cancelled();
            };
        } catch (const std::bad_alloc&) {
            outcome = [this] {
                m_running = false;
                Q_EMIT failed(tr("Out of memory. Use fewer samples or layers, or a smaller input size."));
            };
        } catch (const std::exception& error) {
            // The first line only: LibTorch's messages carry a C++ backtrace after it.
            QString message = QString::fromUtf8(error.what()).section('\n', 0, 0).trimmed();
            if (message.size() > 400) message = message.left(400) + QStringLiteral("…");
            outcome = [this, message] {
                m_running = false;
                Q_EMIT failed(message.isEmpty() ? tr("unknown error") : message);
            };
        } catch (...) {
            outcome = [this] {
                m_running = false;
                Q_EMIT failed(tr("The job stopped with an unknown error."));
            };
        }
        deliver(job->id, std::move(outcome));
    });
    return true;
}

void BackgroundTask::cancel() {
    if (m_running && m_job) m_job->cancel.cancel();
}

void BackgroundTask::deliver(int jobId, std::function<void()> onGuiThread) {
    QMetaObject::invokeMethod(
        this,
        [this, jobId, onGuiThread = std::move(onGuiThread)] {
            if (m_job && m_job->id == jobId) onGuiThread();
        },
        Qt::QueuedConnection);
}

} // namespace codescope::gui
