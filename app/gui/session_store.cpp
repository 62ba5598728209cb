#include "app/gui/session_store.h"

#include <QFileInfo>
#include <QSettings>

namespace codescope::gui {

std::optional<SessionState> loadSession() {
    QSettings settings;
    settings.beginGroup(QStringLiteral("session"));
    SessionState state;
    state.path = settings.value(QStringLiteral("path")).toString();
    if (state.path.isEmpty() || !QFileInfo::exists(state.path)) return std::nullopt;
    state.sweep = settings.value(QStringLiteral("sweep"), false).toBool();
    state.layers = settings.value(QStringLiteral("layers")).toStringList();
    state.tab = settings.value(QStringLiteral("tab"), 0).toInt();
    state.run = settings.value(QStringLiteral("run"), 0).toInt();
    return state;
}

void saveSession(const SessionState& state) {
    QSettings settings;
    settings.beginGroup(QStringLiteral("session"));
    settings.setValue(QStringLiteral("path"), state.path);
    settings.setValue(QStringLiteral("sweep"), state.sweep);
    settings.setValue(QStringLiteral("layers"), state.layers);
    settings.setValue(QStringLiteral("tab"), state.tab);
    settings.setValue(QStringLiteral("run"), state.run);
}

} // namespace codescope::gui
