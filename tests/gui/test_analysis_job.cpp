// The background analysis end to end: the app runs the real capture on a small TorchScript CNN over the installed
// Fashion-MNIST test split on its worker thread, reports progress, and shows the result; a cancelled job and a
// broken model leave the app as it was. Waits on signals, never on fixed sleeps.
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <cmath>

#include "core/common/paper_defaults.h"
#include "app/gui/analysis_job.h"
#include "app/gui/analysis_job_runner.h"
#include "app/figures/analysis_session.h"
#include "app/gui/analysis_views.h"
#include "app/gui/job_panel.h"
#include "app/gui/layer_list_panel.h"
#include "app/gui/main_window.h"
#include "app/gui/open_model_dialog.h"
#include "tests/gui/gui_test_registry.h"
#include "tests/gui/open_analysis.h"
#include "widgets/charts/spectrum_view.h"

using namespace codescope;
using namespace codescope::gui;

namespace {

constexpr int kJobTimeoutMs = 240000;
const char* const kFashionMnist = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";

pipeline::AnalysisRequest tinyCnnRequest(std::int64_t samples, int bootstrap) {
    pipeline::AnalysisRequest request;
    request.model.path = QDir(guitest::testDataDir()).filePath("tiny_cnn.pt").toStdString();
    request.model.inputShape = {1, 28, 28};
    request.data = pipeline::dataRequestFromSpec("fashion-mnist");
    request.samples = samples;
    request.spectrum.bootstrapResamples = bootstrap;
    return request;
}

void closeErrorDialogs(QWidget* window) {
    for (QMessageBox* box : window->findChildren<QMessageBox*>("errorDialog"))
        box->accept();
}

} // namespace

class AnalysisJobTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        // The data set is a declared dependency (dataset-fashion-mnist); its absence is a failure, not a skip.
        QVERIFY2(QFile::exists(kFashionMnist), "install dataset-fashion-mnist (scripts/install-deps.sh)");
    }

    void inputShapesParse() {
        QCOMPARE(parseInputShape("1,28,28"), std::optional(std::vector<std::int64_t>{1, 28, 28}));
        QCOMPARE(parseInputShape(" 3 x 224 x 224 "), std::optional(std::vector<std::int64_t>{3, 224, 224}));
        QCOMPARE(parseInputShape(""), std::optional(std::vector<std::int64_t>{}));
        QVERIFY(!parseInputShape("28,28").has_value());
        QVERIFY(!parseInputShape("1,0,28").has_value());
        QVERIFY(!parseInputShape("a,b,c").has_value());
    }

    void remainingTimeIsEstimatedFromTheRateSoFar() {
        QCOMPARE(remainingTimeText(0.5, 10), QStringLiteral("about 10 s left"));
        QCOMPARE(remainingTimeText(0.25, 65), QStringLiteral("about 3 min 15 s left"));
        QCOMPARE(remainingTimeText(0.01, 10), QString()); // too early to say
        QCOMPARE(remainingTimeText(1.0, 10), QString());
    }

    void analysesATinyCnnOnFashionMnistInTheBackground() {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        AnalysisJobRunner* jobs = window.jobRunner();
        QSignalSpy progressed(jobs, &AnalysisJobRunner::progressed);
        QSignalSpy finished(jobs, &AnalysisJobRunner::finished);
        QSignalSpy failed(jobs, &AnalysisJobRunner::failed);

        QVERIFY(window.startAnalysis(tinyCnnRequest(600, 20)));
        QVERIFY(jobs->isRunning());
        QVERIFY(window.jobPanel()->isVisible());
        QVERIFY(!window.startAnalysis(tinyCnnRequest(600, 20))); // one job at a time
        QVERIFY2(finished.wait(kJobTimeoutMs) || !failed.isEmpty(), "the job neither finished nor failed in time");
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        QCOMPARE(finished.count(), 1);
        QVERIFY(!jobs->isRunning());
        QVERIFY(!progressed.isEmpty());
        QCOMPARE(window.jobPanel()->progressBar()->value(), window.jobPanel()->progressBar()->maximum());

        // The tiny CNN has three ReLU modules: `auto` analyses exactly those, in depth order.
        const Analysis& analysis = window.session()->analysis();
        QCOMPARE(analysis.layers.size(), std::size_t(3));
        QCOMPARE(analysis.samples, std::int64_t(600));
        QStringList names;
        for (const results::LayerSpectrum& entry : analysis.layers) {
            names << QString::fromStdString(entry.layer.name);
            QVERIFY(std::isfinite(entry.spectrum.alpha));
            QVERIFY(entry.spectrum.alpha < 0); // eigenvalues are sorted descending
            QVERIFY(std::isfinite(entry.spectrum.alphaCiLo));
            QVERIFY(entry.spectrum.alphaCiLo <= entry.spectrum.alphaCiHi);
        }
        QCOMPARE(names, (QStringList{"relu1", "relu2", "relu3"}));
        QCOMPARE(window.layerList()->tree()->topLevelItemCount(), 3);
        QCOMPARE(window.views()->spectrumView()->series().size(), std::size_t(3));
        QVERIFY(!window.isShowingStartPage());
        QVERIFY(window.windowTitle().contains("not saved"));
        window.views()->setCurrentIndex(0);
        QCoreApplication::processEvents(); // the legend lays out its new markers from the event loop
        QVERIFY(window.grab().save(QDir(guitest::artifactsDir()).filePath("window_tiny_cnn_analysis.png")));
        window.views()->setCurrentIndex(1);
        QCoreApplication::processEvents();
        QVERIFY(window.grab().save(QDir(guitest::artifactsDir()).filePath("window_tiny_cnn_alpha.png")));
    }

    void theDialogValidatesAndStartsTheJob() {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString model = QDir(guitest::testDataDir()).filePath("tiny_cnn.pt");
        OpenModelDialog* dialog = window.chooseModel(model);
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->findChild<QLineEdit*>("modelPath")->text(), model);
        QCOMPARE(dialog->findChild<QComboBox*>("dataset")->currentText(), QStringLiteral("fashion-mnist"));
        auto* shape = dialog->findChild<QLineEdit*>("inputShape");
        shape->setText("28,28");
        auto* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QTest::mouseClick(ok, Qt::LeftButton);
        QVERIFY(dialog->isVisible()); // a bad field keeps the dialog open with the problem shown in it
        auto* error = dialog->findChild<QLabel*>("dialogError");
        QVERIFY(error->isVisible());
        QVERIFY(error->text().contains("C,H,W"));
        shape->setText("1,28,28");
        dialog->findChild<QSpinBox*>("samples")->setValue(300);
        dialog->findChild<QSpinBox*>("bootstrap")->setValue(0);
        // The paper's defaults, as the CLI's, and the settings the CLI has: an empty fit range is refused.
        auto* fitLo = dialog->findChild<QSpinBox*>("fitLo");
        auto* fitHi = dialog->findChild<QSpinBox*>("fitHi");
        QCOMPARE(fitLo->value(), paper::kFitLo);
        QCOMPARE(fitHi->value(), paper::kFitHi);
        QCOMPARE(dialog->findChild<QComboBox*>("estimator")->currentText(), QStringLiteral("huber"));
        QCOMPARE(dialog->findChild<QComboBox*>("spectrumKind")->currentText(), QStringLiteral("pca"));
        QCOMPARE(dialog->findChild<QComboBox*>("normalize")->currentText(), QStringLiteral("none"));
        auto* float32Products = dialog->findChild<QCheckBox*>("float32Products");
        QVERIFY(float32Products && !float32Products->isChecked()); // double products, the paper's, by default
        fitLo->setValue(30);
        fitHi->setValue(20);
        QTest::mouseClick(ok, Qt::LeftButton);
        QVERIFY(dialog->isVisible());
        QVERIFY(error->text().contains("fit range"));
        fitLo->setValue(5);
        fitHi->setValue(40);
        dialog->findChild<QComboBox*>("estimator")->setCurrentText(QStringLiteral("wls"));
        dialog->findChild<QSpinBox*>("seed")->setValue(7);
        float32Products->setChecked(true);
        QVERIFY(dialog->grab().save(QDir(guitest::artifactsDir()).filePath("analyse_model_dialog.png")));
        QSignalSpy finished(window.jobRunner(), &AnalysisJobRunner::finished);
        QTest::mouseClick(ok, Qt::LeftButton);
        QVERIFY(window.jobRunner()->isRunning());
        QVERIFY(finished.wait(kJobTimeoutMs));
        QCOMPARE(window.session()->analysis().samples, std::int64_t(300));
        // The dialog's settings reached the engine through the one request type, and the result records them.
        const Analysis& analysis = window.session()->analysis();
        QVERIFY(analysis.request.has_value());
        QCOMPARE(analysis.request->spectrum.fitLo, 5);
        QCOMPARE(analysis.request->spectrum.fitHi, 40);
        QCOMPARE(analysis.request->spectrum.seed, std::uint64_t(7));
        QVERIFY(analysis.request->spectrum.singlePrecisionProducts);
        QCOMPARE(analysis.layers.front().spectrum.fitLo, 5);
        QCOMPARE(analysis.layers.front().spectrum.fitHi, 40);
        QVERIFY(analysis.layers.front().spectrum.estimator == spectrum::AlphaEstimator::Wls);
        QCOMPARE(window.layerList()->tree()->topLevelItemCount(), 3);
        QCOMPARE(window.layerList()->tree()->topLevelItem(0)->text(4), QStringLiteral("—")); // no bootstrap, no CI
    }

    void cancelStopsTheJobAndKeepsWhatWasOpen() {
        MainWindow window;
        window.show();
        QVERIFY(guitest::openAnalysisAndWait(window, QDir(guitest::testDataDir()).filePath("small_analysis.json")));
        AnalysisJobRunner* jobs = window.jobRunner();
        QSignalSpy progressed(jobs, &AnalysisJobRunner::progressed);
        QSignalSpy cancelled(jobs, &AnalysisJobRunner::cancelled);
        QSignalSpy finished(jobs, &AnalysisJobRunner::finished);
        // All 60000 training images with a large bootstrap: far longer than it takes to press Cancel.
        pipeline::AnalysisRequest longJob = tinyCnnRequest(0, 2000);
        longJob.data.images = "fashion-mnist-train";
        QVERIFY(window.startAnalysis(longJob));
        QVERIFY(progressed.wait(kJobTimeoutMs));
        QVERIFY(window.jobPanel()->cancelButton()->isEnabled());
        QTest::mouseClick(window.jobPanel()->cancelButton(), Qt::LeftButton);
        QVERIFY(cancelled.wait(kJobTimeoutMs));
        QCOMPARE(finished.count(), 0);
        QVERIFY(!jobs->isRunning());
        QCOMPARE(window.layerList()->tree()->topLevelItemCount(), 4); // the fixture is still there
        QVERIFY(window.windowTitle().contains("small_analysis.json"));
        // And a new job can start at once.
        QVERIFY(window.startAnalysis(tinyCnnRequest(300, 0)));
        QVERIFY(finished.wait(kJobTimeoutMs));
    }

    void aBrokenModelFailsWithADialog() {
        MainWindow window;
        window.show();
        QTemporaryDir dir;
        const QString broken = dir.filePath("broken.pt");
        {
            QFile file(broken);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("this is not a TorchScript archive");
        }
        pipeline::AnalysisRequest request = tinyCnnRequest(100, 0);
        request.model.path = broken.toStdString();
        QSignalSpy failed(window.jobRunner(), &AnalysisJobRunner::failed);
        QVERIFY(window.startAnalysis(request));
        QVERIFY(failed.wait(kJobTimeoutMs));
        const QString message = failed.front().front().toString();
        QVERIFY2(message.contains("broken.pt"), qPrintable(message));
        QVERIFY(!message.contains('\n'));
        QCOMPARE(window.findChildren<QMessageBox*>("errorDialog").size(), 1);
        closeErrorDialogs(&window);
        QVERIFY(window.isShowingStartPage()); // nothing was open, nothing is
        // A model that rejects the data's shape fails the same way (a LibTorch error, not an InputError of ours).
        pipeline::AnalysisRequest wrongShape = tinyCnnRequest(100, 0);
        wrongShape.model.inputShape = {3, 32, 32};
        QVERIFY(window.startAnalysis(wrongShape));
        QVERIFY(failed.wait(kJobTimeoutMs));
        closeErrorDialogs(&window);
        QVERIFY(!window.jobRunner()->isRunning());
    }
};

CODESCOPE_GUI_TEST(AnalysisJobTest)
#include "test_analysis_job.moc"
