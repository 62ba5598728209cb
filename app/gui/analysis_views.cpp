#include "app/gui/analysis_views.h"

#include <QFileInfo>
#include <QHBoxLayout>

#include "app/figures/analysis_figures.h"
#include "app/figures/analysis_session.h"
#include "app/figures/analysis_view_models.h"
#include "app/figures/paper_checks_pane.h"
#include "app/figures/theory_view_models.h"
#include "app/gui/eigenfilter_pane.h"
#include "app/gui/explanation_pane.h"
#include "app/gui/theory_compute_pane.h"
#include "app/gui/token_pane.h"
#include "widgets/charts/alpha_depth_view.h"
#include "widgets/charts/spectrum_view.h"
#include "widgets/projection3d/projection_grid_view.h"

namespace codescope::gui {

AnalysisViews::AnalysisViews(AnalysisSession* session, AnalysisJobRunner* jobs, QWidget* parent)
    : QTabWidget(parent), m_session(session), m_figures(new AnalysisFigures(session, this)) {
    setObjectName("analysisViews");
    addFigureTabs();
    addComputedTabs(jobs);
    addTheoryTabs();
    connect(m_session, &AnalysisSession::analysisChanged, this, &AnalysisViews::enableFigureTabs);
    connect(m_session, &AnalysisSession::sweepChanged, this, [this] { m_paperChecksStale = true; });
    connect(m_session, &AnalysisSession::analysisChanged, this, &AnalysisViews::showPaperChecks);
    connect(m_session, &AnalysisSession::selectionChanged, this, &AnalysisViews::showProjections);
}

void AnalysisViews::addFigureTabs() {
    setTabToolTip(addTab(m_figures->spectrumView(), tr("Spectrum")),
                  tr("PCA eigenvalue against component, one curve per layer (paper Fig. 3b)"));
    setTabToolTip(addTab(m_figures->alphaDepthView(), tr("α vs depth")),
                  tr("Power-law exponent α against layer depth with 95% CI (paper Fig. 3c)"));
    setTabToolTip(addTab(m_figures->comparisonView(), tr("Compare runs")),
                  tr("The spectra of the sweep's lowest- and highest-dropout runs side by side (paper Fig. 5)"));
    const std::vector<CodingPlot> plots = allCodingPlots();
    for (std::size_t i = 0; i < plots.size(); ++i)
        setTabToolTip(addTab(m_figures->codingViews()[i], codingPlotTabTitle(plots[i])),
                      tr("Random projections of each layer's response to the moving dot (paper Fig. 4, 6); "
                         "needs an analysis with coding records (codescope-cli analyze)"));
    m_projections = new widgets::ProjectionGridView;
    m_projections->setObjectName("projectionView");
    setTabToolTip(addTab(m_projections, tr("3-D curves")),
                  tr("Random projections z(t) of the selected layers' response to the moving dot, coloured by time "
                     "(paper Fig. 4b); drag to rotate, wheel to zoom, R to reset"));
}

void AnalysisViews::addComputedTabs(AnalysisJobRunner* jobs) {
    m_eigenfilters = new EigenfilterPane(m_session, jobs);
    m_eigenfilters->setObjectName("eigenfilterPane");
    setTabToolTip(addTab(m_eigenfilters, tr("Eigenfilters")),
                  tr("The selected layer's first principal components as input-space images (paper Fig. 3d); click a "
                     "tile to enlarge it"));

    m_tokens = new TokenPane(m_session);
    setTabToolTip(addTab(m_tokens, tr("Tokens")),
                  tr("A language model's token trajectories: the lowest-action random projections of the selected "
                     "layers over a sequence of its text, each token coloured by the value (paper Fig. 7c)"));

    m_explanations = new ExplanationPane(m_session);
    setTabToolTip(addTab(m_explanations, tr("Explanations")),
                  tr("Explanation scores of single neurons and random projections by depth (paper Fig. 7b)"));

    m_paperChecks = new PaperChecksPane;
    setTabToolTip(addTab(m_paperChecks, tr("Paper checks")),
                  tr("The paper's claims (Figs. 3c, 4c-d, 5, 6b-e, eq. 4) tested on this sweep: the numbers, the rule "
                     "of each test and whether the claim holds"));
}

void AnalysisViews::addTheoryTabs() {
    // The closed forms need no analysis: drawn once. The toy models over them (Fig. 1c) train on a worker thread
    // the first time the tab is shown (a few seconds), and the MINE estimates (Supplementary Fig. 1) on Compute.
    const std::vector<double> entropyBits = {8, 32};
    m_compressionPane = new TheoryComputePane;
    m_compressionPane->setObjectName("compressionPane");
    m_compression = m_compressionPane->view();
    m_compression->setObjectName("compressionView");
    m_compression->setAxes(compressionAxes());
    const theory::ToySuperpositionOptions toyOptions = toySuperpositionGuiOptions();
    const double toyShade = static_cast<double>(entropyBits.size() + 1); // darker than every curve
    std::vector<widgets::RunPlotSeries> compressionBase = compressionSeries(entropyBits);
    compressionBase.push_back(toySuperpositionFloorSeries(toyOptions.features, toyOptions.hidden, toyShade));
    m_compressionPane->setBaseSeries(std::move(compressionBase));
    m_compressionPane->setCompute(
        [toyOptions, toyShade](const ProgressCallback& progress, const CancelToken* cancel) {
            return computeToySuperpositionSeries(toyOptions, toyShade, progress, cancel);
        },
        tr("Dots: toy models of superposition (n = %1, m = %2, the implementation's sizes) trained at %3 "
           "sparsities, m/‖W‖² each. %4")
            .arg(toyOptions.features)
            .arg(toyOptions.hidden)
            .arg(toyOptions.sparsities.size())
            .arg(toySuperpositionFloorNote(toyOptions.features, toyOptions.hidden)));
    m_compressionPane->setComputeOnFirstShow(true);
    m_compression->setTitle(tr("Compression of sparse inputs (eq. 1)"),
                            tr("R(S, H) = 1 − S + h(S)/H; dots: toy models' dimensions per feature m/‖W‖² "
                               "(Elhage et al.)"));
    setTabToolTip(addTab(m_compressionPane, tr("Theory: R(S)")), tr("Paper Fig. 1c, eq. 1"));
    m_dropoutCapacity = new widgets::AlphaDepthView;
    m_dropoutCapacity->setObjectName("dropoutCapacityView");
    m_dropoutCapacity->setAxes(dropoutCapacityAxes());
    m_dropoutCapacity->setSeries(dropoutCapacitySeries({0.1, 0.2, 0.4}));
    m_dropoutCapacity->setTitle(tr("Capacity after dropout layers (eq. 2)"),
                                tr("without error correction C(1−D)^N falls with depth; with it C(1−D) stays"));
    setTabToolTip(addTab(m_dropoutCapacity, tr("Theory: dropout")), tr("Paper Fig. 2b-c, eq. 2, Theorem 3"));
    m_minePane = new TheoryComputePane;
    m_minePane->setObjectName("minePane");
    m_minePane->view()->setObjectName("mineView");
    const mine::DropoutMlpOptions mineOptions = mineLayersGuiOptions();
    const std::vector<double> mineDropouts = mineLayersGuiDropouts();
    const mine::PaperMlpOptions minePaper = minePaperGuiOptions();
    // Two presets, as `mine layers --preset`: the quick bits experiment first (seconds), the authors' run second.
    m_minePane->setPresets(
        {{tr("bits (quick)"),
          mineLayerAxes(static_cast<double>(mineOptions.bits)),
          {},
          [mineOptions, mineDropouts](const ProgressCallback& progress, const CancelToken* cancel) {
              return computeMineLayerSeries(mineOptions, mineDropouts, progress, cancel);
          },
          tr("Trains an MLP of %1 dropout layers of %2 units to carry %3 bits at %4 dropout rates, then MINE "
             "estimates I(X; h_l) per layer (the implementation's own quick experiment; a few seconds).")
              .arg(mineOptions.depth)
              .arg(mineOptions.width)
              .arg(mineOptions.bits)
              .arg(mineDropouts.size())},
         {tr("paper (the authors' run)"),
          minePaperAxes(),
          {},
          [minePaper](const ProgressCallback& progress, const CancelToken* cancel) {
              return computeMinePaperSeries(minePaper, progress, cancel);
          },
          minePaperDescription(minePaper)}});
    m_minePane->view()->setTitle(tr("Mutual information per layer under dropout (MINE)"),
                                 tr("Supplementary Fig. 1: an error-correcting code keeps information through depth"));
    setTabToolTip(addTab(m_minePane, tr("Theory: MINE")), tr("Paper Supplementary Fig. 1, eq. 2, Theorem 3"));
}

QWidget* AnalysisViews::currentFigure() const {
    return currentWidget();
}

QString AnalysisViews::currentFigureName() const {
    if (currentWidget() == m_figures->spectrumView()) return QStringLiteral("spectrum");
    if (currentWidget() == m_figures->comparisonView()) return QStringLiteral("compare-runs");
    if (currentWidget() == m_projections) return QStringLiteral("projection-curves");
    if (currentWidget() == m_eigenfilters) return QStringLiteral("eigenfilters");
    if (currentWidget() == m_tokens) return QStringLiteral("token-trajectories");
    if (currentWidget() == m_explanations) return QStringLiteral("explanation-scores");
    if (currentWidget() == m_paperChecks) return QStringLiteral("paper-checks");
    if (currentWidget() == m_compressionPane) return QStringLiteral("theory-compression");
    if (currentWidget() == m_minePane) return QStringLiteral("theory-mine");
    if (currentWidget() == m_dropoutCapacity) return QStringLiteral("theory-dropout");
    const std::vector<CodingPlot> plots = allCodingPlots();
    for (std::size_t i = 0; i < plots.size(); ++i)
        if (currentWidget() == m_figures->codingViews()[i]) return codingPlotName(plots[i]);
    return QStringLiteral("alpha-depth");
}

ReportSources AnalysisViews::reportSources() const {
    return {m_figures, m_eigenfilters->gallery(), m_projections};
}

void AnalysisViews::showProjections() {
    const std::vector<widgets::ProjectionCurves> layers =
        projectionCurvesOf(m_session->analysis(), m_session->selectedLayers());
    m_projections->setLayers(layers);
    setTabEnabled(indexOf(m_projections), !layers.empty());
}

void AnalysisViews::enableFigureTabs() {
    setTabEnabled(indexOf(m_figures->comparisonView()), m_figures->hasComparison());
    for (widgets::AlphaDepthView* view : m_figures->codingViews())
        setTabEnabled(indexOf(view), m_figures->hasCoding());
}

void AnalysisViews::showPaperChecks() {
    // A sweep's checks compare its runs: a slider move (a new current run) does not change them.
    if (m_session->hasSweep() && !m_paperChecksStale) return;
    m_paperChecksStale = false;
    m_paperChecks->setChecks(paperChecksOf(*m_session), m_session->hasSweep()
                                                            ? tr("sweep %1 (%2 runs)")
                                                                  .arg(QFileInfo(m_session->sweepFolder()).fileName())
                                                                  .arg(m_session->sweepRuns().size())
                                                            : analysisTitle(m_session->analysis()));
}

} // namespace codescope::gui
