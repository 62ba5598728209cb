#include "app/figures/analysis_figures.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <limits>

#include "app/figures/analysis_session.h"
#include "app/figures/analysis_view_models.h"
#include "widgets/charts/alpha_depth_view.h"
#include "widgets/charts/spectrum_view.h"

namespace codescope::gui {

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

/// The label of a single analysis' one run in the run plots: its model file's name.
QString modelFileName(const Analysis& analysis) {
    return QFileInfo(QString::fromStdString(analysis.model)).fileName();
}

} // namespace

AnalysisFigures::AnalysisFigures(AnalysisSession* session, QObject* parent)
    : QObject(parent), m_session(session), m_spectrum(new widgets::SpectrumView),
      m_alphaDepth(new widgets::AlphaDepthView) {
    m_spectrum->setObjectName("spectrumView");
    m_alphaDepth->setObjectName("alphaDepthView");
    m_owned = {m_spectrum, m_alphaDepth};
    makeComparison();
    makeCodingViews();
    connectSelection();
    connect(m_session, &AnalysisSession::sweepChanged, this, [this] { m_comparisonsStale = true; });
    connect(m_session, &AnalysisSession::analysisChanged, this, &AnalysisFigures::show);
}

AnalysisFigures::~AnalysisFigures() {
    for (const QPointer<QWidget>& figure : m_owned)
        if (figure && !figure->parent()) delete figure.data();
}

void AnalysisFigures::makeComparison() {
    // The comparison of Fig. 5: the same layers' spectra at the sweep's two extremes of dropout.
    m_compare = new QWidget;
    m_compare->setObjectName("compareRunsView");
    m_compareLow = new widgets::SpectrumView;
    m_compareHigh = new widgets::SpectrumView;
    auto* layout = new QHBoxLayout(m_compare);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_compareLow);
    layout->addWidget(m_compareHigh);
    m_owned.push_back(m_compare);
}

void AnalysisFigures::makeCodingViews() {
    for (CodingPlot plot : allCodingPlots()) {
        auto* view = new widgets::AlphaDepthView;
        view->setObjectName(codingPlotName(plot) + QStringLiteral("View"));
        view->setAxes(codingPlotAxes(plot));
        m_coding.push_back(view);
        m_owned.push_back(view);
    }
}

void AnalysisFigures::connectSelection() {
    for (widgets::SpectrumView* view : {m_spectrum, m_compareLow, m_compareHigh})
        connect(m_session, &AnalysisSession::selectionChanged, view, &widgets::SpectrumView::setSelectedLayers);
    std::vector<widgets::AlphaDepthView*> runPlots = m_coding;
    runPlots.push_back(m_alphaDepth);
    for (widgets::AlphaDepthView* view : runPlots)
        connect(m_session, &AnalysisSession::selectionChanged, view, &widgets::AlphaDepthView::setSelectedLayers);
}

bool AnalysisFigures::hasComparison() const {
    return m_session->hasSweep() && m_session->sweepRuns().size() > 1;
}

bool AnalysisFigures::hasCoding() const {
    return hasCodingRecords(m_session->analysis());
}

void AnalysisFigures::show() {
    const Analysis& analysis = m_session->analysis();
    const QString title = analysisTitle(analysis);
    m_spectrum->setSeries(spectrumSeriesOf(analysis));
    m_spectrum->setTitle(tr("PCA eigenspectrum per layer"), title);
    // In a sweep the comparison plots show every run: a slider move (a new current run) leaves them as they are,
    // which keeps the move within a frame.
    if (m_session->hasSweep() && !m_comparisonsStale) return;
    m_comparisonsStale = false;
    showComparison();
    showRunPlots(
        m_session->hasSweep()
            ? tr("%1 runs of %2").arg(m_session->sweepRuns().size()).arg(QFileInfo(m_session->sweepFolder()).fileName())
            : title);
}

void AnalysisFigures::showComparison() {
    if (!hasComparison()) return;
    const SweepRunAnalysis& low = m_session->sweepRuns().front();
    const SweepRunAnalysis& high = m_session->sweepRuns().back();
    m_compareLow->setSeries(spectrumSeriesOf(low.analysis));
    m_compareLow->setTitle(tr("Dropout %1").arg(low.dropout, 0, 'g', 3), analysisTitle(low.analysis));
    m_compareHigh->setSeries(spectrumSeriesOf(high.analysis));
    m_compareHigh->setTitle(tr("Dropout %1").arg(high.dropout, 0, 'g', 3), analysisTitle(high.analysis));
    m_compareLow->setSelectedLayers(m_session->selectedLayers());
    m_compareHigh->setSelectedLayers(m_session->selectedLayers());
}

void AnalysisFigures::showRunPlots(const QString& runsTitle) {
    // In a sweep every run, in greens by dropout: the slider changes the other views, these compare the runs.
    const auto seriesOf = [this](auto&& seriesOfOneRun) {
        std::vector<widgets::RunPlotSeries> runs;
        if (m_session->hasSweep()) {
            for (const SweepRunAnalysis& run : m_session->sweepRuns())
                runs.push_back(seriesOfOneRun(run.analysis, run.runName, run.dropout));
        } else {
            const Analysis& analysis = m_session->analysis();
            runs.push_back(seriesOfOneRun(analysis, modelFileName(analysis), std::numeric_limits<double>::quiet_NaN()));
        }
        return runs;
    };
    m_alphaDepth->setSeries(seriesOf(
        [](const Analysis& a, const QString& name, double dropout) { return alphaDepthSeriesOf(a, name, dropout); }));
    m_alphaDepth->setTitle(tr("Power-law exponent α by layer depth"), runsTitle);
    const std::vector<CodingPlot> plots = allCodingPlots();
    for (std::size_t i = 0; i < plots.size(); ++i) {
        m_coding[i]->setSeries(seriesOf([plot = plots[i]](const Analysis& a, const QString& name, double dropout) {
            return codingSeriesOf(a, plot, name, dropout);
        }));
        m_coding[i]->setTitle(codingPlotTabTitle(plots[i]), runsTitle);
    }
}

std::vector<widgets::ReportPage> AnalysisFigures::reportPages() const {
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
    if (!hasCoding()) return pages;
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

} // namespace codescope::gui
