#pragma once
// The "Explanations" tab (paper Fig. 7b): the explanation score of single neurons and of random projections against
// layer depth. Scores come from a file written by `codescope-cli explain --json` (Open scores…), or are computed for
// the open language analysis through the OpenAI-compatible endpoint configured in the environment
// (CODESCOPE_EXPLAIN_URL, CODESCOPE_EXPLAINER_MODEL, ...); without one the tab says so and the rest of the app works.
#include <QString>
#include <QWidget>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/explain/explanations_file.h"
#include "widgets/charts/run_plot_series.h"

class QPushButton;

namespace codescope::gui {

class AnalysisSession;
class TheoryComputePane;

/// What the plot is given: two series, "single neurons" and "random projections", one point per layer at its depth
/// with the mean score and its 95% interval.
std::vector<widgets::RunPlotSeries> explanationSeries(const std::vector<explain::DepthScore>& scores);
/// Score (correlation of simulated and true activations) against depth, with a dashed line at 0.
widgets::RunPlotAxes explanationAxes();

class ExplanationPane : public QWidget {
    Q_OBJECT
public:
    explicit ExplanationPane(AnalysisSession* session, QWidget* parent = nullptr);

    TheoryComputePane* computePane() const { return m_pane; }
    /// Reads `path` in the background and plots it (what Open scores… does after its dialog).
    bool openScores(const QString& path);
    /// How the plotted scores' simulated activations were read (explain::simulationDescription: Bills et al.'s
    /// expected values from log-probabilities, or the written numbers), shown under the figure's title; empty
    /// before scores are plotted.
    QString simulationNote() const { return m_simulationNote; }

private:
    void useEndpointCompute();
    void showSimulationNote();

    AnalysisSession* m_session;
    TheoryComputePane* m_pane;
    QPushButton* m_open;
    /// Written by the job (on its worker thread) as it ends, read on the GUI thread when it has ended.
    struct SharedNote {
        std::mutex mutex;
        std::string text;
    };
    std::shared_ptr<SharedNote> m_jobNote = std::make_shared<SharedNote>();
    QString m_simulationNote;
};

} // namespace codescope::gui
