#pragma once
// The session the app restores on the next start ("Continue" on the start page): what was open, which layers were
// selected, which figure was on screen and which run of a sweep. Kept in QSettings, written whenever it changes,
// so a crash loses nothing either.
#include <QString>
#include <QStringList>
#include <optional>

namespace codescope::gui {

struct SessionState {
    QString path;       ///< the analysis JSON or the sweep folder
    bool sweep = false; ///< path is a sweep folder
    QStringList layers; ///< the selected layers
    int tab = 0;        ///< the figure tab on screen
    int run = 0;        ///< the sweep's run (the dropout slider's position)
};

/// The last saved session, if there is one whose path still exists.
std::optional<SessionState> loadSession();
void saveSession(const SessionState& state);

} // namespace codescope::gui
