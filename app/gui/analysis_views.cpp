#include "app/gui/analysis_views.h"

#include <QFileInfo>

#include "app/gui/analysis_session.h"
#include "app/gui/analysis_view_models.h"
#include "widgets/charts/alpha_depth_view.h"
#include "widgets/charts/spectrum_view.h"

namespace codescope::gui {

AnalysisViews::AnalysisViews(AnalysisSession* session, QWidget* parent)
    : QTabWidget(parent), m_session(session), m_spectrum(new widgets::SpectrumView),
      m_alphaDepth(new widgets::AlphaDepthView) {
    setObjectName("analysisViews");
    m_spectrum->setObjectName("spectrumView");
    m_alphaDepth->setObjectName("alphaDepthView");
    addTab(m_spectrum, tr("Spectrum"));
    addTab(m_alphaDepth, tr("α vs depth"));
    setTabToolTip(0, tr("PCA eigenvalue against component, one curve per layer (paper Fig. 3b)"));
    setTabToolTip(1, tr("Power-law exponent α against layer depth with 95% CI (paper Fig. 3c)"));
    connect(m_session, &AnalysisSession::analysisChanged, this, &AnalysisViews::showAnalysis);
    connect(m_session, &AnalysisSession::selectionChanged, m_spectrum, &widgets::SpectrumView::setSelectedLayers);
    connect(m_session, &AnalysisSession::selectionChanged, m_alphaDepth, &widgets::AlphaDepthView::setSelectedLayers);
}

QWidget* AnalysisViews::currentFigure() const {
    return currentWidget();
}

QString AnalysisViews::currentFigureName() const {
    return currentWidget() == m_spectrum ? QStringLiteral("spectrum") : QStringLiteral("alpha-depth");
}

std::vector<widgets::ReportPage> AnalysisViews::reportPages() const {
    const QString source = analysisTitle(m_session->analysis());
    return {
        {m_spectrum, tr("Figure 1"),
         tr("%1. Eigenvalues of the activation covariance against component index on log-log axes, one curve per "
            "layer, light grey for shallow and dark for deep layers; dashed: power-law (Huber) fit over the fit "
            "range of the selected layers.")
             .arg(source)},
        {m_alphaDepth, tr("Figure 2"),
         tr("%1. Exponent α of each layer's eigenspectrum against its depth, error bars the bootstrap 95% "
            "confidence interval; dashed: α = −1.")
             .arg(source)},
    };
}

void AnalysisViews::showAnalysis() {
    const Analysis& analysis = m_session->analysis();
    const QString title = analysisTitle(analysis);
    m_spectrum->setSeries(spectrumSeriesOf(analysis));
    m_spectrum->setTitle(tr("PCA eigenspectrum per layer"), title);
    m_alphaDepth->setSeries(
        {alphaDepthSeriesOf(analysis, QFileInfo(QString::fromStdString(analysis.model)).fileName())});
    m_alphaDepth->setTitle(tr("Power-law exponent α by layer depth"), title);
}

} // namespace codescope::gui
