#pragma once
// The tabs of figures for the open analysis: it feeds each view from the session (through the view models) and
// tells the export code which figure is current and which go into a report.
#include <QTabWidget>
#include <vector>

#include "widgets/export/figure_export.h"

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

    widgets::SpectrumView* spectrumView() const { return m_spectrum; }
    widgets::AlphaDepthView* alphaDepthView() const { return m_alphaDepth; }
    /// The coding plots (action and explained variance, Fig. 4c-d, 6c-e), in allCodingPlots() order; their tabs
    /// are enabled when the analysis has coding records.
    const std::vector<widgets::AlphaDepthView*>& codingViews() const { return m_coding; }
    /// Fig. 4b: the selected layers' random-projection curves in 3-D (VTK; a note instead where OpenGL is missing).
    widgets::ProjectionGridView* projectionView() const { return m_projections; }
    /// The paper's closed forms (Fig. 1c, 2b-c): compression rate against sparsity, capacity after dropout layers.
    widgets::AlphaDepthView* compressionView() const { return m_compression; }
    /// A sweep's lowest- and highest-dropout runs' spectra side by side (Fig. 5); the tab is enabled for sweeps.
    widgets::SpectrumView* lowDropoutSpectrum() const { return m_compareLow; }
    widgets::SpectrumView* highDropoutSpectrum() const { return m_compareHigh; }
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
    /// Every figure with a title and a caption, in tab order: the pages of "Export report".
    std::vector<widgets::ReportPage> reportPages() const;

private:
    void showAnalysis();
    void showProjections();

    AnalysisSession* m_session;
    widgets::SpectrumView* m_spectrum;
    widgets::AlphaDepthView* m_alphaDepth;
    std::vector<widgets::AlphaDepthView*> m_coding;
    widgets::ProjectionGridView* m_projections;
    QWidget* m_compare;
    widgets::SpectrumView* m_compareLow;
    widgets::SpectrumView* m_compareHigh;
    widgets::AlphaDepthView* m_compression;
    widgets::AlphaDepthView* m_dropoutCapacity;
    TheoryComputePane* m_compressionPane;
    TheoryComputePane* m_minePane;
    EigenfilterPane* m_eigenfilters;
    TokenPane* m_tokens;
    ExplanationPane* m_explanations;
    PaperChecksPane* m_paperChecks;
    bool m_comparisonsStale = true; ///< the sweep changed since the comparison plots were drawn
};

} // namespace codescope::gui
