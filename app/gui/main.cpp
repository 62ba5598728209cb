// codescope: the desktop app. `codescope` shows the start page; `codescope FILE.json` opens that analysis,
// `codescope SWEEP-FOLDER` opens a sweep with the dropout slider, `codescope MODEL.pt` offers that model in the
// "Analyse a model" dialog, and `codescope --demo` runs the embedded default (train or reuse the sweep, analyse, open).
#include <QApplication>
#include <QCommandLineParser>
#include <QSurfaceFormat>

#include "app/gui/main_window.h"
#include "core/common/memory_reuse.h"
#include "widgets/projection3d/vtk_opengl_widget.h"

int main(int argc, char** argv) {
    // Analyses run in this process too (on worker threads): the same reuse as codescope-cli's.
    codescope::keepFreedMemoryForReuse();
    // VTK's OpenGL needs a core-profile context with depth and stencil, for every window the app opens.
    QSurfaceFormat::setDefaultFormat(codescope::widgets::VtkOpenGLWidget::vtkSurfaceFormat());
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
        QApplication::translate("main", "an analysis JSON (codescope-cli analyze --json), a sweep folder "
                                        "(codescope-cli train --out), or a model to analyse"),
        QStringLiteral("[FILE]"));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QApplication::translate("main", "train (or reuse) the default dropout sweep, analyse "
                                                                  "it and open it with the dropout slider"));
    parser.addOption(demo);
    const QCommandLineOption languageDemo(
        QStringLiteral("language-demo"),
        QApplication::translate("main", "train (or reuse) the tiny transformer LM, analyse it on GPL-3's text and open "
                                        "it"));
    parser.addOption(languageDemo);
    parser.process(app);

    codescope::gui::MainWindow window;
    window.show();
    if (parser.isSet(demo))
        window.startDemo();
    else if (parser.isSet(languageDemo))
        window.startLanguageDemo();
    else if (!parser.positionalArguments().isEmpty())
        window.openPath(parser.positionalArguments().front());
    return QApplication::exec();
}
