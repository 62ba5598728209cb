#include "app/figures/paper_checks_pane.h"

#include <QBrush>
#include <QColor>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "app/figures/analysis_session.h"

namespace codescope::gui {

namespace {

QString text(const std::string& value) {
    return QString::fromStdString(value);
}

// Verdicts in the colours a reader expects: green holds, red does not, grey cannot tell.
QColor verdictColour(claims::Verdict verdict) {
    switch (verdict) {
    case claims::Verdict::Holds:
        return QColor(0x1b, 0x7a, 0x2e);
    case claims::Verdict::DoesNotHold:
        return QColor(0xb0, 0x22, 0x22);
    case claims::Verdict::CannotTell:
        break;
    }
    return QColor(0x66, 0x66, 0x66);
}

} // namespace

std::vector<claims::PaperCheck> paperChecksOf(const AnalysisSession& session) {
    if (session.hasSweep()) {
        std::vector<claims::CheckedRun> runs;
        for (const SweepRunAnalysis& run : session.sweepRuns())
            runs.push_back({run.runName.toStdString(), run.dropout, &run.analysis.layers});
        return claims::checkSweep(runs);
    }
    if (!session.hasAnalysis()) return {};
    const Analysis& analysis = session.analysis();
    return claims::checkAnalysis({analysis.model, std::nullopt, &analysis.layers});
}

QString paperChecksHtml(const std::vector<claims::PaperCheck>& checks) {
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='2' width='100%' style='font-size:7pt'>"
                                  "<tr><th align='left'>%1</th><th align='left'>%2</th><th align='left'>%3</th></tr>")
                       .arg(QObject::tr("Claim (paper figure) and the test"), QObject::tr("In this sweep"),
                            QObject::tr("Verdict"));
    for (const claims::PaperCheck& check : checks)
        html += QStringLiteral("<tr><td valign='top' width='45%'><b>%1</b> (%2)<br/><span style='color:#555'>%3</span>"
                               "</td><td valign='top' width='40%'>%4</td><td valign='top' style='color:%5'><b>%6</b>"
                               "</td></tr>")
                    .arg(text(check.claim).toHtmlEscaped(), text(check.paperFigure).toHtmlEscaped(),
                         text(check.rule).toHtmlEscaped(), text(check.figure).toHtmlEscaped(),
                         verdictColour(check.verdict).name(), QString::fromLatin1(claims::verdictText(check.verdict)));
    return html + QStringLiteral("</table>");
}

PaperChecksPane::PaperChecksPane(QWidget* parent) : QWidget(parent), m_note(new QLabel), m_table(new QTreeWidget) {
    setObjectName("paperChecksPane");
    m_table->setObjectName("paperChecksTable");
    m_note->setWordWrap(true);
    m_table->setColumnCount(4);
    m_table->setHeaderLabels({tr("Claim (paper figure)"), tr("In this sweep"), tr("Verdict"), tr("Rule")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers); // read-only: results, not settings
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setWordWrap(true);
    m_table->setUniformRowHeights(false);
    m_table->header()->setStretchLastSection(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_note);
    layout->addWidget(m_table, 1);
    setChecks({}, {});
}

void PaperChecksPane::setChecks(const std::vector<claims::PaperCheck>& checks, const QString& source) {
    m_table->clear();
    if (checks.empty()) {
        m_note->setText(tr("Open a sweep or an analysis to check the paper's claims on it."));
        return;
    }
    m_note->setText(tr("The paper's claims tested on %1: %2.").arg(source, text(claims::verdictRuleText())));
    for (const claims::PaperCheck& check : checks) {
        auto* row = new QTreeWidgetItem(
            m_table, {text(check.claim) + QStringLiteral(" (") + text(check.paperFigure) + QStringLiteral(")"),
                      text(check.figure), QString::fromLatin1(claims::verdictText(check.verdict)), text(check.rule)});
        row->setForeground(2, QBrush(verdictColour(check.verdict)));
        row->setToolTip(3, text(check.rule));
        row->setData(0, Qt::UserRole, text(check.id));
        if (check.items.size() < 2) continue; // one item: the row's own numbers are its
        for (const claims::CheckItem& item : check.items) {
            auto* child =
                new QTreeWidgetItem(row, {text(item.scope), text(item.figure),
                                          QString::fromLatin1(claims::verdictText(item.verdict)), text(item.reason)});
            child->setForeground(2, QBrush(verdictColour(item.verdict)));
        }
    }
    m_table->expandAll();
    for (int column = 0; column < 3; ++column)
        m_table->resizeColumnToContents(column);
}

} // namespace codescope::gui
