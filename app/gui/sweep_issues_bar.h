#pragma once
// The line above a sweep's figures that names its runs without an analysis ("2 of 5 runs have no analysis:
// dropout-0.6: no analysis yet; ..."), so that a sweep never silently shows fewer runs than it lists, with a button
// that asks for the missing ones to be analysed. It only displays and signals; the window starts the job.
#include <QFrame>
#include <QStringList>

class QLabel;
class QPushButton;

namespace codescope::gui {

class SweepIssuesBar : public QFrame {
    Q_OBJECT
public:
    explicit SweepIssuesBar(QWidget* parent = nullptr);

    /// Shows the runs of a sweep of `listedRuns` that are not shown (`skipped`, "NAME: reason"), with the button
    /// when `analysable` of them could be analysed now; hides the bar when none is skipped.
    void showSkipped(int listedRuns, const QStringList& skipped, int analysable);
    /// Hides the bar (no sweep is open).
    void clear();
    /// Enables the button (not while another job runs).
    void setAnalyseEnabled(bool enabled);

    QString text() const;
    QPushButton* analyseButton() const { return m_analyse; }

Q_SIGNALS:
    /// The user asked for the runs without an analysis to be analysed.
    void analyseRequested();

private:
    QLabel* m_text;
    QPushButton* m_analyse;
};

} // namespace codescope::gui
