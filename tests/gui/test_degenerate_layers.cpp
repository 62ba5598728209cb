// Degenerate layers are results in every view: a layer without alpha (dead, collapsed, ...) is a gap with its reason
// in alpha against depth and the coding plot over alpha, the kind of its status in the layer table, a note in the
// spectrum view, and named with its kind on the report's captions; a sweep's runs left out are named there too.
#include <QDir>
#include <QTest>
#include <QTreeWidget>
#include <cmath>
#include <limits>

#include "app/figures/analysis_file.h"
#include "app/figures/analysis_session.h"
#include "app/figures/analysis_view_models.h"
#include "app/gui/analysis_views.h"
#include "app/gui/layer_list_panel.h"
#include "app/figures/report_pages.h"
#include "app/figures/sweep_loader.h"
#include "tests/gui/gui_test_registry.h"
#include "widgets/charts/spectrum_view.h"

using namespace codescope;
using namespace codescope::gui;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char* const kDead = "dead: every kept unit is 0 for every sample (64 units)";
const char* const kCollapsed = "collapsed: 6 of 128 eigenvalues above round-off, the fit range needs 50";

/// What the core makes of a layer without an exponent: its status, alpha and its interval NaN.
void makeDegenerate(results::LayerSpectrum& layer, const char* status, bool zeroSpectrum) {
    spectrum::SpectrumResult& r = layer.spectrum;
    r.status = status;
    r.alpha = r.alphaCiLo = r.alphaCiHi = r.intercept = r.alphaRSquared = kNaN;
    if (zeroSpectrum) r.eigenvalues.setZero();
}

/// small_analysis.json (conv1.relu, conv2.relu, fc1.relu, fc2) with conv2.relu dead and fc1.relu collapsed.
Analysis degenerateAnalysis() {
    AnalysisReadResult read = readAnalysisFile(QDir(guitest::testDataDir()).filePath("small_analysis.json"));
    if (!read.ok()) qFatal("%s", qPrintable(read.error.message()));
    Analysis analysis = std::move(*read.analysis);
    makeDegenerate(analysis.layers[1], kDead, true);
    makeDegenerate(analysis.layers[2], kCollapsed, false);
    return analysis;
}

const widgets::ReportPage* pageWith(const std::vector<widgets::ReportPage>& pages, const QString& captionPart) {
    for (const widgets::ReportPage& page : pages)
        if (page.caption.contains(captionPart)) return &page;
    return nullptr;
}

} // namespace

class DegenerateLayersTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void alphaByDepthHasAMarkedGapWithTheReason() {
        const widgets::RunPlotSeries run = alphaDepthSeriesOf(degenerateAnalysis(), "run");
        QCOMPARE(run.points.size(), std::size_t(4)); // every layer is there, the degenerate ones as gaps
        QVERIFY(widgets::hasValue(run.points[0]));
        QVERIFY(!widgets::hasValue(run.points[1]));
        QVERIFY(std::isnan(run.points[1].y));
        QCOMPARE(run.points[1].x, 3.0); // marked at its depth
        QCOMPARE(run.points[1].missing, QString::fromUtf8(kDead));
        QVERIFY(!widgets::hasInterval(run.points[1]));
        QCOMPARE(run.points[2].missing, QString::fromUtf8(kCollapsed));
        // The line breaks at them: conv1.relu alone, then fc2.
        const std::vector<QList<QPointF>> pieces = widgets::lineSegments(run);
        QCOMPARE(pieces.size(), std::size_t(2));
        QCOMPARE(pieces[0].size(), 1);
        QCOMPARE(pieces[1].size(), 1);
        QCOMPARE(pieces[1][0].y(), -1.55);

        const std::vector<widgets::SpectrumSeries> spectra = spectrumSeriesOf(degenerateAnalysis());
        QCOMPARE(spectra[1].status, QString::fromUtf8(kDead));
        QVERIFY(!widgets::hasDrawableSpectrum(spectra[1]));
        QVERIFY(widgets::hasDrawableSpectrum(spectra[2])); // collapsed: a spectrum, no fit
        QCOMPARE(spectra[2].fitLo, 0);
        QVERIFY(spectra[0].status.isEmpty());
    }

    void actionAgainstAlphaMarksTheLayerWithoutAlpha() {
        SweepReadResult read = readSweep(QDir(guitest::testDataDir()).filePath("sweep"));
        QVERIFY2(read.ok(), qPrintable(read.error));
        Analysis analysis = read.runs.front().analysis;
        QVERIFY(analysis.layers.size() >= 3 && analysis.layers[1].coding);
        makeDegenerate(analysis.layers[1], kDead, true);
        const QString name = QString::fromStdString(analysis.layers[1].layer.name);

        const widgets::RunPlotSeries byAlpha = codingSeriesOf(analysis, CodingPlot::ActionByAlpha, "run");
        const auto dead = std::find_if(byAlpha.points.begin(), byAlpha.points.end(),
                                       [&](const widgets::RunPlotPoint& p) { return p.layerName == name; });
        QVERIFY(dead != byAlpha.points.end());
        QVERIFY(std::isnan(dead->x));                             // x is alpha: it has none
        QCOMPARE(dead->y, analysis.layers[1].coding->actionMean); // its action was measured
        QCOMPARE(dead->missing, QString::fromUtf8(kDead));
        // The plots that do not use alpha keep the layer as a point.
        const widgets::RunPlotSeries byDepth = codingSeriesOf(analysis, CodingPlot::ActionByDepth, "run");
        QCOMPARE(byDepth.points.size(), analysis.layers.size());
        for (const widgets::RunPlotPoint& p : byDepth.points)
            QVERIFY(widgets::hasValue(p));
    }

    void theLayerTableShowsTheKindWithTheReasonAsTooltip() {
        AnalysisSession session;
        LayerListPanel panel(&session);
        session.setAnalysis(degenerateAnalysis());
        QTreeWidget* tree = panel.tree();
        QCOMPARE(tree->topLevelItemCount(), 4);
        QCOMPARE(tree->topLevelItem(0)->text(3), QStringLiteral("-0.720"));
        QCOMPARE(tree->topLevelItem(1)->text(3), QStringLiteral("dead"));
        QCOMPARE(tree->topLevelItem(2)->text(3), QStringLiteral("collapsed"));
        QVERIFY2(tree->topLevelItem(1)->toolTip(3).contains(QString::fromUtf8(kDead)),
                 qPrintable(tree->topLevelItem(1)->toolTip(3)));
        QVERIFY(tree->topLevelItem(1)->toolTip(1).contains(QString::fromUtf8(kDead))); // the row's tooltip too
        QCOMPARE(tree->topLevelItem(1)->text(4), QStringLiteral("—"));
        QVERIFY(tree->topLevelItem(1)->font(3).italic());
    }

    void theViewsAndTheReportNameTheLayersWithoutAlpha() {
        AnalysisSession session;
        AnalysisViews views(&session);
        views.resize(1000, 700);
        session.setAnalysis(degenerateAnalysis());
        QVERIFY2(views.spectrumView()->noteText().contains("conv2.relu: no spectrum to draw (dead"),
                 qPrintable(views.spectrumView()->noteText()));
        session.setSelectedLayers({"fc1.relu"});
        QVERIFY(views.spectrumView()->noteText().contains("fc1.relu: no power-law fit (collapsed"));

        const ReportPages report(session, views.reportSources());
        const widgets::ReportPage* alphaPage = pageWith(report.pages(), "Exponent α of each layer");
        QVERIFY(alphaPage);
        QVERIFY2(alphaPage->caption.contains("2 of 4 layers have no α: conv2.relu (dead), fc1.relu (collapsed)"),
                 qPrintable(alphaPage->caption));
        const widgets::ReportPage* spectrumPage = pageWith(report.pages(), "Eigenvalues of the activation covariance");
        QVERIFY(spectrumPage);
        QVERIFY(spectrumPage->caption.contains("conv2.relu (dead)"));
        QVERIFY(layersWithoutAlphaText(degenerateAnalysis(), 1).contains("conv2.relu (dead), 1 more"));
    }

    void aSweepReportNamesTheRunsLeftOut() {
        AnalysisSession session;
        AnalysisViews views(&session);
        views.resize(1000, 700);
        SweepReadResult read = readSweep(QDir(guitest::testDataDir()).filePath("sweep"));
        QVERIFY2(read.ok(), qPrintable(read.error));
        QVERIFY(read.skipped.isEmpty());
        makeDegenerate(read.runs.back().analysis.layers[1], kDead, true);
        const QString dead = QString::fromStdString(read.runs.back().analysis.layers[1].layer.name);
        session.setSweep(std::move(read.runs), read.folder, 0,
                         {"dropout-0.3: no analysis yet", "dropout-0.9: cannot be analysed: no manifest.json"});
        QCOMPARE(session.sweepSkipped().size(), 2);

        const ReportPages report(session, views.reportSources());
        QVERIFY2(report.title().contains("2 of 4 runs"), qPrintable(report.title()));
        const widgets::ReportPage* alphaPage = pageWith(report.pages(), "Exponent α of each layer");
        QVERIFY(alphaPage);
        QVERIFY2(alphaPage->caption.contains("Left out: dropout-0.3: no analysis yet; dropout-0.9: cannot be analysed"),
                 qPrintable(alphaPage->caption));
        QVERIFY2(alphaPage->caption.contains(QStringLiteral("dropout-0.6: 1 of")) &&
                     alphaPage->caption.contains(dead + " (dead)"),
                 qPrintable(alphaPage->caption));
        // The high-dropout run's own spectrum page names its dead layer; the other run's does not.
        const widgets::ReportPage* highRun = pageWith(report.pages(), "dropout-0.6, dropout 0.6.");
        QVERIFY(highRun);
        QVERIFY(highRun->caption.contains(dead + " (dead)"));
        QVERIFY(!pageWith(report.pages(), "dropout-0, dropout 0.")->caption.contains("no α"));

        // A single analysis afterwards has no runs left out.
        session.setAnalysis(degenerateAnalysis());
        QVERIFY(session.sweepSkipped().isEmpty());
    }
};

CODESCOPE_GUI_TEST(DegenerateLayersTest)
#include "test_degenerate_layers.moc"
