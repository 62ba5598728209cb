// The app as a user drives it: start page, opening the fixture analysis, selecting layers, errors in dialogs with
// the app still usable, exporting figures and the report, recent files; screenshots of each view go to the test
// output folder for people to look at.
#include <QChart>
#include <QDir>
#include <QFile>
#include <QItemSelectionModel>
#include <QLineSeries>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include "app/gui/analysis_job_runner.h"
#include "app/figures/analysis_session.h"
#include "app/gui/analysis_views.h"
#include "app/gui/export_controller.h"
#include "app/gui/layer_list_panel.h"
#include "app/gui/main_window.h"
#include "app/gui/recent_files.h"
#include "app/gui/start_page.h"
#include "app/gui/sweep_issues_bar.h"
#include "tests/gui/gui_test_registry.h"
#include "tests/gui/open_analysis.h"
#include "tests/gui/pdf_inspection.h"
#include "widgets/charts/alpha_depth_view.h"
#include "widgets/charts/spectrum_view.h"
#include "widgets/controls/dropout_slider.h"
#include <QSlider>

using namespace codescope;
using namespace codescope::gui;

namespace {

QString fixture() {
    return QDir(guitest::testDataDir()).filePath("small_analysis.json");
}

void saveScreenshot(QWidget* widget, const QString& name) {
    const QString path = QDir(guitest::artifactsDir()).filePath(name);
    QVERIFY2(widget->grab().save(path), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
}

int fitLineCount(widgets::SpectrumView* view) {
    int count = 0;
    for (QAbstractSeries* series : view->chart()->series())
        if (auto* line = qobject_cast<QLineSeries*>(series); line && line->name().startsWith("fit ")) ++count;
    return count;
}

QList<QMessageBox*> errorDialogs(QWidget* window) {
    QList<QMessageBox*> open;
    for (QMessageBox* box : window->findChildren<QMessageBox*>("errorDialog"))
        if (box->isVisible()) open << box;
    return open;
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1280, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }
    void cleanup() { m_window.reset(); }

    void startsOnTheStartPage() {
        QVERIFY(m_window->isShowingStartPage());
        QVERIFY(m_window->startPage()->findChild<QWidget*>("startOpenAnalysis"));
        QVERIFY(m_window->startPage()->findChild<QWidget*>("startAnalyseModel"));
        saveScreenshot(m_window.get(), "window_start_page.png");
    }

    void opensTheFixtureIntoListAndViews() {
        QVERIFY(guitest::openAnalysisAndWait(*m_window, fixture()));
        QVERIFY(!m_window->isShowingStartPage());
        QVERIFY(m_window->windowTitle().contains("small_analysis.json"));
        QTreeWidget* tree = m_window->layerList()->tree();
        QCOMPARE(tree->topLevelItemCount(), 4);
        QCOMPARE(tree->topLevelItem(0)->text(0), QStringLiteral("1"));
        QCOMPARE(tree->topLevelItem(0)->text(1), QStringLiteral("conv1.relu"));
        QCOMPARE(tree->topLevelItem(0)->text(2), QStringLiteral("8 × 13 × 13"));
        QCOMPARE(tree->topLevelItem(0)->text(3), QStringLiteral("-0.720"));
        QCOMPARE(tree->topLevelItem(0)->text(4), QStringLiteral("[-0.780, -0.660]"));
        QCOMPARE(tree->topLevelItem(3)->text(4), QStringLiteral("—"));
        QCOMPARE(m_window->views()->spectrumView()->series().size(), std::size_t(4));
        QCOMPARE(m_window->views()->alphaDepthView()->series().size(), std::size_t(1));
        // The shallowest layer is selected on opening, so its fit shows at once.
        QCOMPARE(m_window->session()->selectedLayers(), QStringList{"conv1.relu"});
        QVERIFY(tree->topLevelItem(0)->isSelected());
        QCOMPARE(fitLineCount(m_window->views()->spectrumView()), 1);
        QVERIFY(m_window->recentFiles()->files().contains(QFileInfo(fixture()).absoluteFilePath()));
    }

    void selectingLayersDrivesEveryView() {
        QVERIFY(guitest::openAnalysisAndWait(*m_window, fixture()));
        QTreeWidget* tree = m_window->layerList()->tree();
        // Click the third row, then Ctrl-click the fourth, as a user would.
        const QRect third = tree->visualItemRect(tree->topLevelItem(2));
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::NoModifier, third.center());
        QCOMPARE(m_window->session()->selectedLayers(), QStringList{"fc1.relu"});
        QCOMPARE(m_window->views()->spectrumView()->selectedLayers(), QStringList{"fc1.relu"});
        QCOMPARE(m_window->views()->alphaDepthView()->selectionMarkers()->count(), 1);
        QCOMPARE(m_window->views()->alphaDepthView()->selectionMarkers()->at(0).x(), 5.0);
        const QRect fourth = tree->visualItemRect(tree->topLevelItem(3));
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::ControlModifier, fourth.center());
        QCOMPARE(m_window->session()->selectedLayers(), (QStringList{"fc1.relu", "fc2"}));
        QCOMPARE(fitLineCount(m_window->views()->spectrumView()), 2);
        QCOMPARE(m_window->views()->alphaDepthView()->selectionMarkers()->count(), 2);

        // Screenshots of the views as a user sees them, with two layers selected.
        m_window->views()->setCurrentIndex(0);
        QCoreApplication::processEvents(); // lay out the tab just shown (pending events, no sleep)
        // Hover the fc1.relu curve at k = 20, as the mouse would.
        widgets::SpectrumView* spectrum = m_window->views()->spectrumView();
        const widgets::SpectrumSeries& fc1 = spectrum->series()[2];
        QLineSeries* fc1Curve = nullptr;
        for (QAbstractSeries* series : spectrum->chart()->series())
            if (series->name() == "fc1.relu") fc1Curve = qobject_cast<QLineSeries*>(series);
        QVERIFY(fc1Curve);
        spectrum->showReadoutNear(spectrum->chart()->mapToPosition(QPointF(20, fc1.eigenvalues[19]), fc1Curve));
        QVERIFY2(spectrum->readoutText().contains("fc1.relu") && spectrum->readoutText().contains("k = 20"),
                 qPrintable(spectrum->readoutText()));
        saveScreenshot(m_window.get(), "window_spectrum.png");
        saveScreenshot(m_window->views()->spectrumView(), "spectrum_view.png");
        m_window->views()->setCurrentIndex(1);
        QCoreApplication::processEvents();
        saveScreenshot(m_window.get(), "window_alpha_depth.png");
        saveScreenshot(m_window->views()->alphaDepthView(), "alpha_depth_view.png");
    }

    void aBadFileIsADialogAndTheAppStaysUsable() {
        QVERIFY(guitest::openAnalysisAndWait(*m_window, fixture()));
        QTemporaryDir dir;
        const QString bad = dir.filePath("truncated.json");
        {
            QFile file(bad);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("{\"layers\": [{\"name\": \"a\", ");
        }
        QVERIFY(!guitest::openAnalysisAndWait(*m_window, bad));
        const QList<QMessageBox*> dialogs = errorDialogs(m_window.get());
        QCOMPARE(dialogs.size(), 1);
        QVERIFY2(dialogs.front()->text().contains("truncated.json"), qPrintable(dialogs.front()->text()));
        QVERIFY(dialogs.front()->text().contains("byte"));
        QVERIFY(!dialogs.front()->informativeText().isEmpty()); // says what to do
        saveScreenshot(dialogs.front(), "error_dialog.png");
        dialogs.front()->accept();
        QTRY_VERIFY(errorDialogs(m_window.get()).isEmpty());
        // What was open is still open, and the app still works.
        QCOMPARE(m_window->layerList()->tree()->topLevelItemCount(), 4);
        QVERIFY(m_window->windowTitle().contains("small_analysis.json"));
        QVERIFY(!guitest::openAnalysisAndWait(*m_window, dir.filePath("missing.json")));
        for (QMessageBox* box : errorDialogs(m_window.get()))
            box->accept();
        QVERIFY(guitest::openAnalysisAndWait(*m_window, fixture()));
    }

    void opensASweepAndTheSliderSwitchesEveryView() {
        QSignalSpy opened(m_window.get(), &MainWindow::sweepOpened);
        m_window->openPath(QDir(guitest::testDataDir()).filePath("sweep"));
        QVERIFY(opened.wait(10000));
        QCOMPARE(opened.first().first().toBool(), true);
        AnalysisSession* session = m_window->session();
        QCOMPARE(session->sweepRuns().size(), std::size_t(2));
        QCOMPARE(session->sweepRuns()[1].dropout, 0.6);
        QVERIFY(!m_window->sweepIssues()->isVisible()); // every run is analysed
        widgets::DropoutSlider* slider = m_window->dropoutSlider();
        QVERIFY(slider->isVisible());
        QCOMPARE(slider->rates().size(), std::size_t(2));
        QCOMPARE(session->currentRun(), 0);
        // alpha vs depth and the coding plots compare every run at once.
        QCOMPARE(m_window->views()->alphaDepthView()->series().size(), std::size_t(2));
        for (widgets::AlphaDepthView* view : m_window->views()->codingViews()) {
            QCOMPARE(view->series().size(), std::size_t(2));
            QVERIFY(!view->series()[0].points.empty());
            QVERIFY(m_window->views()->isTabEnabled(m_window->views()->indexOf(view)));
        }
        const double firstRunTop = m_window->views()->spectrumView()->series().front().eigenvalues.front();
        QCOMPARE(firstRunTop, session->sweepRuns()[0].analysis.layers.front().spectrum.eigenvalues[0]);

        // The two extremes side by side (Fig. 5).
        QVERIFY(m_window->views()->isTabEnabled(
            m_window->views()->indexOf(m_window->views()->lowDropoutSpectrum()->parentWidget())));
        QCOMPARE(m_window->views()->lowDropoutSpectrum()->series().front().eigenvalues.front(),
                 session->sweepRuns()[0].analysis.layers.front().spectrum.eigenvalues[0]);
        QCOMPARE(m_window->views()->highDropoutSpectrum()->series().front().eigenvalues.front(),
                 session->sweepRuns()[1].analysis.layers.front().spectrum.eigenvalues[0]);
        saveScreenshot(m_window->views()->lowDropoutSpectrum()->parentWidget(), "compare_runs_view.png");

        // Moving the slider shows the other run's spectra at once, from memory.
        session->setSelectedLayers({"relu#2"});
        slider->slider()->setValue(1);
        QCOMPARE(session->currentRun(), 1);
        const double secondRunTop = m_window->views()->spectrumView()->series().front().eigenvalues.front();
        QCOMPARE(secondRunTop, session->sweepRuns()[1].analysis.layers.front().spectrum.eigenvalues[0]);
        QVERIFY(secondRunTop != firstRunTop);
        QCOMPARE(session->selectedLayers(), QStringList{"relu#2"}); // the selection survives the move
        QVERIFY(slider->currentText().contains("0.6"));
        saveScreenshot(m_window.get(), "window_sweep_dropout_0.6.png");
        m_window->views()->setCurrentWidget(m_window->views()->codingViews()[0]);
        saveScreenshot(m_window->views()->codingViews()[0], "action_depth_view.png");
        saveScreenshot(m_window->views()->codingViews()[3], "explained_variance_action_view.png");
        saveScreenshot(m_window->views()->compressionView(), "theory_compression_view.png");
        saveScreenshot(m_window->views()->dropoutCapacityView(), "theory_dropout_view.png");

        // The report holds the coding plots too.
        const QString report = QDir(guitest::artifactsDir()).filePath("sweep_report.pdf");
        QFile::remove(report);
        const widgets::ExportResult result = m_window->exports()->exportReport(report);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(guitest::pdfPageCount(report), 8); // each run's spectrum, alpha vs depth, 4 coding plots, checks

        // Opening a single analysis afterwards closes the sweep and hides the slider.
        QVERIFY(guitest::openAnalysisAndWait(*m_window, fixture()));
        QVERIFY(!session->hasSweep());
        QVERIFY(!slider->isVisible());
        QVERIFY(!m_window->views()->isTabEnabled(
            m_window->views()->indexOf(m_window->views()->lowDropoutSpectrum()->parentWidget())));
    }

    void theDemoRunsInTheBackgroundAndCancels() {
        QVERIFY(m_window->startPage()->findChild<QWidget*>("startDemo"));
        QTemporaryDir dir;
        QSignalSpy cancelled(m_window->jobRunner(), &AnalysisJobRunner::cancelled);
        QSignalSpy progressed(m_window->jobRunner(), &AnalysisJobRunner::progressed);
        QVERIFY(m_window->startDemo(dir.filePath("demo")));
        QVERIFY(m_window->jobRunner()->isRunning());
        QVERIFY(!m_window->startDemo(dir.filePath("other"))); // one job at a time
        // The GUI thread stays free while the worker loads the data and trains: the worker's progress arrives as
        // queued events, which only a free event loop delivers.
        QVERIFY(progressed.wait(60000));
        QVERIFY(m_window->jobRunner()->isRunning());
        m_window->jobRunner()->cancel();
        QVERIFY(cancelled.wait(60000));
        QVERIFY(!m_window->jobRunner()->isRunning());
        QVERIFY(m_window->isShowingStartPage()); // nothing was opened
    }

    void aSweepWithoutAnalysesSaysWhatToDo() {
        QTemporaryDir dir;
        QDir(dir.path()).mkpath("dropout-0");
        QFile manifest(dir.filePath("dropout-0/manifest.json"));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write("{\"finished\": true}");
        manifest.close();
        QFile sweep(dir.filePath("sweep.json"));
        QVERIFY(sweep.open(QIODevice::WriteOnly));
        sweep.write("{\"runs\": [{\"dropout\": 0, \"directory\": \"dropout-0\"}]}");
        sweep.close();
        QSignalSpy opened(m_window.get(), &MainWindow::sweepOpened);
        m_window->openSweepFolder(dir.path());
        QVERIFY(opened.wait(10000));
        QCOMPARE(opened.first().first().toBool(), false);
        const QList<QMessageBox*> dialogs = errorDialogs(m_window.get());
        QCOMPARE(dialogs.size(), 1);
        QVERIFY2(dialogs.front()->text().contains("analyze --sweep") ||
                     dialogs.front()->informativeText().contains("analyze --sweep"),
                 qPrintable(dialogs.front()->text()));
        QVERIFY2(dialogs.front()->text().contains("dropout-0: no analysis yet"), qPrintable(dialogs.front()->text()));
        QVERIFY(m_window->isShowingStartPage()); // nothing else changed

        // The dialog offers to analyse the runs here. This run's manifest names no model: its analysis fails, and
        // says why.
        auto* analyse = dialogs.front()->findChild<QPushButton*>("analyseSweepRuns");
        QVERIFY(analyse);
        QSignalSpy analysed(m_window->jobRunner(), &AnalysisJobRunner::sweepAnalysed);
        analyse->click();
        QVERIFY(analysed.wait(60000));
        QCOMPARE(analysed.first().at(2).toInt(), 0);
        QTRY_COMPARE(errorDialogs(m_window.get()).size(), 1);
        const QMessageBox* failure = errorDialogs(m_window.get()).front();
        QVERIFY2(failure->text().startsWith("dropout-0: ") && failure->text().contains("manifest.json") &&
                     failure->text().contains("model_config"),
                 qPrintable(failure->text()));
        QVERIFY(m_window->isShowingStartPage()); // nothing was analysed: nothing to open
    }

    void aSweepNamesItsRunsWithoutAnalysis() {
        // The fixture sweep's two analysed runs, a run that has no analysis yet (its manifest but no model) and a
        // listed run whose folder is missing.
        QTemporaryDir dir;
        const QDir fixtureSweep(QDir(guitest::testDataDir()).filePath("sweep"));
        for (const QString& run : {QStringLiteral("dropout-0"), QStringLiteral("dropout-0.6")}) {
            QVERIFY(QDir(dir.path()).mkpath(run));
            for (const QFileInfo& file : QDir(fixtureSweep.filePath(run)).entryInfoList(QDir::Files))
                QVERIFY(QFile::copy(file.absoluteFilePath(), QDir(dir.path()).filePath(run + "/" + file.fileName())));
        }
        QVERIFY(QDir(dir.path()).mkpath("dropout-0.3"));
        QVERIFY(
            QFile::copy(fixtureSweep.filePath("dropout-0/manifest.json"), dir.filePath("dropout-0.3/manifest.json")));
        {
            QFile sweep(dir.filePath("sweep.json"));
            QVERIFY(sweep.open(QIODevice::WriteOnly));
            sweep.write(
                R"({"runs": [{"dropout": 0, "directory": "dropout-0"}, {"dropout": 0.3, "directory": "dropout-0.3"},
                        {"dropout": 0.6, "directory": "dropout-0.6"}, {"dropout": 0.9, "directory": "dropout-0.9"}]})");
        }
        QSignalSpy opened(m_window.get(), &MainWindow::sweepOpened);
        m_window->openPath(dir.path());
        QVERIFY(opened.wait(10000));
        QCOMPARE(opened.first().first().toBool(), true);
        QCOMPARE(m_window->session()->sweepRuns().size(), std::size_t(2));
        QVERIFY(errorDialogs(m_window.get()).isEmpty());

        // The window names both runs that are not shown, and why, above the figures.
        SweepIssuesBar* issues = m_window->sweepIssues();
        QVERIFY(issues->isVisible());
        const QString text = issues->text();
        QVERIFY2(text.startsWith("2 of 4 runs have no analysis"), qPrintable(text));
        QVERIFY2(text.contains("dropout-0.3: no analysis yet"), qPrintable(text));
        QVERIFY2(text.contains("dropout-0.9: "), qPrintable(text));
        QVERIFY(m_window->findChild<SweepIssuesBar*>("sweepIssues") == issues);
        QVERIFY(issues->analyseButton()->isVisible()); // dropout-0.3 can be analysed now; dropout-0.9 cannot
        QVERIFY(issues->analyseButton()->text().contains("missing run"));
        QCOMPARE(m_window->session()->sweepSkipped().size(), 2);
        saveScreenshot(m_window.get(), "window_sweep_with_missing_runs.png");

        // Analysing it fails (no model): the error names the run, the sweep stays open with its two runs.
        QSignalSpy analysed(m_window->jobRunner(), &AnalysisJobRunner::sweepAnalysed);
        issues->analyseButton()->click();
        QVERIFY(m_window->jobRunner()->isRunning() || !analysed.isEmpty());
        QVERIFY(analysed.count() == 1 || analysed.wait(60000));
        QCOMPARE(analysed.first().at(1).toStringList().size(), 1);
        QTRY_COMPARE(errorDialogs(m_window.get()).size(), 1);
        QVERIFY(errorDialogs(m_window.get()).front()->text().startsWith("dropout-0.3: "));
        QCOMPARE(m_window->session()->sweepRuns().size(), std::size_t(2));
        QVERIFY(issues->isVisible());
        QVERIFY(issues->analyseButton()->isEnabled()); // the job is over: it can be tried again

        // A single analysis closes the sweep and its bar.
        errorDialogs(m_window.get()).front()->accept();
        QVERIFY(guitest::openAnalysisAndWait(*m_window, fixture()));
        QVERIFY(!issues->isVisible());
    }

    void exportsFiguresAndTheReport() {
        QVERIFY(guitest::openAnalysisAndWait(*m_window, fixture()));
        m_window->session()->setSelectedLayers({"conv1.relu", "fc1.relu"});
        const QString out = guitest::artifactsDir();
        QSignalSpy exported(m_window->exports(), &ExportController::exported);

        m_window->views()->setCurrentIndex(0);
        const QString spectrumPdf = QDir(out).filePath("app_spectrum.pdf");
        QFile::remove(spectrumPdf);
        widgets::ExportResult result = m_window->exports()->exportFigure(spectrumPdf);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QVERIFY(guitest::hasPdfHeader(spectrumPdf));
        QCOMPARE(guitest::pdfPageCount(spectrumPdf), 1);
        QVERIFY(!guitest::pdfHasImages(spectrumPdf));
        // The selection made just before the export is in the file: the fit lines' legend entries are there.
        const QString text = guitest::pdfText(spectrumPdf);
        if (!text.isEmpty()) QVERIFY2(text.contains("fc1.relu, α = -1.18"), qPrintable(text)); // "fi" may be a ligature

        m_window->views()->setCurrentIndex(1);
        const QString alphaPng = QDir(out).filePath("app_alpha_depth_300dpi.png");
        result = m_window->exports()->exportFigure(alphaPng, 300);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QVERIFY(QImage(alphaPng).width() > 2000);

        const QString report = QDir(out).filePath("app_report.pdf");
        QFile::remove(report);
        result = m_window->exports()->exportReport(report);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QVERIFY(guitest::hasPdfHeader(report));
        QCOMPARE(guitest::pdfPageCount(report), 3); // one page per figure, then the paper checks
        // Pages rendered back from the PDF, to look at the export as a reader of the PDF will.
        guitest::renderPdfPage(report, 1, QDir(out).filePath("app_report_page1.png"), 80);
        guitest::renderPdfPage(report, 2, QDir(out).filePath("app_report_page2.png"), 80);
        guitest::renderPdfPage(spectrumPdf, 1, QDir(out).filePath("app_spectrum_pdf.png"), 110);

        QVERIFY(!m_window->exports()->exportFigure(QDir(out).filePath("figure.svg")).ok()); // unknown format
        const QString table = QDir(out).filePath("app_layers.csv");
        QCOMPARE(m_window->exports()->exportTable(table), QString());
        QFile csv(table);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> rows = csv.readAll().trimmed().split('\n');
        QVERIFY(rows.front().startsWith("depth,layer,shape"));
        QCOMPARE(rows.size(), static_cast<int>(m_window->session()->analysis().layers.size()) + 1);
        QVERIFY(!m_window->exports()->exportTable(QDir(out).filePath("missing/folder/t.csv")).isEmpty());
        QCOMPARE(exported.count(), 0); // the non-interactive calls report through their results only

        const QString saved = QDir(out).filePath("app_saved_analysis.json");
        QCOMPARE(m_window->exports()->saveAnalysis(saved), QString());
        QVERIFY(guitest::openAnalysisAndWait(*m_window, saved));
        QCOMPARE(m_window->layerList()->tree()->topLevelItemCount(), 4);
    }

    void theSessionIsOfferedAndRestoredAfterARestart() {
        QVERIFY(guitest::openAnalysisAndWait(*m_window, fixture()));
        m_window->session()->setSelectedLayers({"conv1.relu", "fc1.relu"});
        m_window->views()->setCurrentIndex(1);
        m_window.reset();
        MainWindow again;
        auto* button = again.startPage()->findChild<QPushButton*>("startContinue");
        QVERIFY(button);
        QVERIFY(!button->isHidden());
        QVERIFY2(button->text().contains("small_analysis.json"), qPrintable(button->text()));
        QSignalSpy opened(&again, &MainWindow::analysisOpened); // the file is read on a worker
        button->click();
        QVERIFY(opened.wait(20000));
        QVERIFY(opened.last().at(1).toBool());
        QVERIFY(!again.isShowingStartPage());
        QCOMPARE(again.session()->selectedLayers(), (QStringList{"conv1.relu", "fc1.relu"}));
        QCOMPARE(again.views()->currentIndex(), 1);
    }

    void recentFilesSurviveARestart() {
        QVERIFY(guitest::openAnalysisAndWait(*m_window, fixture()));
        m_window.reset();
        MainWindow again;
        QCOMPARE(again.recentFiles()->files().value(0), QFileInfo(fixture()).absoluteFilePath());
        QListWidget* list = again.startPage()->recentList();
        QVERIFY(list->count() >= 1);
        QCOMPARE(list->item(0)->data(Qt::UserRole).toString(), QFileInfo(fixture()).absoluteFilePath());
        QSignalSpy opened(&again, &MainWindow::analysisOpened);
        Q_EMIT list->itemActivated(list->item(0)); // double-click / Enter on the start page
        QVERIFY(opened.wait(20000));
        QVERIFY(!again.isShowingStartPage());
    }

private:
    std::unique_ptr<MainWindow> m_window;
};

CODESCOPE_GUI_TEST(MainWindowTest)
#include "test_main_window.moc"
