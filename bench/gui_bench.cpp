// codescope-gui-bench: how quickly the app shows a sweep (issue: "time from opening a sweep with cached results to
// all views drawn; time of a slider move"), in one process, next to the floor of reading the sweep's JSON alone.
// Runs on Qt's offscreen platform (no display needed); drawing is forced with grab(), which paints the widgets.
#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "app/figures/analysis_file.h"
#include "app/figures/analysis_session.h"
#include "app/figures/report_pages.h"
#include "app/gui/analysis_views.h"
#include "app/gui/layer_list_panel.h"
#include "app/gui/main_window.h"
#include "app/figures/sweep_loader.h"
#include "widgets/controls/dropout_slider.h"

#include "bench/bench_support.h"

using codescope::bench::argument;
using codescope::bench::flag;

namespace {

double milliseconds(const QElapsedTimer& timer) {
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

// Paints every tab of the views once, as a user flicking through them would see them.
void drawAllViews(codescope::gui::MainWindow& window) {
    codescope::gui::AnalysisViews* views = window.views();
    for (int i = 0; i < views->count(); ++i)
        (void)views->widget(i)->grab();
    (void)window.grab();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    if (flag(argc, argv, "--help")) {
        std::puts("usage: codescope-gui-bench SWEEP-FOLDER [--moves 20] [--repeat 3]\n"
                  "  SWEEP-FOLDER: a sweep whose runs hold cached analyses (codescope-cli analyze --sweep), e.g.\n"
                  "  tests/gui/data/sweep; the times of opening it until every view is drawn (and the longest\n"
                  "  GUI-thread stall on the way), of slider moves, of exporting the report and of saving an analysis");
        return 0;
    }
    if (argc < 2) {
        std::fputs("codescope-gui-bench: give a sweep folder (see --help)\n", stderr);
        return 2;
    }
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QString folder = QString::fromLocal8Bit(argv[1]);
    const long moves = std::max(1L, argument(argc, argv, "--moves", 20));
    const long repeats = std::max(1L, argument(argc, argv, "--repeat", 3));

    std::vector<double> readMs, openMs, moveMs, stallMs, reportMs, saveMs;
    std::size_t runs = 0;
    for (long r = 0; r < repeats; ++r) {
        QElapsedTimer timer;
        timer.start();
        const codescope::gui::SweepReadResult read = codescope::gui::readSweep(folder);
        readMs.push_back(milliseconds(timer));
        if (!read.ok()) {
            std::fprintf(stderr, "codescope-gui-bench: %s\n", read.error.toUtf8().constData());
            return 2;
        }
        runs = read.runs.size();

        codescope::gui::MainWindow window;
        window.resize(1280, 800);
        window.show();
        QApplication::processEvents();
        QSignalSpy opened(&window, &codescope::gui::MainWindow::sweepOpened);
        // The freeze a user feels: the longest time the GUI thread goes without serving a 5 ms timer while the
        // sweep opens (the read runs on a worker; what is left on the GUI thread shows up here).
        QElapsedTimer sinceTick;
        double longestGap = 0;
        QTimer ticker;
        ticker.setInterval(5);
        QObject::connect(&ticker, &QTimer::timeout, [&] {
            longestGap = std::max(longestGap, milliseconds(sinceTick));
            sinceTick.restart();
        });
        timer.restart();
        sinceTick.start();
        ticker.start();
        window.openSweepFolder(folder);
        if (!opened.wait(60000) || !opened.first().first().toBool()) {
            std::fputs("codescope-gui-bench: the sweep did not open\n", stderr);
            return 2;
        }
        QApplication::processEvents(); // the tick that ends the last gap
        ticker.stop();
        stallMs.push_back(std::max(longestGap, milliseconds(sinceTick)));
        drawAllViews(window);
        openMs.push_back(milliseconds(timer));

        // File > Export report: every page drawn and written on the GUI thread.
        const QTemporaryDir scratch;
        timer.restart();
        const codescope::widgets::ExportResult exported = codescope::gui::exportReport(
            *window.session(), window.views()->reportSources(), scratch.filePath(QStringLiteral("report.pdf")));
        reportMs.push_back(milliseconds(timer));
        timer.restart();
        const QString saveError =
            codescope::gui::writeAnalysisFile(window.session()->analysis(), scratch.filePath("analysis.json"));
        saveMs.push_back(milliseconds(timer));
        for (const QString& error : {exported.error, saveError})
            if (!error.isEmpty()) {
                std::fprintf(stderr, "codescope-gui-bench: %s\n", error.toUtf8().constData());
                return 2;
            }

        QSlider* slider = window.dropoutSlider()->slider();
        for (long m = 0; m < moves; ++m) {
            timer.restart();
            slider->setValue((slider->value() + 1) % static_cast<int>(runs));
            (void)window.views()->currentWidget()->grab();
            (void)window.layerList()->grab();
            moveMs.push_back(milliseconds(timer));
        }
    }
    const double read = *std::min_element(readMs.begin(), readMs.end());
    const double open = *std::min_element(openMs.begin(), openMs.end());
    std::printf("codescope-gui-bench: sweep %s, %zu runs, offscreen, best of %ld\n\n", folder.toUtf8().constData(),
                runs, repeats);
    std::printf("  %-58s %10s %8s\n", "what", "ms", "ratio");
    std::printf("  %-58s %10.1f %8.2f\n", "floor: read and parse every run's cached analysis", read, 1.0);
    std::printf("  %-58s %10.1f %8.2f\n", "open the sweep until every view and tab is drawn", open, open / read);
    const double stall = *std::min_element(stallMs.begin(), stallMs.end());
    std::printf("  %-58s %10.1f %8.2f\n", "  longest GUI-thread stall while it opens", stall, stall / read);
    std::printf("  %-58s %10.1f %8.2f\n", "one slider move: switch run, redraw the current view", median(moveMs),
                median(moveMs) / read);
    const double reportTime = *std::min_element(reportMs.begin(), reportMs.end());
    std::printf("  %-58s %10.1f %8.2f\n", "export the report (File > Export report)", reportTime, reportTime / read);
    const double saveTime = *std::min_element(saveMs.begin(), saveMs.end());
    std::printf("  %-58s %10.1f %8.2f\n", "save the current run's analysis (File > Save analysis)", saveTime,
                saveTime / read);
    std::printf("\n  (slider move: median of %zu; the GUI thread's budget for a frame is 50 ms)\n", moveMs.size());
    return 0;
}
