// The eigenfilter gallery (paper Fig. 3d): how a filter becomes pixels (symmetric grey scale, nearest-neighbour
// zoom), zoom and click-to-enlarge, and the app end to end: analyse the tiny CNN, compute one layer's eigenfilters on
// the worker, see them as tiles, and find them again at once when the layer is selected again.
#include <QDialog>
#include <QDir>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>
#include <cmath>

#include "app/gui/analysis_job.h"
#include "app/gui/analysis_job_runner.h"
#include "app/figures/analysis_session.h"
#include "app/gui/analysis_views.h"
#include "app/gui/eigenfilter_pane.h"
#include "app/gui/job_panel.h"
#include "app/gui/main_window.h"
#include "tests/gui/gui_test_registry.h"
#include "tests/gui/open_analysis.h"
#include "widgets/gallery/eigenfilter_gallery.h"

using namespace codescope;
using namespace codescope::gui;
using widgets::EigenfilterGallery;
using widgets::GalleryImage;

namespace {

constexpr int kJobTimeoutMs = 240000;

/// 2 x 2, one channel: 0, +max, -max, max/2 (row-major).
GalleryImage checkerImage(const QString& title) {
    return {title, 1, 2, 2, {0.0, 2.0, -2.0, 1.0}};
}

/// A 28 x 28 ramp from -1 (left) to +1 (right), scaled by `gain`, and in three channels if `rgb`.
GalleryImage rampImage(const QString& title, double gain, bool rgb) {
    GalleryImage image{title, rgb ? 3 : 1, 28, 28, {}};
    for (int c = 0; c < image.channels; ++c)
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x)
                image.values.push_back(gain * (c == 1 ? -1 : 1) * (x - 13.5) / 13.5 * (1 + 0.1 * std::sin(y)));
    return image;
}

int grey(const QImage& image, int x, int y) {
    return qGray(image.pixel(x, y));
}

} // namespace

class EigenfilterGalleryTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void zeroIsGreyAndTheScaleIsSymmetric() {
        const QImage picture = widgets::galleryImageToQImage(checkerImage("a"));
        QCOMPARE(picture.size(), QSize(2, 2));
        QCOMPARE(picture.pixel(0, 0), qRgb(128, 128, 128));
        QCOMPARE(picture.pixel(1, 0), qRgb(255, 255, 255));
        QCOMPARE(picture.pixel(0, 1), qRgb(0, 0, 0));
        QCOMPARE(grey(picture, 1, 1), 191); // 127.5 + 127.5 / 2
        // The scale is per image: the same pattern ten times larger draws the same.
        GalleryImage larger = checkerImage("b");
        for (double& v : larger.values)
            v *= 10;
        QCOMPARE(widgets::galleryImageToQImage(larger), picture);
        // All zero: mid-grey, not a division by zero.
        const QImage zero = widgets::galleryImageToQImage({"z", 1, 1, 3, {0, 0, 0}});
        QCOMPARE(zero.pixel(2, 0), qRgb(128, 128, 128));
    }

    void threeChannelsAreScaledAroundMidGrey() {
        const QImage picture = widgets::galleryImageToQImage({"rgb", 3, 1, 1, {4.0, 0.0, -4.0}});
        QCOMPARE(picture.pixel(0, 0), qRgb(255, 128, 0));
    }

    void tilesAreUpscaledByNearestNeighbourAndZoomChangesTheirSize() {
        EigenfilterGallery gallery;
        gallery.setImages({checkerImage("PC 1, λ = 2"), checkerImage("PC 2, λ = 1")}, "two checkers");
        QCOMPARE(gallery.tileCount(), 2);
        QCOMPARE(gallery.caption(), QStringLiteral("two checkers"));
        gallery.setTileSize(48);
        QCOMPARE(gallery.tileSize(), 48);
        QImage tile = gallery.tileImage(0);
        QCOMPARE(tile.size(), QSize(48, 48));
        QCOMPARE(grey(tile, 23, 0), 128); // the top-left source pixel covers 0..23
        QCOMPARE(grey(tile, 24, 0), 255); // and the next one starts sharply, no interpolation
        QCOMPARE(grey(tile, 0, 24), 0);
        QCOMPARE(grey(tile, 47, 47), 191);
        QCOMPARE(gallery.tileRect(0).size(), QSize(48, 48));

        QSignalSpy zoomed(&gallery, &EigenfilterGallery::tileSizeChanged);
        gallery.zoomSlider()->setValue(200);
        QCOMPARE(zoomed.count(), 1);
        QCOMPARE(gallery.tileSize(), 200);
        QCOMPARE(gallery.tileImage(1).size(), QSize(200, 200));
        QCOMPARE(gallery.tileRect(1).size(), QSize(200, 200));
        gallery.setTileSize(1000);
        QCOMPARE(gallery.tileSize(), EigenfilterGallery::kMaxTileSize);
        QCOMPARE(gallery.zoomSlider()->value(), EigenfilterGallery::kMaxTileSize);
        gallery.setTileSize(1);
        QCOMPARE(gallery.tileSize(), EigenfilterGallery::kMinTileSize);
        QVERIFY(gallery.tileImage(2).isNull());
        QVERIFY(gallery.tileRect(-1).isEmpty());

        // A wide image keeps its aspect: the longer side is the tile size.
        gallery.setImages({{"wide", 1, 1, 4, {1, -1, 1, -1}}}, "wide");
        gallery.setTileSize(64);
        QCOMPARE(gallery.tileImage(0).size(), QSize(64, 16));
    }

    void clickingATileOpensItEnlarged() {
        EigenfilterGallery gallery;
        gallery.resize(900, 600);
        std::vector<GalleryImage> images;
        for (int k = 0; k < 12; ++k)
            images.push_back(rampImage(QStringLiteral("PC %1, λ = %2").arg(k + 1).arg(1.0 / (k + 1), 0, 'g', 3),
                                       1.0 / (k + 1), k % 4 == 3));
        gallery.setImages(images, "Twelve ramps, every fourth in colour");
        gallery.show();
        QVERIFY(QTest::qWaitForWindowExposed(&gallery));
        gallery.setTileSize(96);
        QVERIFY(!gallery.enlargedDialog());
        // Tiles wrap into rows that fit the width.
        QVERIFY(gallery.tileRect(11).top() > gallery.tileRect(0).top());
        QVERIFY(gallery.grab().save(QDir(guitest::artifactsDir()).filePath("eigenfilter_gallery.png")));

        QTest::mouseClick(gallery.tileArea(), Qt::LeftButton, {}, gallery.tileRect(1).center());
        QDialog* dialog = gallery.enlargedDialog();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(gallery.enlargedIndex(), 1);
        QVERIFY(dialog->windowTitle().startsWith("PC 2,"));
        auto* picture = dialog->findChild<QLabel*>("enlargedPicture");
        QVERIFY(picture);
        QCOMPARE(picture->pixmap().size(), QSize(512, 512));
        QVERIFY(dialog->grab().save(QDir(guitest::artifactsDir()).filePath("eigenfilter_enlarged.png")));
        // A click between tiles does nothing; a click on another tile shows that one in the same view.
        QTest::mouseClick(gallery.tileArea(), Qt::LeftButton, {}, gallery.tileRect(0).topLeft() - QPoint(3, 3));
        QCOMPARE(gallery.enlargedIndex(), 1);
        gallery.openEnlarged(3);
        QCOMPARE(gallery.enlargedDialog(), dialog);
        QVERIFY(dialog->windowTitle().startsWith("PC 4,"));
        // New images close it.
        gallery.setImages({}, "empty");
        QTRY_VERIFY(!gallery.enlargedDialog());
        QCOMPARE(gallery.tileCount(), 0);
    }

    void theAppComputesALayersEigenfiltersInTheBackground() {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        EigenfilterPane* pane = window.views()->eigenfilterPane();
        QVERIFY(pane);
        QVERIFY(!pane->computeButton()->isEnabled()); // nothing open

        // An analysis read from JSON does not say how to reopen its model: the button says so.
        QVERIFY(guitest::openAnalysisAndWait(window, QDir(guitest::testDataDir()).filePath("small_analysis.json")));
        QVERIFY(!pane->computeButton()->isEnabled());
        QVERIFY(pane->computeButton()->toolTip().contains("reopen"));

        pipeline::AnalysisRequest request;
        request.model.path = QDir(guitest::testDataDir()).filePath("tiny_cnn.pt").toStdString();
        request.model.inputShape = {1, 28, 28};
        request.data = pipeline::dataRequestFromSpec("fashion-mnist");
        request.samples = 300;
        request.spectrum.bootstrapResamples = 0;
        AnalysisJobRunner* jobs = window.jobRunner();
        QSignalSpy analysed(jobs, &AnalysisJobRunner::finished);
        QVERIFY(window.startAnalysis(request));
        QVERIFY(!pane->computeButton()->isEnabled()); // a job is running
        QVERIFY(analysed.wait(kJobTimeoutMs));
        const Analysis& analysis = window.session()->analysis();
        // The analysis records the request it ran: the dialog's settings reach the result through one type.
        QVERIFY(analysis.request.has_value());
        QCOMPARE(analysis.request->model.path, request.model.path);
        QCOMPARE(pipeline::dataSpecText(analysis.request->data), std::string("fashion-mnist"));
        QCOMPARE(analysis.request->model.inputShape, (std::vector<std::int64_t>{1, 28, 28}));
        QCOMPARE(analysis.request->samples, std::int64_t(300));

        window.session()->setSelectedLayers({"relu2"});
        window.views()->setCurrentWidget(pane);
        QCOMPARE(window.views()->currentFigureName(), QStringLiteral("eigenfilters"));
        QCOMPARE(pane->currentLayer(), QStringLiteral("relu2"));
        QVERIFY2(pane->computeButton()->isEnabled(), qPrintable(pane->computeButton()->toolTip()));
        pane->componentsBox()->setValue(8);
        QSignalSpy computed(jobs, &AnalysisJobRunner::eigenfiltersFinished);
        QSignalSpy failed(jobs, &AnalysisJobRunner::failed);
        QTest::mouseClick(pane->computeButton(), Qt::LeftButton);
        QVERIFY(jobs->isRunning());
        QVERIFY(window.jobPanel()->isVisible());
        QVERIFY2(computed.wait(kJobTimeoutMs) || !failed.isEmpty(), "the job neither finished nor failed in time");
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        const auto result = computed.front().front().value<EigenfilterResult>();
        QCOMPARE(result.layer, std::string("relu2"));
        QCOMPARE(result.samples, std::int64_t(300));
        QCOMPARE((std::vector<int>{result.channels, result.height, result.width}), (std::vector<int>{1, 28, 28}));
        QCOMPARE(result.filters.size(), std::size_t(8));
        QCOMPARE(result.resolvedComponents, 8);
        for (std::size_t k = 1; k < result.eigenvalues.size(); ++k)
            QVERIFY(result.eigenvalues[k] <= result.eigenvalues[k - 1]);
        QCOMPARE(window.jobPanel()->progressBar()->value(), window.jobPanel()->progressBar()->maximum());

        widgets::EigenfilterGallery* gallery = pane->gallery();
        QCOMPARE(gallery->tileCount(), 8);
        QVERIFY(gallery->images().front().title.startsWith("PC 1, λ = "));
        QCOMPARE(gallery->tileImage(0).size(), QSize(gallery->tileSize(), gallery->tileSize()));
        QVERIFY(gallery->caption().contains("relu2"));
        QVERIFY(pane->computeButton()->isEnabled());
        QCoreApplication::processEvents(); // the caption's new height is laid out from the event loop
        QVERIFY(window.grab().save(QDir(guitest::artifactsDir()).filePath("window_tiny_cnn_eigenfilters.png")));

        // Another layer has none yet; going back shows the cached ones at once, with no job.
        window.session()->setSelectedLayers({"relu1"});
        QCOMPARE(gallery->tileCount(), 0);
        QVERIFY(!pane->hasCached("relu1"));
        window.session()->setSelectedLayers({"relu2"});
        QVERIFY(!jobs->isRunning());
        QCOMPARE(gallery->tileCount(), 8);

        // A layer the model lacks fails with the error dialog, and the app stays usable.
        QVERIFY(jobs->startEigenfilters(analysis, "no_such_layer", 4));
        QVERIFY(failed.wait(kJobTimeoutMs));
        QTRY_COMPARE(window.findChildren<QMessageBox*>("errorDialog").size(), 1);
        for (QMessageBox* box : window.findChildren<QMessageBox*>("errorDialog"))
            box->accept();
        QVERIFY(!jobs->isRunning());
        QCOMPARE(gallery->tileCount(), 8);
    }
};

CODESCOPE_GUI_TEST(EigenfilterGalleryTest)
#include "test_eigenfilter_gallery.moc"
