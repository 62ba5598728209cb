#include "app/cli/offscreen_qt.h"

#include <QApplication>
#include <QtGlobal>
#include <cstdio>

namespace codescope::cli {

OffscreenQtApplication::OffscreenQtApplication() {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString& message) {
        if (type == QtCriticalMsg || type == QtFatalMsg) std::fprintf(stderr, "%s\n", message.toUtf8().constData());
    });
    m_app = std::make_unique<QApplication>(m_argc, m_argv);
}

OffscreenQtApplication::~OffscreenQtApplication() = default;

} // namespace codescope::cli
