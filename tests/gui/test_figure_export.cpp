// Figures out of the widgets: vector PDF (one page, text as text, no raster images), PNG at a chosen DPI, the
// multi-page report, and atomic writes that never leave a broken or half-written file.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "tests/gui/gui_test_registry.h"
#include "tests/gui/pdf_inspection.h"
#include "widgets/charts/alpha_depth_view.h"
#include "widgets/charts/spectrum_view.h"
#include "widgets/export/figure_export.h"

using namespace codescope::widgets;
using namespace codescope::guitest;

namespace {

std::vector<SpectrumSeries> threeLayers() {
    std::vector<SpectrumSeries> all;
    for (int depth = 0; depth < 3; ++depth) {
        SpectrumSeries s;
        s.layerName = QStringLiteral("layer%1").arg(depth);
        s.depth = depth;
        s.alpha = -0.8 - 0.3 * depth;
        s.fitLo = 10;
        s.fitHi = 50;
        for (int k = 1; k <= 300; ++k)
            s.eigenvalues.push_back(std::pow(k, s.alpha));
        all.push_back(s);
    }
    return all;
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class FigureExportTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void spectrumPdfIsOneVectorPage() {
        SpectrumView view;
        view.setSeries(threeLayers());
        view.setSelectedLayers({"layer1"});
        view.resize(900, 620);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QString path = m_dir.filePath("spectrum.pdf");
        const ExportResult result = exportFigurePdf(&view, path);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QVERIFY(hasPdfHeader(path));
        QCOMPARE(pdfPageCount(path), 1);
        QVERIFY2(!pdfHasImages(path), "the chart must be drawn as vectors, not pasted as a picture");
        const QString text = pdfText(path);
        if (!text.isEmpty()) { // pdftotext installed: axis titles and legend are real text
            QVERIFY2(text.contains("principal component"), qPrintable(text));
            QVERIFY(text.contains("layer2"));
        }
        QCOMPARE(QDir(m_dir.path()).entryList({"spectrum.pdf*"}, QDir::Files | QDir::Hidden).size(), 1); // no temp file
        QFile::copy(path, QDir(codescope::guitest::artifactsDir()).filePath("export_spectrum.pdf"));
    }

    void pngHasTheRequestedResolution() {
        AlphaDepthView view;
        RunPlotSeries run;
        run.runLabel = "r";
        run.points = {{1, "a", -0.8, -0.9, -0.7}, {2, "b", -1.1, -1.2, -1.0}};
        view.setSeries({run});
        view.resize(800, 520);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QSizeF logical = figureSize(&view);
        const QString path = m_dir.filePath("alpha.png");
        const ExportResult result = exportFigurePng(&view, path, 192);
        QVERIFY2(result.ok(), qPrintable(result.error));
        const QImage image(path);
        QVERIFY(!image.isNull());
        QCOMPARE(image.width(), qRound(logical.width() * 2)); // 192 dpi = twice the 96-dpi logical size
        QCOMPARE(image.height(), qRound(logical.height() * 2));
        QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), 192);
        QCOMPARE(image.pixelColor(2, 2), QColor(Qt::white));
        QVERIFY(!exportFigurePng(&view, path, 5).ok()); // out-of-range resolution is refused
    }

    void hiddenFigureExportsAtADefaultSize() {
        SpectrumView view; // never shown, e.g. a tab that was never opened
        view.setSeries(threeLayers());
        QCOMPARE(figureSize(&view), QSizeF(900, 600));
        const QString path = m_dir.filePath("hidden.png");
        QVERIFY(exportFigurePng(&view, path, 96).ok());
        QCOMPARE(QImage(path).size(), QSize(900, 600));
    }

    void reportHasOnePagePerFigure() {
        SpectrumView spectrum;
        spectrum.setSeries(threeLayers());
        AlphaDepthView alpha;
        RunPlotSeries run;
        run.runLabel = "r";
        run.points = {{1, "a", -0.8, -0.9, -0.7}};
        alpha.setSeries({run});
        QLabel plain("a plain widget, painted through QWidget::render");
        const QString path = m_dir.filePath("report.pdf");
        const ExportResult result = exportReportPdf(
            "Test report",
            {{&spectrum, "Spectrum", "Caption one."}, {&alpha, "Alpha", "Caption two."}, {&plain, "Plain", ""}}, path);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QVERIFY(hasPdfHeader(path));
        QCOMPARE(pdfPageCount(path), 3);
        const QString text = pdfText(path);
        if (!text.isEmpty()) {
            QVERIFY(text.contains("Caption two."));
            QVERIFY(text.contains("page 3 of 3"));
        }
        QVERIFY(!exportReportPdf("empty", {}, m_dir.filePath("empty.pdf")).ok());
        QVERIFY(!QFile::exists(m_dir.filePath("empty.pdf")));
    }

    void failedExportKeepsTheOldFileAndLeavesNoLitter() {
        SpectrumView view;
        view.setSeries(threeLayers());
        // Into a folder that does not exist: an error naming the path, nothing written.
        const QString missing = m_dir.filePath("no/such/folder/figure.pdf");
        const ExportResult noFolder = exportFigurePdf(&view, missing);
        QVERIFY(!noFolder.ok());
        QVERIFY2(noFolder.error.contains("figure.pdf"), qPrintable(noFolder.error));
        // Onto a folder's name: refused.
        QDir(m_dir.path()).mkdir("taken.pdf");
        QVERIFY(!exportFigurePdf(&view, m_dir.filePath("taken.pdf")).ok());
        // A failed PNG export (bad resolution) leaves the previous file as it was.
        const QString previous = m_dir.filePath("previous.png");
        {
            QFile file(previous);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("previous contents");
        }
        QVERIFY(!exportFigurePng(&view, previous, 100000).ok());
        QCOMPARE(readAll(previous), QByteArray("previous contents"));
        // A null figure is an error, not a crash.
        QVERIFY(!exportFigurePdf(nullptr, m_dir.filePath("null.pdf")).ok());
        QVERIFY(!QFile::exists(m_dir.filePath("null.pdf")));
    }

private:
    QTemporaryDir m_dir;
};

CODESCOPE_GUI_TEST(FigureExportTest)
#include "test_figure_export.moc"
