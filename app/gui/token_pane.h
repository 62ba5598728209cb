#pragma once
// The "Tokens" tab (paper Fig. 7c): a language model's token trajectories - the lowest-action random projections of
// the selected layers over one sequence of its text, each token coloured by the projection's value. Computed on
// demand in the background (they need the model and the text again); exported as a PDF from File > Export figure.
#include <QString>
#include <QWidget>
#include <string>

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTextBrowser;

namespace codescope::gui {

class AnalysisSession;
class BackgroundTask;

class TokenPane : public QWidget {
    Q_OBJECT
public:
    explicit TokenPane(AnalysisSession* session, QWidget* parent = nullptr);

    QPushButton* computeButton() const { return m_compute; }
    QTextBrowser* browser() const { return m_browser; }
    /// Starts the trajectories of the selected layers (what the button does); false if it cannot start.
    bool compute();
    /// The page shown after a computation; empty before.
    const QString& html() const { return m_html; }

Q_SIGNALS:
    /// A computation ended: its page is shown (ok) or its error is in the status line (!ok).
    void computed(bool ok);

private:
    void refresh();

    AnalysisSession* m_session;
    BackgroundTask* m_task;
    QLabel* m_hint;
    QSpinBox* m_sequence;
    QSpinBox* m_draws;
    QSpinBox* m_shown;
    QPushButton* m_compute;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QTextBrowser* m_browser;
    QString m_html;
    std::string m_shownFor; ///< the analysis (model + data set) whose page is shown
};

} // namespace codescope::gui
