#pragma once
// The most recently opened analysis files, kept in QSettings so that they survive a restart.
#include <QObject>
#include <QStringList>

class QMenu;

namespace codescope::gui {

class RecentFiles : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxFiles = 8;

    explicit RecentFiles(QObject* parent = nullptr);

    /// Newest first.
    QStringList files() const { return m_files; }
    /// Puts `path` (made absolute) first, dropping the oldest beyond kMaxFiles.
    void add(const QString& path);
    /// Forgets `path` (e.g. it could not be opened any more).
    void remove(const QString& path);
    /// Refills `menu` with one action per file (triggering emits openRequested) and "Clear".
    void fillMenu(QMenu* menu);

Q_SIGNALS:
    void changed();
    void openRequested(const QString& path);

private:
    void save();

    QStringList m_files;
};

} // namespace codescope::gui
