// The report's page list: after the views' figures, the eigenfilter gallery where one was computed, the 3-D
// projection curves where the selected layers have them and OpenGL can draw them, and the paper checks. This runs
// offscreen, without OpenGL, as `codescope-cli report` does: there the 3-D page is left out (ProjectionView3DTest, on a
// display, checks the page with its picture).
#include <QDir>
#include <QLabel>
#include <QTest>
#include <QTreeWidget>
#include <cmath>

#include "app/figures/analysis_session.h"
#include "app/gui/analysis_views.h"
#include "app/gui/eigenfilter_pane.h"
#include "app/figures/paper_checks_pane.h"
#include "app/figures/report_pages.h"
#include "app/figures/sweep_loader.h"
#include "tests/gui/gui_test_registry.h"
#include "tests/gui/pdf_inspection.h"
#include "widgets/gallery/eigenfilter_gallery.h"
#include "widgets/projection3d/vtk_opengl_widget.h"

using namespace codescope;
using namespace codescope::gui;

namespace {

const widgets::ReportPage* pageWith(const ReportPages& report, const QString& captionPart) {
    for (const widgets::ReportPage& page : report.pages())
        if (page.caption.contains(captionPart)) return &page;
    return nullptr;
}

} // namespace

class ReportPagesTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void includesTheGalleryAndTheProjectionCurvesWhereTheyExist() {
        AnalysisSession session;
        AnalysisViews views(&session);
        views.resize(1000, 700);
        SweepReadResult read = readSweep(QDir(guitest::testDataDir()).filePath("sweep"));
        QVERIFY2(read.ok(), qPrintable(read.error));
        session.setSweep(std::move(read.runs), read.folder);

        // No curves selected, no filters computed: neither page.
        session.setSelectedLayers({});
        const std::size_t plain = ReportPages(session, views.reportSources()).pages().size();
        {
            const ReportPages report(session, views.reportSources());
            QVERIFY(!pageWith(report, "Fig. 3d"));
            QVERIFY(!pageWith(report, "Fig. 4b"));
        }

        // A layer with kept curves (the fixture keeps none: three projections of a circle are added), and a gallery
        // of two filters.
        Analysis analysis = session.analysis();
        QVERIFY(analysis.layers.front().coding);
        Eigen::MatrixXd circle(24, 3);
        for (Eigen::Index t = 0; t < circle.rows(); ++t)
            circle.row(t) << std::cos(0.26 * t), std::sin(0.26 * t), 0.1 * t;
        analysis.layers.front().coding->curves = circle;
        session.setAnalysis(std::move(analysis)); // a single analysis now
        const QString withCurves = QString::fromStdString(session.analysis().layers.front().layer.name);
        session.setSelectedLayers({});
        const std::size_t plainSingle = ReportPages(session, views.reportSources()).pages().size();
        session.setSelectedLayers({withCurves});
        widgets::GalleryImage image;
        image.height = image.width = 4;
        image.values.assign(16, 0.5);
        image.title = "PC 1";
        views.eigenfilterPane()->gallery()->setImages({image, image}, "Eigenfilters of a test layer");

        const ReportPages report(session, views.reportSources());
        QVERIFY(!widgets::VtkOpenGLWidget::openGLAvailable()); // offscreen
        QCOMPARE(report.pages().size(), plainSingle + 1);      // the gallery; no 3-D page without OpenGL
        QVERIFY(plain > plainSingle);                          // the sweep's per-run spectra
        const widgets::ReportPage* gallery = pageWith(report, "Fig. 3d");
        QVERIFY(gallery);
        QCOMPARE(gallery, &report.pages()[report.pages().size() - 2]); // the paper checks close the report
        auto* galleryFigure = qobject_cast<widgets::EigenfilterGallery*>(gallery->figure);
        QVERIFY(galleryFigure);
        QCOMPARE(galleryFigure->tileCount(), 2);
        QVERIFY(gallery->caption.contains("Eigenfilters of a test layer"));
        QCOMPARE(gallery->title, QStringLiteral("Figure %1").arg(report.pages().size() - 1));
        QVERIFY(!pageWith(report, "Fig. 4b"));

        // And the PDF has every page.
        const QString pdf = QDir(guitest::artifactsDir()).filePath("report_with_gallery_and_curves.pdf");
        const widgets::ExportResult result = widgets::exportReportPdf(report.title(), report.pages(), pdf);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(guitest::pdfPageCount(pdf), static_cast<int>(report.pages().size()));
        guitest::renderPdfPage(pdf, static_cast<int>(report.pages().size()) - 1,
                               QDir(guitest::artifactsDir()).filePath("report_gallery_page.png"), 60);
    }

    // The sweep's paper checks: the tab's read-only table (claims with their runs and layers below) and the report's
    // last page, which the PDF keeps as text.
    void carryThePaperChecksInTheTabAndTheReport() {
        AnalysisSession session;
        AnalysisViews views(&session);
        views.resize(1000, 700);
        SweepReadResult read = readSweep(QDir(guitest::testDataDir()).filePath("sweep"));
        QVERIFY2(read.ok(), qPrintable(read.error));
        session.setSweep(std::move(read.runs), read.folder);

        const QTreeWidget* table = views.paperChecksPane()->table();
        QCOMPARE(views.tabText(views.indexOf(views.paperChecksPane())), QStringLiteral("Paper checks"));
        QCOMPARE(table->topLevelItemCount(), 9);
        QCOMPARE(table->editTriggers(), QAbstractItemView::NoEditTriggers);
        const QTreeWidgetItem* depth = table->topLevelItem(1);
        QCOMPARE(depth->data(0, Qt::UserRole).toString(), QStringLiteral("alpha-falls-with-depth"));
        QVERIFY(depth->text(0).contains("(Fig. 3c, 6b)"));
        QVERIFY(depth->text(3).contains("Spearman"));
        QCOMPARE(depth->childCount(), 2); // one row per run of the fixture's two
        QVERIFY(depth->child(0)->text(0).startsWith("run dropout-0"));
        // Two dropout rates: no trend across runs can be told, and the table says why.
        const QTreeWidgetItem* dropout = table->topLevelItem(2);
        QCOMPARE(dropout->text(2), QStringLiteral("cannot tell"));
        QVERIFY2(dropout->text(1).contains("only 2 dropout rates (0, 0.6"), qPrintable(dropout->text(1)));

        const ReportPages report(session, views.reportSources());
        const widgets::ReportPage& last = report.pages().back();
        QCOMPARE(last.title, QStringLiteral("Paper checks"));
        QVERIFY(last.caption.contains("this sweep's 2 runs"));
        auto* page = qobject_cast<QLabel*>(last.figure);
        QVERIFY(page);
        QVERIFY(page->text().contains("alpha falls with the dropout rate, layer by layer"));
        const QString pdf = QDir(guitest::artifactsDir()).filePath("report_paper_checks.pdf");
        const widgets::ExportResult result = widgets::exportReportPdf(report.title(), report.pages(), pdf);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QVERIFY(guitest::pdfText(pdf).contains("Paper checks"));
        guitest::renderPdfPage(pdf, static_cast<int>(report.pages().size()), // 1-based: the last
                               QDir(guitest::artifactsDir()).filePath("report_paper_checks_page.png"), 60);

        // One analysis: the claims one run can test, in the tab as in the report.
        Analysis analysis = session.analysis();
        session.setAnalysis(std::move(analysis));
        QCOMPARE(table->topLevelItemCount(), 6);
        QVERIFY(
            ReportPages(session, views.reportSources()).pages().back().caption.contains("the claims one run can test"));
    }
};

CODESCOPE_GUI_TEST(ReportPagesTest)
#include "test_report_pages.moc"
