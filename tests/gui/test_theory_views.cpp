// The Theory tabs: what their charts are given (eq. 1's curves with the toy models' points, MINE's bits per layer),
// and that the computed series come from a background job that can be cancelled (waiting on signals only).
#include <QChart>
#include <QComboBox>
#include <QLineSeries>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTest>
#include <cmath>

#include "app/figures/analysis_session.h"
#include "app/gui/analysis_views.h"
#include "app/gui/theory_compute_pane.h"
#include "app/figures/theory_view_models.h"
#include "tests/gui/gui_test_registry.h"
#include "widgets/charts/alpha_depth_view.h"

using namespace codescope;
using namespace codescope::gui;

class TheoryViewsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void toyModelsArePointsAtTheirSparsity() {
        theory::ToySuperpositionResult result;
        result.options.features = 20;
        result.options.hidden = 5;
        for (double s : {0.0, 0.9}) {
            theory::ToySparsityResult row;
            row.sparsity = s;
            row.dimensionsPerFeature = s == 0.0 ? 1.0 : 0.3;
            row.representedFeatures = s == 0.0 ? 5 : 17;
            result.rows.push_back(row);
        }
        const widgets::RunPlotSeries series = toySuperpositionSeries(result, 3.0);
        QVERIFY(series.pointsOnly);
        QCOMPARE(series.dropout, 3.0);
        QCOMPARE(series.points.size(), std::size_t(2));
        QCOMPARE(series.points[1].x, 0.9);
        QCOMPARE(series.points[1].y, 0.3);
        QVERIFY(series.points[1].layerName.contains("17 of 20"));
    }

    void pointsOnlySeriesAreDrawnAsAScatter() {
        widgets::AlphaDepthView view;
        view.setAxes(compressionAxes());
        std::vector<widgets::RunPlotSeries> series = compressionSeries({8, 32});
        widgets::RunPlotSeries toy;
        toy.runLabel = "toy";
        toy.pointsOnly = true;
        toy.dropout = 3;
        toy.points = {{0.5, "a", 0.6}, {0.1, "b", 0.95}};
        series.push_back(toy);
        view.setSeries(series);
        QCOMPARE(view.runPoints().size(), series.size());
        QCOMPARE(view.runLines().size(), series.size());
        QVERIFY(!view.runPoints()[0]); // eq. 1's curves stay lines, without a marker per sample
        QVERIFY(!view.runLines()[0]->pointsVisible());
        QScatterSeries* points = view.runPoints().back();
        QVERIFY(points);
        QCOMPARE(points->count(), 2);
        QCOMPARE(points->at(0), QPointF(0.1, 0.95)); // sorted by x like every series
        QCOMPARE(points->name(), QStringLiteral("toy"));
        QCOMPARE(view.runLines().back()->pen().style(), Qt::NoPen);
        // The read-out finds a marker.
        view.resize(800, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showReadoutNear(view.chart()->mapToPosition(QPointF(0.5, 0.6), points));
        QVERIFY2(view.readoutText().contains("toy"), qPrintable(view.readoutText()));
    }

    void mineSeriesAreBitsPerLayerByDropout() {
        std::vector<mine::DropoutMlpResult> results(2);
        results[0].options.dropout = 0.1;
        results[0].trainedNats = {std::log(2.0) * 3, std::log(2.0) * 2};
        results[1].options.dropout = 0.5;
        results[1].trainedNats = {std::log(2.0), std::log(2.0) * 0.5};
        const std::vector<widgets::RunPlotSeries> series = mineLayerSeries(results);
        QCOMPARE(series.size(), std::size_t(2));
        QCOMPARE(series[1].dropout, 0.5);
        QCOMPARE(series[0].points[0].x, 1.0);
        QCOMPARE(series[0].points[1].x, 2.0);
        QVERIFY(std::abs(series[0].points[0].y - 3.0) < 1e-12);
        QVERIFY(std::abs(series[1].points[1].y - 0.5) < 1e-12);
        QVERIFY(!series[0].pointsOnly);
        const widgets::RunPlotAxes axes = mineLayerAxes(4);
        QCOMPARE(axes.reference, 4.0);
        QVERIFY(axes.yTitle.contains("bits"));
    }

    void mineComputesOneLinePerDropoutRate() {
        mine::DropoutMlpOptions options = mineLayersGuiOptions();
        options.depth = 2;
        options.width = 8;
        options.trainSteps = 30;
        options.mine.steps = 20;
        options.mine.evaluationSamples = 256;
        double last = -1;
        const std::vector<widgets::RunPlotSeries> series = computeMineLayerSeries(
            options, {0.1, 0.5}, [&last](double f) { last = std::max(last, f); }, nullptr);
        QCOMPARE(series.size(), std::size_t(2));
        QCOMPARE(series[0].points.size(), std::size_t(2));
        QCOMPARE(series[1].dropout, 0.5);
        for (const auto& s : series)
            for (const auto& p : s.points)
                QVERIFY(std::isfinite(p.y));
        QVERIFY(last > 0.9);
    }

    void theRSTabTrainsToyModelsInTheBackground() {
        AnalysisSession session;
        AnalysisViews views(&session);
        TheoryComputePane* pane = views.compressionPane();
        const std::size_t curves = views.compressionView()->series().size();
        QCOMPARE(curves, compressionSeries({8, 32}).size() + 1); // eq. 1's curves and the toy models' floor m/n
        QSignalSpy computed(pane, &TheoryComputePane::computed);
        views.resize(1000, 700);
        views.show();
        QVERIFY(QTest::qWaitForWindowExposed(&views));
        views.setCurrentWidget(pane); // first show starts the job
        QVERIFY(pane->isRunning());
        QVERIFY(!pane->computeButton()->isEnabled());
        QVERIFY(pane->cancelButton()->isEnabled());
        QVERIFY(computed.wait(60000));
        QVERIFY(!pane->isRunning());
        const std::vector<widgets::RunPlotSeries>& given = views.compressionView()->series();
        QCOMPARE(given.size(), curves + 1);
        const widgets::RunPlotSeries& toy = given.back();
        QVERIFY(toy.pointsOnly);
        QCOMPARE(toy.points.size(), toySuperpositionGuiOptions().sparsities.size());
        for (const widgets::RunPlotPoint& p : toy.points)
            QVERIFY(p.y > 0 && std::isfinite(p.y));
        // Dense inputs: about m of n features kept orthogonally, one dimension each (Elhage et al.).
        QVERIFY2(toy.points.front().y > 0.7, qPrintable(QString::number(toy.points.front().y)));
        QVERIFY(views.compressionView()->runPoints().back());
        QVERIFY(pane->computeButton()->isEnabled());
    }

    void toyFloorIsAFlatLineAtMOverNThatSaysWhatItShows() {
        const widgets::RunPlotSeries floor = toySuperpositionFloorSeries(20, 5, 3.0);
        QVERIFY(floor.lineOnly);
        QCOMPARE(floor.dropout, 3.0);
        QCOMPARE(floor.points.size(), std::size_t(2));
        QCOMPARE(floor.points.front().x, 0.0);
        QCOMPARE(floor.points.back().x, 1.0);
        for (const widgets::RunPlotPoint& p : floor.points)
            QCOMPARE(p.y, 0.25);
        QVERIFY2(floor.runLabel.contains("the model's size, not eq. 1"), qPrintable(floor.runLabel));
        QCOMPARE(toySuperpositionFloorSeries(8, 6, 0).points.front().y, 0.75);
        const QString note = toySuperpositionFloorNote(20, 5);
        QVERIFY2(note.contains("m/n = 5/20 = 0.25") && note.contains("points on it show the model's size, not eq. 1"),
                 qPrintable(note));

        // The R(S) tab draws it before any toy model is trained, and its strip says what the line means.
        AnalysisSession session;
        AnalysisViews views(&session);
        const std::vector<widgets::RunPlotSeries>& drawn = views.compressionView()->series();
        QVERIFY(!drawn.empty());
        const widgets::RunPlotSeries& line = drawn.back();
        QVERIFY(line.lineOnly);
        const theory::ToySuperpositionOptions toy = toySuperpositionGuiOptions();
        QCOMPARE(line.points.front().y, static_cast<double>(toy.hidden) / toy.features);
        QVERIFY2(views.compressionPane()->statusText().contains("points on it show the model's size, not eq. 1"),
                 qPrintable(views.compressionPane()->statusText()));
    }

    void minePaperSeriesAreTrainedUntrainedAndEq2InBits() {
        mine::PaperMlpOptions options;
        options.depth = 8;
        mine::PaperMlpResult result;
        result.options = options;
        result.layers = mine::paperLayerPlan(options);
        result.reference = mine::eq2ReferenceLines(options);
        const double ln2 = std::log(2.0);
        for (int l = 0; l < 8; ++l) {
            result.trainedNats.push_back(ln2 * 3.0);
            result.untrainedNats.push_back(ln2 * (8 - l) / 4.0);
        }
        const std::vector<widgets::RunPlotSeries> series = minePaperSeries(result);
        QCOMPARE(series.size(), std::size_t(4));
        QVERIFY(series[0].runLabel.contains("trained"));
        QVERIFY(series[1].runLabel.contains("untrained"));
        QVERIFY(!series[0].lineOnly && !series[1].lineOnly);
        QVERIFY(series[2].lineOnly && series[3].lineOnly);
        for (const auto& s : series)
            QCOMPARE(s.points.size(), std::size_t(8));
        QVERIFY(std::abs(series[0].points[5].y - 3.0) < 1e-12);
        QVERIFY(std::abs(series[1].points[0].y - 2.0) < 1e-12);
        // eq. 2 in bits: C = 32 bits; C (1 - 0.2) = 25.6 from layer 4 on; C 0.8^2 = 20.48 at layer 8.
        QVERIFY(std::abs(series[2].points[2].y - 32.0) < 1e-9);
        QVERIFY(std::abs(series[2].points[3].y - 25.6) < 1e-9);
        QVERIFY(std::abs(series[3].points[7].y - 20.48) < 1e-9);
        QVERIFY(series[0].points[3].layerName.contains("dropout"));
        QVERIFY(std::isnan(minePaperAxes().reference));
    }

    void theMineTabOffersTheQuickAndThePaperPreset() {
        AnalysisSession session;
        AnalysisViews views(&session);
        TheoryComputePane* pane = views.minePane();
        QCOMPARE(pane->presetBox()->count(), 2);
        QCOMPARE(pane->presetIndex(), 0); // the quick experiment stays the default
        QVERIFY(pane->presetBox()->itemText(1).contains("paper"));
        QVERIFY(pane->selectPreset(1));
        QVERIFY2(pane->statusText().contains("min on one core"), qPrintable(pane->statusText()));
        QVERIFY(pane->statusText().contains("40 Dense(32, tanh)"));
        QVERIFY(std::isnan(pane->view()->axes().reference));
        QVERIFY(pane->selectPreset(0));
        QCOMPARE(pane->view()->axes().reference, static_cast<double>(mineLayersGuiOptions().bits));
        QVERIFY(!pane->selectPreset(2));

        // The paper preset's job, at a tiny size: the trained and untrained lines and eq. 2's two.
        mine::PaperMlpOptions tiny;
        tiny.depth = 4;
        tiny.width = 8;
        tiny.epochs = 1;
        tiny.samples = 512;
        tiny.mineEpochs = 2;
        tiny.mineFineEpochs = 1;
        tiny.mineSamples = 512;
        tiny.heldOutSamples = 512;
        double last = -1;
        const std::vector<widgets::RunPlotSeries> series = computeMinePaperSeries(
            tiny, [&last](double f) { last = std::max(last, f); }, nullptr);
        QCOMPARE(series.size(), std::size_t(4));
        for (const auto& s : series)
            for (const auto& p : s.points)
                QVERIFY(std::isfinite(p.y));
        QVERIFY(last > 0.99);
    }

    void theMineTabComputesOnDemandAndCancels() {
        AnalysisSession session;
        AnalysisViews views(&session);
        TheoryComputePane* pane = views.minePane();
        QCOMPARE(views.tabText(views.indexOf(pane)), QStringLiteral("Theory: MINE"));
        views.setCurrentWidget(pane);
        QVERIFY(!pane->isRunning()); // MINE runs on Compute only
        QVERIFY(views.minePane()->view()->series().empty());
        QSignalSpy cancelled(pane, &TheoryComputePane::cancelled);
        pane->computeButton()->click();
        QVERIFY(pane->isRunning());
        pane->cancelButton()->click();
        QVERIFY(cancelled.wait(60000));
        QVERIFY(!pane->isRunning());
        QVERIFY(pane->computedSeries().empty());
        QVERIFY(pane->computeButton()->isEnabled());
    }

    void aFailingJobIsReportedAndThePaneStaysUsable() {
        TheoryComputePane pane;
        pane.setCompute(
            [](const ProgressCallback&, const CancelToken*) -> std::vector<widgets::RunPlotSeries> {
                throw InputError("bad options");
            },
            "fails");
        QSignalSpy failed(&pane, &TheoryComputePane::failed);
        QVERIFY(pane.compute());
        QVERIFY(!pane.compute()); // one job at a time
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().first().toString(), QStringLiteral("bad options"));
        QVERIFY(pane.statusText().contains("bad options"));
        QVERIFY(pane.computeButton()->isEnabled());
    }
};

CODESCOPE_GUI_TEST(TheoryViewsTest)
#include "test_theory_views.moc"
