#include "app/gui/analysis_views.h"

#include <QFileInfo>
#include <QHBoxLayout>

#include "app/gui/analysis_session.h"
#include "app/gui/analysis_view_models.h"
#include "app/gui/eigenfilter_pane.h"
#include "app/gui/explanation_pane.h"
#include "app/gui/paper_checks_pane.h"
#include "app/gui/theory_compute_pane.h"
#include "app/gui/theory_view_models.h"
#include "app/gui/token_pane.h"
#include "widgets/charts/alpha_depth_view.h"
#include "widgets/charts/spectrum_view.h"
#include "widgets/projection3d/projection_grid_view.h"

namespace codescope::gui {

AnalysisViews::AnalysisViews(AnalysisSession* session, AnalysisJobRunner* jobs, QWidget* parent)
    : QTabWidget(parent), m_session(session), m_spectrum(new widgets::SpectrumView),
      m_alphaDepth(new widgets::AlphaDepthView) {
    setObjectName("analysisViews");
    m_spectrum->setObjectName("spectrumView");
    m_alphaDepth->setObjectName("alphaDepthView");
    addTab(m_spectrum, tr("Spectrum"));
    addTab(m_alphaDepth, tr("α vs depth"));
    // The comparison of Fig. 5: the same layers' spectra at the sweep's two extremes of dropout.
    m_compare = new QWidget;
    m_compare->setObjectName("compareRunsView");
    m_compareLow = new widgets::SpectrumView;
    m_compareHigh = new widgets::SpectrumView;
    auto* compareLayout = new QHBoxLayout(m_compare);
    compareLayout->setContentsMargins(0, 0, 0, 0);
    compareLayout->addWidget(m_compareLow);
    compareLayout->addWidget(m_compareHigh);
    for (widgets::SpectrumView* view : {m_compareLow, m_compareHigh})
        connect(m_session, &AnalysisSession::selectionChanged, view, &widgets::SpectrumView::setSelectedLayers);
    setTabToolTip(addTab(m_compare, tr("Compare runs")),
                  tr("The spectra of the sweep's lowest- and highest-dropout runs side by side (paper Fig. 5)"));
    setTabToolTip(0, tr("PCA eigenvalue against component, one curve per layer (paper Fig. 3b)"));
    setTabToolTip(1, tr("Power-law exponent α against layer depth with 95% CI (paper Fig. 3c)"));
    for (CodingPlot plot : allCodingPlots()) {
        auto* view = new widgets::AlphaDepthView;
        view->setObjectName(codingPlotName(plot) + QStringLiteral("View"));
        view->setAxes(codingPlotAxes(plot));
        const int tab = addTab(view, codingPlotTabTitle(plot));
        setTabToolTip(tab, tr("Random projections of each layer's response to the moving dot (paper Fig. 4, 6); "
                              "needs an analysis with coding records (codescope-cli analyze)"));
        connect(m_session, &AnalysisSession::selectionChanged, view, &widgets::AlphaDepthView::setSelectedLayers);
        m_coding.push_back(view);
    }
    m_projections = new widgets::ProjectionGridView;
    m_projections->setObjectName("projectionView");
    const int curvesTab = addTab(m_projections, tr("3-D curves"));
    setTabToolTip(curvesTab, tr("Random projections z(t) of the selected layers' response to the moving dot, coloured "
                                "by time (paper Fig. 4b); drag to rotate, wheel to zoom, R to reset"));
    connect(m_session, &AnalysisSession::selectionChanged, this, &AnalysisViews::showProjections);

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

    // The closed forms need no analysis: drawn once. The toy models over them (Fig. 1c) train on a worker thread
    // the first time the tab is shown (a few seconds), and the MINE estimates (Supplementary Fig. 1) on Compute.
    const std::vector<double> entropyBits = {8, 32};
    m_compressionPane = new TheoryComputePane;
    m_compressionPane->setObjectName("compressionPane");
    m_compression = m_compressionPane->view();
    m_compression->setObjectName("compressionView");
    m_compression->setAxes(compressionAxes());
    m_compressionPane->setBaseSeries(compressionSeries(entropyBits));
    const theory::ToySuperpositionOptions toyOptions = toySuperpositionGuiOptions();
    const double toyShade = static_cast<double>(entropyBits.size() + 1); // darker than every curve
    m_compressionPane->setCompute(
        [toyOptions, toyShade](const ProgressCallback& progress, const CancelToken* cancel) {
            return computeToySuperpositionSeries(toyOptions, toyShade, progress, cancel);
        },
        tr("Dots: toy models of superposition (n = %1, m = %2) trained at %3 sparsities, m/‖W‖² each.")
            .arg(toyOptions.features)
            .arg(toyOptions.hidden)
            .arg(toyOptions.sparsities.size()));
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
    m_minePane->view()->setAxes(mineLayerAxes(static_cast<double>(mineOptions.bits)));
    m_minePane->setCompute(
        [mineOptions, mineDropouts](const ProgressCallback& progress, const CancelToken* cancel) {
            return computeMineLayerSeries(mineOptions, mineDropouts, progress, cancel);
        },
        tr("Trains an MLP of %1 dropout layers of %2 units to carry %3 bits at %4 dropout rates, then MINE estimates "
           "I(X; h_l) per layer.")
            .arg(mineOptions.depth)
            .arg(mineOptions.width)
            .arg(mineOptions.bits)
            .arg(mineDropouts.size()));
    m_minePane->view()->setTitle(tr("Mutual information per layer under dropout (MINE)"),
                                 tr("Supplementary Fig. 1: an error-correcting code keeps information through depth"));
    setTabToolTip(addTab(m_minePane, tr("Theory: MINE")), tr("Paper Supplementary Fig. 1, eq. 2, Theorem 3"));
    connect(m_session, &AnalysisSession::sweepChanged, this, [this] { m_comparisonsStale = true; });
    connect(m_session, &AnalysisSession::analysisChanged, this, &AnalysisViews::showAnalysis);
    connect(m_session, &AnalysisSession::selectionChanged, m_spectrum, &widgets::SpectrumView::setSelectedLayers);
    connect(m_session, &AnalysisSession::selectionChanged, m_alphaDepth, &widgets::AlphaDepthView::setSelectedLayers);
}

QWidget* AnalysisViews::currentFigure() const {
    return currentWidget();
}

QString AnalysisViews::currentFigureName() const {
    if (currentWidget() == m_spectrum) return QStringLiteral("spectrum");
    if (currentWidget() == m_compare) return QStringLiteral("compare-runs");
    if (currentWidget() == m_projections) return QStringLiteral("projection-curves");
    if (currentWidget() == m_eigenfilters) return QStringLiteral("eigenfilters");
    if (currentWidget() == m_tokens) return QStringLiteral("token-trajectories");
    if (currentWidget() == m_explanations) return QStringLiteral("explanation-scores");
    if (currentWidget() == m_paperChecks) return QStringLiteral("paper-checks");
    if (currentWidget() == m_compressionPane) return QStringLiteral("theory-compression");
    if (currentWidget() == m_minePane) return QStringLiteral("theory-mine");
    if (currentWidget() == m_dropoutCapacity) return QStringLiteral("theory-dropout");
    const std::vector<CodingPlot> plots = allCodingPlots();
    for (std::size_t i = 0; i < m_coding.size(); ++i)
        if (currentWidget() == m_coding[i]) return codingPlotName(plots[i]);
    return QStringLiteral("alpha-depth");
}

namespace {

/// " Left out: NAME: reason; ..." for a sweep with runs that are not shown, else "".
QString leftOutRunsText(const AnalysisSession& session) {
    if (!session.hasSweep() || session.sweepSkipped().isEmpty()) return {};
    return QObject::tr(" Left out: %1.").arg(session.sweepSkipped().join(QStringLiteral("; ")));
}

/// " 2 of 9 layers have no α: ...`how`." for the current analysis or, in a sweep, for each run that has such layers;
/// "" when every layer has an exponent.
QString noAlphaText(const AnalysisSession& session, bool wholeSweep, const QString& how) {
    QStringList parts;
    if (wholeSweep && session.hasSweep()) {
        for (const SweepRunAnalysis& run : session.sweepRuns())
            if (const QString text = layersWithoutAlphaText(run.analysis); !text.isEmpty())
                parts << QObject::tr("%1: %2").arg(run.runName, text);
    } else if (const QString text = layersWithoutAlphaText(session.analysis()); !text.isEmpty()) {
        parts << text;
    }
    if (parts.isEmpty()) return {};
    return QStringLiteral(" %1%2.").arg(parts.join(QStringLiteral("; ")), how);
}

} // namespace

std::vector<widgets::ReportPage> AnalysisViews::reportPages() const {
    const std::size_t shown = m_session->sweepRuns().size();
    const std::size_t listed = shown + static_cast<std::size_t>(m_session->sweepSkipped().size());
    const QString runs = listed == shown ? tr("%1 runs").arg(shown) : tr("%1 of %2 runs").arg(shown).arg(listed);
    const QString source = m_session->hasSweep() ? tr("Sweep %1 (%2, greens by dropout rate).%3")
                                                       .arg(QFileInfo(m_session->sweepFolder()).fileName(), runs,
                                                            leftOutRunsText(*m_session))
                                                 : analysisTitle(m_session->analysis()) + QStringLiteral(".");
    const QString noAlphaHere = noAlphaText(*m_session, false, {});
    const QString noAlphaAnyRun = noAlphaText(*m_session, true, tr(" (gaps in the lines, marked ◇)"));
    std::vector<widgets::ReportPage> pages = {
        {m_spectrum, tr("Figure 1"),
         tr("%1 Eigenvalues of the activation covariance against component index on log-log axes, one curve per "
            "layer, light grey for shallow and dark for deep layers; dashed: power-law (Huber) fit over the fit "
            "range of the selected layers.%2")
             .arg(source, noAlphaHere)},
        {m_alphaDepth, tr("Figure 2"),
         tr("%1 Exponent α of each layer's eigenspectrum against its depth, error bars the bootstrap 95% "
            "confidence interval; dashed: α = −1.%2")
             .arg(source, noAlphaAnyRun)},
    };
    if (!hasCodingRecords(m_session->analysis())) return pages;
    const std::vector<CodingPlot> plots = allCodingPlots();
    const QString captions[] = {
        tr("Mean action of random projections r ~ N(0, 1/m) of each layer's response to the moving dot against "
           "depth, error bars ± 1 sd over projections."),
        tr("Mean action of random projections against the layer's exponent α."),
        tr("Variance of the moving-dot stimulus explained by a linear read-out of one random projection (pooled R²) "
           "against depth, error bars ± 1 sd over projections."),
        tr("Explained stimulus variance against the mean action of the projections."),
    };
    for (std::size_t i = 0; i < plots.size(); ++i)
        pages.push_back({m_coding[i], tr("Figure %1").arg(i + 3),
                         QStringLiteral("%1 %2%3").arg(
                             source, captions[i], plots[i] == CodingPlot::ActionByAlpha ? noAlphaAnyRun : QString())});
    return pages;
}

void AnalysisViews::showProjections() {
    const std::vector<widgets::ProjectionCurves> layers =
        projectionCurvesOf(m_session->analysis(), m_session->selectedLayers());
    m_projections->setLayers(layers);
    setTabEnabled(indexOf(m_projections), !layers.empty());
}

void AnalysisViews::showAnalysis() {
    const Analysis& analysis = m_session->analysis();
    const QString title = analysisTitle(analysis);
    m_spectrum->setSeries(spectrumSeriesOf(analysis));
    m_spectrum->setTitle(tr("PCA eigenspectrum per layer"), title);
    // In a sweep the comparison plots show every run: a slider move (a new current run) leaves them as they are,
    // which keeps the move within a frame.
    if (m_session->hasSweep() && !m_comparisonsStale) return;
    m_comparisonsStale = false;
    m_paperChecks->setChecks(paperChecksOf(*m_session),
                             m_session->hasSweep() ? tr("sweep %1 (%2 runs)")
                                                         .arg(QFileInfo(m_session->sweepFolder()).fileName())
                                                         .arg(m_session->sweepRuns().size())
                                                   : title);
    const bool comparable = m_session->hasSweep() && m_session->sweepRuns().size() > 1;
    setTabEnabled(indexOf(m_compare), comparable);
    if (comparable) {
        const SweepRunAnalysis& low = m_session->sweepRuns().front();
        const SweepRunAnalysis& high = m_session->sweepRuns().back();
        m_compareLow->setSeries(spectrumSeriesOf(low.analysis));
        m_compareLow->setTitle(tr("Dropout %1").arg(low.dropout, 0, 'g', 3), analysisTitle(low.analysis));
        m_compareHigh->setSeries(spectrumSeriesOf(high.analysis));
        m_compareHigh->setTitle(tr("Dropout %1").arg(high.dropout, 0, 'g', 3), analysisTitle(high.analysis));
        m_compareLow->setSelectedLayers(m_session->selectedLayers());
        m_compareHigh->setSelectedLayers(m_session->selectedLayers());
    }
    std::vector<widgets::RunPlotSeries> runs;
    if (m_session->hasSweep()) {
        // Every run of the sweep, in greens by dropout: the slider changes the other views, this one compares.
        for (const SweepRunAnalysis& run : m_session->sweepRuns())
            runs.push_back(alphaDepthSeriesOf(run.analysis, run.runName, run.dropout));
    } else {
        runs.push_back(alphaDepthSeriesOf(analysis, QFileInfo(QString::fromStdString(analysis.model)).fileName()));
    }
    m_alphaDepth->setSeries(std::move(runs));
    const QString runsTitle = m_session->hasSweep() ? tr("%1 runs of %2")
                                                          .arg(m_session->sweepRuns().size())
                                                          .arg(QFileInfo(m_session->sweepFolder()).fileName())
                                                    : title;
    m_alphaDepth->setTitle(tr("Power-law exponent α by layer depth"), runsTitle);

    const std::vector<CodingPlot> plots = allCodingPlots();
    for (std::size_t i = 0; i < plots.size(); ++i) {
        std::vector<widgets::RunPlotSeries> coding;
        if (m_session->hasSweep()) {
            for (const SweepRunAnalysis& run : m_session->sweepRuns())
                coding.push_back(codingSeriesOf(run.analysis, plots[i], run.runName, run.dropout));
        } else {
            coding.push_back(codingSeriesOf(analysis, plots[i], QFileInfo(QString::fromStdString(analysis.model)).fileName()));
        }
        m_coding[i]->setSeries(std::move(coding));
        m_coding[i]->setTitle(codingPlotTabTitle(plots[i]), runsTitle);
        setTabEnabled(indexOf(m_coding[i]), hasCodingRecords(analysis));
    }
}

} // namespace codescope::gui
