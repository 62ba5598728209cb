// codescope: the desktop app. `codescope` shows the start page; `codescope FILE.json` opens that analysis and
// `codescope MODEL.pt` offers that model in the "Analyse a model" dialog.
#include <QApplication>
#include <QCommandLineParser>

#include "app/gui/main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Codescope"));
    QApplication::setApplicationName(QStringLiteral("codescope"));
    QApplication::setApplicationDisplayName(QStringLiteral("Codescope"));
    QApplication::setApplicationVersion(QStringLiteral(CODESCOPE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Eigenspectra of neural network layers: open an analysis or analyse a model."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("file"),
        QApplication::translate("main", "an analysis JSON (codescope-cli analyze --json), or a model to analyse"),
        QStringLiteral("[FILE]"));
    parser.process(app);

    codescope::gui::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty()) window.openPath(parser.positionalArguments().front());
    return QApplication::exec();
}
