#include "app/figures/analysis_session.h"

#include <algorithm>

namespace codescope::gui {

AnalysisSession::AnalysisSession(QObject* parent) : QObject(parent) {}

void AnalysisSession::setAnalysis(Analysis analysis) {
    if (!m_runs.empty()) {
        // A single analysis replaces the sweep.
        m_runs.clear();
        m_skipped.clear();
        m_sweepFolder.clear();
        m_currentRun = -1;
        Q_EMIT sweepChanged();
    }
    m_analysis = std::move(analysis);
    m_hasAnalysis = true;
    m_selected.clear();
    if (!m_analysis.layers.empty()) m_selected << QString::fromStdString(m_analysis.layers.front().layer.name);
    Q_EMIT analysisChanged();
    Q_EMIT selectionChanged(m_selected);
}

void AnalysisSession::setSweep(std::vector<SweepRunAnalysis> runs, QString folder, int initialRun,
                               QStringList skipped) {
    m_runs = std::move(runs);
    m_skipped = m_runs.empty() ? QStringList() : std::move(skipped);
    m_sweepFolder = std::move(folder);
    m_currentRun = -1;
    Q_EMIT sweepChanged();
    if (!m_runs.empty()) setCurrentRun(std::clamp(initialRun, 0, static_cast<int>(m_runs.size()) - 1));
}

void AnalysisSession::setCurrentRun(int index) {
    if (index < 0 || index >= static_cast<int>(m_runs.size()) || index == m_currentRun) return;
    m_currentRun = index;
    const QStringList previous = m_selected;
    // A copy: the run keeps its own analysis for the next move of the slider.
    m_analysis = m_runs[static_cast<std::size_t>(index)].analysis;
    m_hasAnalysis = true;
    QStringList kept;
    for (const results::LayerSpectrum& entry : m_analysis.layers)
        if (previous.contains(QString::fromStdString(entry.layer.name)))
            kept << QString::fromStdString(entry.layer.name);
    if (kept.isEmpty() && !m_analysis.layers.empty())
        kept << QString::fromStdString(m_analysis.layers.front().layer.name);
    m_selected = kept;
    Q_EMIT currentRunChanged(index);
    Q_EMIT analysisChanged();
    Q_EMIT selectionChanged(m_selected);
}

void AnalysisSession::setSourcePath(const QString& path) {
    m_analysis.sourcePath = path;
}

void AnalysisSession::setSelectedLayers(const QStringList& layerNames) {
    QStringList kept;
    for (const results::LayerSpectrum& entry : m_analysis.layers) {
        const QString name = QString::fromStdString(entry.layer.name);
        if (layerNames.contains(name)) kept << name;
    }
    if (kept == m_selected) return;
    m_selected = kept;
    Q_EMIT selectionChanged(m_selected);
}

} // namespace codescope::gui
