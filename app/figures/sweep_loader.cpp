#include "app/figures/sweep_loader.h"

#include <QDir>
#include <QFileInfo>
#include <QObject>

#include "app/figures/analysis_file.h"
#include "core/common/input_error.h"
#include "core/results/sweep_folder.h"

namespace codescope::gui {

bool isSweepFolder(const QString& folder) {
    return results::isSweepFolder(folder.toStdString());
}

SweepReadResult readSweep(const QString& folder) {
    SweepReadResult result;
    result.folder = folder;
    std::vector<results::SweepRun> runs;
    try {
        runs = results::readSweepFolder(folder.toStdString());
    } catch (const InputError& error) {
        result.error = QString::fromStdString(error.what());
        return result;
    }
    for (const results::SweepRun& run : runs) {
        const QString runFolder = QString::fromStdString(run.directory);
        const QFileInfoList cached =
            QDir(runFolder).entryInfoList({QStringLiteral("analysis-*.json")}, QDir::Files, QDir::Time);
        const QString name = QString::fromStdString(run.name);
        if (!run.problem.empty()) {
            result.skipped << QObject::tr("%1: cannot be analysed: %2").arg(name, QString::fromStdString(run.problem));
            continue;
        }
        if (cached.isEmpty()) {
            result.skipped << QObject::tr("%1: no analysis yet").arg(name);
            result.unanalysed << QString::fromStdString(run.directory);
            continue;
        }
        AnalysisReadResult read = readAnalysisFile(cached.front().absoluteFilePath());
        if (!read.ok()) {
            result.skipped << read.error.message();
            continue;
        }
        Analysis& analysis = *read.analysis;
        // The cached analysis records its request; the run reopens from its folder where the sweep is now (the sweep
        // may have been moved since it was analysed).
        if (analysis.request) analysis.request->model.path = run.directory;
        result.runs.push_back({run.dropout, name, std::move(analysis)});
    }
    if (result.runs.empty())
        result.error = QObject::tr("%1: no run of this sweep has been analysed yet; run “codescope-cli analyze "
                                   "--sweep %1 --dataset fashion-mnist” first")
                           .arg(QDir::toNativeSeparators(folder));
    return result;
}

} // namespace codescope::gui
