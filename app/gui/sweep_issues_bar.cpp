#include "app/gui/sweep_issues_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace codescope::gui {

SweepIssuesBar::SweepIssuesBar(QWidget* parent)
    : QFrame(parent), m_text(new QLabel), m_analyse(new QPushButton(tr("Analyse missing runs"))) {
    setObjectName("sweepIssues");
    setFrameShape(QFrame::StyledPanel);
    // A pale warning colour: the sweep is shown, but not all of it.
    setStyleSheet(QStringLiteral("#sweepIssues { background: #fff6d5; border: 1px solid #e0c870; }"));
    m_text->setObjectName("sweepIssuesText");
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_analyse->setObjectName("analyseMissingRuns");
    m_analyse->setToolTip(tr("Analyse the runs without an analysis in the background, as “codescope-cli analyze "
                             "--sweep DIR --dataset fashion-mnist” does (its cache is shared), then reopen the sweep"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_analyse);
    connect(m_analyse, &QPushButton::clicked, this, &SweepIssuesBar::analyseRequested);
    setVisible(false);
}

void SweepIssuesBar::showSkipped(int listedRuns, const QStringList& skipped, int analysable) {
    if (skipped.isEmpty()) {
        clear();
        return;
    }
    const QString count = skipped.size() == 1
                              ? tr("1 of %1 runs has no analysis").arg(listedRuns)
                              : tr("%1 of %2 runs have no analysis").arg(skipped.size()).arg(listedRuns);
    m_text->setText(tr("%1: %2").arg(count, skipped.join(QStringLiteral("; "))));
    m_analyse->setVisible(analysable > 0);
    m_analyse->setText(analysable == 1 ? tr("Analyse the missing run") : tr("Analyse %1 missing runs").arg(analysable));
    setVisible(true);
}

void SweepIssuesBar::clear() {
    m_text->clear();
    setVisible(false);
}

void SweepIssuesBar::setAnalyseEnabled(bool enabled) {
    m_analyse->setEnabled(enabled);
}

QString SweepIssuesBar::text() const {
    return m_text->text();
}

} // namespace codescope::gui
