#pragma once
// What the app shows before anything is open: the two ways in (an analysis file, or a model to analyse) and the
// recent files.
#include <QWidget>

class QListWidget;
class QPushButton;

namespace codescope::gui {

class RecentFiles;

class StartPage : public QWidget {
    Q_OBJECT
public:
    StartPage(RecentFiles* recent, QWidget* parent = nullptr);
    /// Shows "Continue with <what>" (the last session) when `what` is not empty.
    void setContinueTarget(const QString& what);

    QListWidget* recentList() const { return m_recentList; }

Q_SIGNALS:
    void openAnalysisRequested();
    void analyseModelRequested();
    void demoRequested();
    void languageDemoRequested();
    void continueRequested();
    void recentFileRequested(const QString& path);

private:
    void fillRecent();

    RecentFiles* m_recent;
    QListWidget* m_recentList;
    QPushButton* m_continue = nullptr;
};

} // namespace codescope::gui
