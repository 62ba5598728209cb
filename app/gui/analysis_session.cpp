#include "app/gui/analysis_session.h"

namespace codescope::gui {

AnalysisSession::AnalysisSession(QObject* parent) : QObject(parent) {}

void AnalysisSession::setAnalysis(Analysis analysis) {
    m_analysis = std::move(analysis);
    m_hasAnalysis = true;
    m_selected.clear();
    if (!m_analysis.layers.empty()) m_selected << QString::fromStdString(m_analysis.layers.front().layer.name);
    Q_EMIT analysisChanged();
    Q_EMIT selectionChanged(m_selected);
}

void AnalysisSession::setSourcePath(const QString& path) {
    m_analysis.sourcePath = path;
}

void AnalysisSession::setSelectedLayers(const QStringList& layerNames) {
    QStringList kept;
    for (const capture::LayerSpectrum& entry : m_analysis.layers) {
        const QString name = QString::fromStdString(entry.layer.name);
        if (layerNames.contains(name)) kept << name;
    }
    if (kept == m_selected) return;
    m_selected = kept;
    Q_EMIT selectionChanged(m_selected);
}

} // namespace codescope::gui
