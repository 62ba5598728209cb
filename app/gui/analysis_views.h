#pragma once
// The tabs of figures for the open analysis: the figures drawn from the result (AnalysisFigures, shared with
// `codescope-cli report`), the ones computed on demand (eigenfilters, tokens, explanations, 3-D curves) and the
// theory tabs; it tells the export code which figure is current and what goes into a report.
#include <QTabWidget>
#include <vector>

#include "app/figures/analysis_figures.h"
#include "app/figures/report_pages.h"

namespace codescope::widgets {
class AlphaDepthView;
class ProjectionGridView;
class SpectrumView;
} // namespace codescope::widgets

namespace codescope::gui {

class AnalysisJobRunner;
class AnalysisSession;
class EigenfilterPane;
class TheoryComputePane;
class TokenPane;
class ExplanationPane;
class PaperChecksPane;

class AnalysisViews : public QTabWidget {
    Q_OBJECT
public:
    /// `jobs` runs the per-layer jobs of the Eigenfilters tab; without it that tab cannot compute.
    explicit AnalysisViews(AnalysisSession* session, AnalysisJobRunner* jobs = nullptr, QWidget* parent = nullptr);

    /// The figures drawn from the result alone (spectra, alpha against depth, comparison, coding plots).
    AnalysisFigures* figures() const { return m_figures; }
    widgets::SpectrumView* spectrumView() const { return m_figures->spectrumView(); }
    widgets::AlphaDepthView* alphaDepthView() const { return m_figures->alphaDepthView(); }
    /// The coding plots (action and explained variance, Fig. 4c-d, 6c-e), in allCodingPlots() order; their tabs
    /// are enabled when the analysis has coding records.
    const std::vector<widgets::AlphaDepthView*>& codingViews() const { return m_figures->codingViews(); }
    /// Fig. 4b: the selected layers' random-projection curves in 3-D (VTK; a note instead where OpenGL is missing).
    widgets::ProjectionGridView* projectionView() const { return m_projections; }
    /// The paper's closed forms (Fig. 1c, 2b-c): compression rate against sparsity, capacity after dropout layers.
    widgets::AlphaDepthView* compressionView() const { return m_compression; }
    /// A sweep's lowest- and highest-dropout runs' spectra side by side (Fig. 5); the tab is enabled for sweeps.
    widgets::SpectrumView* lowDropoutSpectrum() const { return m_figures->lowDropoutSpectrum(); }
    widgets::SpectrumView* highDropoutSpectrum() const { return m_figures->highDropoutSpectrum(); }
    widgets::AlphaDepthView* dropoutCapacityView() const { return m_dropoutCapacity; }
    /// The tab of compressionView(), which trains Fig. 1c's toy models in the background when first shown.
    TheoryComputePane* compressionPane() const { return m_compressionPane; }
    /// Supplementary Fig. 1: MINE's I(X; h_l) in bits against layer, one line per dropout rate, on Compute.
    TheoryComputePane* minePane() const { return m_minePane; }
    /// Fig. 3d: the selected layer's first principal components as input-space images, computed on demand.
    EigenfilterPane* eigenfilterPane() const { return m_eigenfilters; }
    /// Fig. 7c: a language model's token trajectories, computed on demand.
    TokenPane* tokenPane() const { return m_tokens; }
    /// Fig. 7b: explanation scores by depth, from a file or computed through an endpoint.
    ExplanationPane* explanationPane() const { return m_explanations; }
    /// The paper's claims checked on the open sweep or analysis (a read-only table).
    PaperChecksPane* paperChecksPane() const { return m_paperChecks; }
    /// The figure on the current tab, and a short name for it ("spectrum") for file names.
    QWidget* currentFigure() const;
    QString currentFigureName() const;
    /// What "Export report" draws from: the figures, the eigenfilter gallery and the 3-D curves as shown now.
    ReportSources reportSources() const;

private:
    void addFigureTabs();
    void addComputedTabs(AnalysisJobRunner* jobs);
    void addTheoryTabs();
    void enableFigureTabs();
    void showPaperChecks();
    void showProjections();

    AnalysisSession* m_session;
    AnalysisFigures* m_figures;
    widgets::ProjectionGridView* m_projections = nullptr;
    widgets::AlphaDepthView* m_compression = nullptr;
    widgets::AlphaDepthView* m_dropoutCapacity = nullptr;
    TheoryComputePane* m_compressionPane = nullptr;
    TheoryComputePane* m_minePane = nullptr;
    EigenfilterPane* m_eigenfilters = nullptr;
    TokenPane* m_tokens = nullptr;
    ExplanationPane* m_explanations = nullptr;
    PaperChecksPane* m_paperChecks = nullptr;
    bool m_paperChecksStale = true; ///< the sweep changed since the checks were computed
};

} // namespace codescope::gui
