#pragma once
// The "Paper checks" tab: the paper's claims tested on the open sweep (or, the claims one run can test, on the open
// analysis), as a read-only table: per claim its figure in the paper, the numbers here and the verdict, with the
// rule and each run's or layer's result below it. The same checks as `codescope-cli analyze --sweep` prints.
#include <QString>
#include <QWidget>
#include <vector>

#include "core/claims/paper_checks.h"

class QLabel;
class QTreeWidget;

namespace codescope::gui {

class AnalysisSession;

/// The checks of what the session shows: for a sweep, every claim over its runs (claims::checkSweep); for one
/// analysis, the per-run claims (claims::checkAnalysis, dropout rate unknown); empty without layers.
std::vector<claims::PaperCheck> paperChecksOf(const AnalysisSession& session);

/// The checks as an HTML table for a report page: one row per claim (claim and figure, rule, the numbers here,
/// verdict), without the per-item rows.
QString paperChecksHtml(const std::vector<claims::PaperCheck>& checks);

class PaperChecksPane : public QWidget {
    Q_OBJECT
public:
    explicit PaperChecksPane(QWidget* parent = nullptr);

    /// Shows `checks` for `source` (e.g. "sweep demo (5 runs)"); top-level rows are claims, expanded to their items.
    void setChecks(const std::vector<claims::PaperCheck>& checks, const QString& source);
    /// The table: columns claim (paper figure) / in this sweep / verdict / rule.
    QTreeWidget* table() const { return m_table; }

private:
    QLabel* m_note;
    QTreeWidget* m_table;
};

} // namespace codescope::gui
