#pragma once
// MainWindow::openAnalysisFile reads on a worker: tests wait for its analysisOpened signal (never a fixed sleep).
#include <QSignalSpy>
#include <QString>

#include "app/gui/main_window.h"

namespace codescope::guitest {

/// Opens `path` in `window` and waits for the outcome; true if the analysis is shown.
inline bool openAnalysisAndWait(gui::MainWindow& window, const QString& path) {
    QSignalSpy opened(&window, &gui::MainWindow::analysisOpened);
    window.openAnalysisFile(path);
    if (!opened.wait(20000)) return false;
    return opened.last().at(1).toBool();
}

} // namespace codescope::guitest
