#pragma once
// The open document: the analysis on screen and which of its layers are selected. Views and panels follow it through
// its signals, so none of them talks to another directly.
#include <QObject>
#include <QStringList>

#include "app/gui/analysis.h"

namespace codescope::gui {

class AnalysisSession : public QObject {
    Q_OBJECT
public:
    explicit AnalysisSession(QObject* parent = nullptr);

    bool hasAnalysis() const { return m_hasAnalysis; }
    /// The current analysis (an empty one before the first is set).
    const Analysis& analysis() const { return m_analysis; }
    /// Shows `analysis`, selecting its shallowest layer so that its fit is drawn at once.
    void setAnalysis(Analysis analysis);
    /// Remembers where the analysis now lives (after "Save analysis").
    void setSourcePath(const QString& path);

    QStringList selectedLayers() const { return m_selected; }
    /// Selects the named layers (names not in the analysis are dropped); signals only if the selection changed.
    void setSelectedLayers(const QStringList& layerNames);

Q_SIGNALS:
    void analysisChanged();
    void selectionChanged(const QStringList& layerNames);

private:
    Analysis m_analysis;
    bool m_hasAnalysis = false;
    QStringList m_selected;
};

} // namespace codescope::gui
