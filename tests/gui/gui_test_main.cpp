// Runs the GUI test classes named on the command line (all when none is named) under Qt Test. An unknown name is an
// error, never a silent pass.
#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>

#include "tests/gui/gui_test_registry.h"

namespace codescope::guitest {

std::vector<GuiTestCase>& guiTestCases() {
    static std::vector<GuiTestCase> cases;
    return cases;
}

QString artifactsDir() {
    QDir().mkpath(QStringLiteral(CODESCOPE_GUI_ARTIFACTS_DIR));
    return QStringLiteral(CODESCOPE_GUI_ARTIFACTS_DIR);
}

QString testDataDir() {
    return QStringLiteral(CODESCOPE_GUI_TEST_DATA_DIR);
}

} // namespace codescope::guitest

int main(int argc, char** argv) {
    // Widgets need no display: the offscreen platform renders them in memory (ctest sets it too).
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("CodescopeTests"));
    QApplication::setApplicationName(QStringLiteral("codescope-gui-tests"));
    // Recent files, export folders and the session to continue go to a settings file of this process alone, empty at
    // its start: ctest runs test classes side by side, and a class that restarts the window must read back what it
    // wrote itself, not what another class's window saved a moment later (a shared file made the restart test fail
    // now and then). Qt's test mode alone would share ~/.qttest/config among all of them.
    QStandardPaths::setTestModeEnabled(true);
    const QTemporaryDir settingsDir;
    if (!settingsDir.isValid()) {
        std::fprintf(stderr, "cannot make a temporary settings folder: %s\n", qPrintable(settingsDir.errorString()));
        return 2;
    }
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());

    QStringList names;
    QStringList qtArgs{QString::fromLocal8Bit(argv[0])};
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (names.isEmpty() && qtArgs.size() == 1 && !arg.startsWith('-') && arg.endsWith(QStringLiteral("Test")))
            names << arg;
        else
            qtArgs << arg;
    }
    int failures = 0;
    bool ranAny = false;
    for (const codescope::guitest::GuiTestCase& test : codescope::guitest::guiTestCases()) {
        if (!names.isEmpty() && !names.contains(test.name)) continue;
        ranAny = true;
        const std::unique_ptr<QObject> object = test.make();
        failures += QTest::qExec(object.get(), qtArgs);
    }
    if (!ranAny) {
        std::fprintf(stderr, "no GUI test class named %s\n", qPrintable(names.join(' ')));
        return 2;
    }
    return failures == 0 ? 0 : 1;
}
