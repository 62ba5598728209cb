#include "app/gui/analysis_job_runner.h"

#include <QFileInfo>

namespace codescope::gui {

AnalysisJobRunner::AnalysisJobRunner(QObject* parent) : QObject(parent), m_task(new BackgroundTask(this)) {
    qRegisterMetaType<Analysis>();
    qRegisterMetaType<EigenfilterResult>();
    connect(m_task, &BackgroundTask::progressed, this, &AnalysisJobRunner::progressed);
    connect(m_task, &BackgroundTask::failed, this, &AnalysisJobRunner::failed);
    connect(m_task, &BackgroundTask::cancelled, this, &AnalysisJobRunner::cancelled);
}

AnalysisJobRunner::~AnalysisJobRunner() {
    // Stops the worker while this object is whole: the job's closures call back into it.
    delete m_task;
}

bool AnalysisJobRunner::isRunning() const {
    return m_task->isRunning();
}

double AnalysisJobRunner::elapsedSeconds() const {
    return m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0.0;
}

bool AnalysisJobRunner::start(const pipeline::AnalysisRequest& request) {
    const QString description = tr("Analysing %1 on %2")
                                    .arg(QFileInfo(QString::fromStdString(request.model.path)).fileName(),
                                         QString::fromStdString(pipeline::dataSpecText(request.data)));
    return launch(description, [this, request](const AnalysisProgressCallback& progress, const CancelToken* cancel) {
        auto analysis = std::make_shared<Analysis>(runAnalysis(request, progress, cancel));
        return std::function<void()>([this, analysis] { Q_EMIT finished(*analysis); });
    });
}

bool AnalysisJobRunner::startDemo(const QString& folder) {
    return launch(tr("Demo: training the dropout sweep (%1 runs) and analysing it").arg(paper::kDropoutRates.size()),
                  [this, folder](const AnalysisProgressCallback& progress, const CancelToken* cancel) {
                      runDemo(folder.toStdString(), progress, cancel);
                      return std::function<void()>([this, folder] { Q_EMIT demoFinished(folder); });
                  });
}

bool AnalysisJobRunner::startSweepAnalysis(const QString& folder, const QStringList& runFolders) {
    std::vector<std::string> runs;
    for (const QString& run : runFolders)
        runs.push_back(run.toStdString());
    const QString description = runFolders.size() == 1
                                    ? tr("Analysing %1 of sweep %2 on Fashion-MNIST")
                                          .arg(QFileInfo(runFolders.front()).fileName(), QFileInfo(folder).fileName())
                                    : tr("Analysing %1 runs of sweep %2 on Fashion-MNIST")
                                          .arg(runFolders.size())
                                          .arg(QFileInfo(folder).fileName());
    return launch(description,
                  [this, folder, runs](const AnalysisProgressCallback& progress, const CancelToken* cancel) {
                      const std::vector<std::string> failed = analyseSweepRuns(runs, progress, cancel);
                      QStringList failures;
                      for (const std::string& failure : failed)
                          failures << QString::fromStdString(failure);
                      const int analysed = static_cast<int>(runs.size() - failed.size());
                      return std::function<void()>(
                          [this, folder, failures, analysed] { Q_EMIT sweepAnalysed(folder, failures, analysed); });
                  });
}

bool AnalysisJobRunner::startLanguageDemo(const QString& folder, const LanguageDemoOptions& options) {
    return launch(tr("Language demo: training the tiny transformer LM and analysing it on GPL-3's text"),
                  [this, folder, options](const AnalysisProgressCallback& progress, const CancelToken* cancel) {
                      auto analysis = std::make_shared<Analysis>(
                          gui::runLanguageDemo(folder.toStdString(), options, progress, cancel));
                      return std::function<void()>([this, analysis] { Q_EMIT finished(*analysis); });
                  });
}

bool AnalysisJobRunner::startEigenfilters(const Analysis& analysis, const QString& layer, int components) {
    const QString description = tr("Eigenfilters of %1 (%2 components) in %3")
                                    .arg(layer)
                                    .arg(components)
                                    .arg(QString::fromStdString(analysis.model));
    return launch(description, [this, analysis, layer = layer.toStdString(),
                                components](const AnalysisProgressCallback& progress, const CancelToken* cancel) {
        auto result =
            std::make_shared<EigenfilterResult>(runEigenfilters(analysis, layer, components, progress, cancel));
        return std::function<void()>([this, result] { Q_EMIT eigenfiltersFinished(*result); });
    });
}

bool AnalysisJobRunner::launch(const QString& description, Work work) {
    if (m_task->isRunning()) return false;
    m_clock.start();
    Q_EMIT started(description);
    return m_task->start(BackgroundTask::RateWork(std::move(work)));
}

void AnalysisJobRunner::cancel() {
    m_task->cancel();
}

} // namespace codescope::gui
