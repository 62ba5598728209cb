#include "app/gui/provenance_panel.h"

#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/figures/analysis_session.h"

namespace codescope::gui {

ProvenancePanel::ProvenancePanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_header(new QToolButton), m_details(new QLabel) {
    setObjectName(QStringLiteral("provenancePanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->setSpacing(2);
    m_header->setCheckable(true);
    m_header->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_header->setAutoRaise(true);
    m_header->setArrowType(Qt::RightArrow);
    m_header->setToolTip(tr("Model, training, data, how this experiment differs from the paper, and the defaults "
                            "that are Codescope's own"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setVisible(false);
    layout->addWidget(m_header);
    layout->addWidget(m_details);
    connect(m_header, &QToolButton::toggled, this, &ProvenancePanel::setExpanded);
    connect(m_session, &AnalysisSession::analysisChanged, this, &ProvenancePanel::showAnalysis);
    showAnalysis();
}

QString ProvenancePanel::headerText() const {
    return m_header->text();
}

QString ProvenancePanel::detailsText() const {
    return m_details->text();
}

bool ProvenancePanel::expanded() const {
    return m_header->isChecked();
}

void ProvenancePanel::setExpanded(bool expanded) {
    if (m_header->isChecked() != expanded) m_header->setChecked(expanded); // re-enters through toggled
    m_header->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
    m_details->setVisible(expanded);
}

void ProvenancePanel::showAnalysis() {
    setVisible(m_session->hasAnalysis());
    const Analysis& analysis = m_session->analysis();
    QString summary;
    if (!analysis.provenance)
        summary = tr("provenance missing (an older result file)");
    else if (analysis.provenance->differsFromPaper.empty())
        summary = tr("as in the paper, as far as Codescope knows");
    else if (analysis.provenance->differsFromPaper.size() == 1)
        summary = tr("differs from the paper in 1 point");
    else
        summary = tr("differs from the paper in %1 points").arg(analysis.provenance->differsFromPaper.size());
    m_header->setText(tr("How this was made — %1").arg(summary));
    m_details->setText(provenanceTextLines(analysis).join(QLatin1Char('\n')));
}

} // namespace codescope::gui
