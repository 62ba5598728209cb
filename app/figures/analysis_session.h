#pragma once
// The open document: the analysis on screen and which of its layers are selected. Views and panels follow it through
// its signals, so none of them talks to another directly.
#include <QObject>
#include <QStringList>

#include "app/figures/analysis.h"
#include "app/figures/sweep_loader.h"

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

    /// Opens a sweep: its runs stay in memory, so moving between them (the dropout slider) redraws without reading
    /// or computing anything. Shows the run at `initialRun` (clamped). An empty list closes the sweep. `skipped`: the
    /// sweep's runs that are not shown, "NAME: reason" (SweepReadResult::skipped), for the report to name.
    void setSweep(std::vector<SweepRunAnalysis> runs, QString folder, int initialRun = 0, QStringList skipped = {});
    bool hasSweep() const { return !m_runs.empty(); }
    const std::vector<SweepRunAnalysis>& sweepRuns() const { return m_runs; }
    /// The sweep's runs left out, "NAME: reason"; empty without a sweep.
    const QStringList& sweepSkipped() const { return m_skipped; }
    QString sweepFolder() const { return m_sweepFolder; }
    int currentRun() const { return m_currentRun; }
    /// Shows run `index` of the sweep, keeping the selected layers that it also has. Ignores bad indices.
    void setCurrentRun(int index);
    QStringList selectedLayers() const { return m_selected; }
    /// Selects the named layers (names not in the analysis are dropped); signals only if the selection changed.
    void setSelectedLayers(const QStringList& layerNames);

Q_SIGNALS:
    void analysisChanged();
    void selectionChanged(const QStringList& layerNames);
    void sweepChanged();
    void currentRunChanged(int index);

private:
    Analysis m_analysis;
    bool m_hasAnalysis = false;
    QStringList m_selected;
    std::vector<SweepRunAnalysis> m_runs;
    QStringList m_skipped;
    QString m_sweepFolder;
    int m_currentRun = -1;
};

} // namespace codescope::gui
