#pragma once
// The CLI commands that render with Qt (report, trajectories --pdf) run it on the offscreen platform: no window is
// ever shown and no display is needed, on a server as on a desktop.
#include <memory>

class QApplication;

namespace codescope::cli {

/// A QApplication on Qt's offscreen platform for as long as it lives. Qt's own warnings (no XDG_RUNTIME_DIR on a
/// server, ...) say nothing about the output: only critical messages reach stderr, which keeps a failure to the
/// command's one line.
class OffscreenQtApplication {
public:
    OffscreenQtApplication();
    ~OffscreenQtApplication();
    OffscreenQtApplication(const OffscreenQtApplication&) = delete;
    OffscreenQtApplication& operator=(const OffscreenQtApplication&) = delete;

private:
    int m_argc = 1;
    char m_name[16] = "codescope-cli";
    char* m_argv[2] = {m_name, nullptr};
    std::unique_ptr<QApplication> m_app;
};

} // namespace codescope::cli
