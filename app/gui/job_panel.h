#pragma once
// The strip that shows the running job: what it does, a progress bar, images per second, time left, and Cancel.
// It only displays; the job runner does the work and decides what Cancel means.
#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace codescope::gui {

/// Time left when `fraction` of a job took `elapsedSeconds`, as "about 2 min 05 s"; "" while the estimate would be
/// noise (under 2% done or under one second in).
QString remainingTimeText(double fraction, double elapsedSeconds);

class JobPanel : public QWidget {
    Q_OBJECT
public:
    explicit JobPanel(QWidget* parent = nullptr);

    QProgressBar* progressBar() const { return m_bar; }
    QPushButton* cancelButton() const { return m_cancel; }
    QString rateText() const;
    QString remainingText() const;

public Q_SLOTS:
    void jobStarted(const QString& description);
    void showProgress(double fraction, double samplesPerSecond);
    /// Leaves `message` in the panel for a moment after the job ended, then hides it.
    void jobEnded(const QString& message);

Q_SIGNALS:
    void cancelRequested();

private:
    QLabel* m_description;
    QProgressBar* m_bar;
    QLabel* m_rate;
    QLabel* m_remaining;
    QPushButton* m_cancel;
    QElapsedTimer m_clock;
};

} // namespace codescope::gui
