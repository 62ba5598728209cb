// What the charts are given (DESIGN.md rule 5): series, colours, fit lines, reference line, error bars, axes,
// legend and hover read-outs, checked on the Qt Charts objects themselves.
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QTest>
#include <QValueAxis>
#include <cmath>

#include "tests/gui/gui_test_registry.h"
#include "widgets/charts/alpha_depth_view.h"
#include "widgets/charts/chart_palette.h"
#include "widgets/charts/chart_style.h"
#include "widgets/charts/spectrum_view.h"

using namespace codescope::widgets;

namespace {

SpectrumSeries powerLaw(const QString& name, int depth, double alpha, double intercept, int components = 200) {
    SpectrumSeries s;
    s.layerName = name;
    s.depth = depth;
    s.alpha = alpha;
    s.intercept = intercept;
    s.fitLo = 10;
    s.fitHi = 50;
    for (int k = 1; k <= components; ++k)
        s.eigenvalues.push_back(std::exp(intercept) * std::pow(k, alpha));
    return s;
}

/// The chart's line series with the given names, in the chart's order.
QList<QLineSeries*> linesNamed(QChart* chart, const QStringList& names) {
    QList<QLineSeries*> found;
    for (QAbstractSeries* series : chart->series())
        if (auto* line = qobject_cast<QLineSeries*>(series); line && names.contains(line->name())) found << line;
    return found;
}

/// Legend markers only report visibility once the chart is on screen.
bool shown(QWidget& view) {
    view.resize(900, 600);
    view.show();
    return QTest::qWaitForWindowExposed(&view);
}

void saveArtifact(QWidget& view, const QString& name) {
    view.grab().save(QDir(codescope::guitest::artifactsDir()).filePath(name));
}

bool inLegend(QChart* chart, QAbstractSeries* series) {
    const QList<QLegendMarker*> markers = chart->legend()->markers(series);
    return !markers.isEmpty() && markers.front()->isVisible();
}

RunPlotSeries run(const QString& label, double dropout, double shift) {
    RunPlotSeries r;
    r.runLabel = label;
    r.dropout = dropout;
    for (int depth : {7, 1, 4, 10}) { // deliberately out of order
        RunPlotPoint p;
        p.x = depth;
        p.layerName = QStringLiteral("layer%1").arg(depth);
        p.y = -0.6 - 0.08 * depth + shift;
        if (depth != 10) { // the deepest point has no interval
            p.lo = p.y - 0.05;
            p.hi = p.y + 0.04;
        }
        r.points.push_back(p);
    }
    return r;
}

/// run() with the depth-7 layer dead: no alpha, only its reason.
RunPlotSeries runWithDeadLayer() {
    RunPlotSeries r = run("run-a", 0.1, 0.0);
    for (RunPlotPoint& p : r.points)
        if (p.x == 7) {
            p.y = p.lo = p.hi = std::nan("");
            p.missing = QStringLiteral("dead: every kept unit is 0 for every sample");
        }
    return r;
}

} // namespace

class ChartViewModelsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void greysDarkenWithDepth() {
        for (int count : {2, 5, 40})
            for (int rank = 1; rank < count; ++rank)
                QVERIFY(depthGrey(rank, count).lightness() < depthGrey(rank - 1, count).lightness());
        QVERIFY(depthGrey(0, 5).lightness() < 230); // the lightest still reads on white
    }

    void greensDarkenWithDropout() {
        QVERIFY(dropoutGreen(0.5, 0.0, 0.5).lightness() < dropoutGreen(0.1, 0.0, 0.5).lightness());
        QVERIFY(dropoutGreen(0.0, 0.0, 0.5).green() > dropoutGreen(0.0, 0.0, 0.5).red());
        QCOMPARE(dropoutGreen(std::nan(""), 0.0, 0.5), dropoutGreen(0.3, 0.3, 0.3)); // unknown: the middle shade
    }

    void logRangesHaveDecadeTicks() {
        const LogRange narrow = readableLogRange(0.2, 0.8);
        QCOMPARE(narrow.min, 0.1);
        QCOMPARE(narrow.max, 1.0);
        const LogRange wide = readableLogRange(3e-7, 40);
        QCOMPARE(wide.min, 3e-7); // already spans decades: kept tight
        QCOMPARE(wide.labelFormat, QStringLiteral("%.0e"));
        QCOMPARE(readableLogRange(0.01, 500).labelFormat, QStringLiteral("%g"));
    }

    void spectrumCurvesInDepthOrderAndGreyByDepth() {
        SpectrumView view;
        view.setSeries({powerLaw("deep", 9, -1.4, -1), powerLaw("shallow", 1, -0.7, 0.5), powerLaw("mid", 4, -1, 0)});
        QVERIFY(shown(view));
        const QList<QLineSeries*> curves = linesNamed(view.chart(), {"shallow", "mid", "deep"});
        QCOMPARE(curves.size(), 3);
        QCOMPARE(curves[0]->name(), QStringLiteral("shallow"));
        QCOMPARE(curves[2]->name(), QStringLiteral("deep"));
        QVERIFY(curves[0]->pen().color().lightness() > curves[1]->pen().color().lightness());
        QVERIFY(curves[1]->pen().color().lightness() > curves[2]->pen().color().lightness());
        QCOMPARE(curves[0]->pen().color().saturation(), 0); // grey
        QCOMPARE(curves[1]->count(), 200);
        QCOMPARE(curves[1]->at(0), QPointF(1, 1.0)); // component k = 1 carries eigenvalues[0]
        for (QLineSeries* curve : curves)
            QVERIFY(inLegend(view.chart(), curve));
    }

    void fitLinesOnlyForSelectedLayersFromTheFittedPowerLaw() {
        SpectrumView view;
        view.setSeries({powerLaw("a", 1, -0.7, 0.5), powerLaw("b", 2, -1.2, -0.3)});
        QVERIFY(shown(view));
        QCOMPARE(view.chart()->series().size(), 3); // two curves and the (empty) hover marker, no fits
        view.setSelectedLayers({"b", "not-a-layer"});
        QCOMPARE(view.selectedLayers(), QStringList{"b"});
        QList<QLineSeries*> fits;
        for (QAbstractSeries* series : view.chart()->series())
            if (auto* line = qobject_cast<QLineSeries*>(series); line && line->name().startsWith("fit ")) fits << line;
        QCOMPARE(fits.size(), 1);
        QLineSeries* fit = fits.front();
        QVERIFY(fit->name().contains("b"));
        QCOMPARE(fit->pen().style(), Qt::DashLine);
        QCOMPARE(fit->count(), 2);
        // Endpoints: exp(intercept) * k^alpha at the first and last fitted component.
        QCOMPARE(fit->at(0).x(), 10.0);
        QVERIFY(qFuzzyCompare(fit->at(0).y(), std::exp(-0.3) * std::pow(10.0, -1.2)));
        QCOMPARE(fit->at(1).x(), 50.0);
        QVERIFY(qFuzzyCompare(fit->at(1).y(), std::exp(-0.3) * std::pow(50.0, -1.2)));
        QTRY_VERIFY(inLegend(view.chart(), fit)); // the legend adds markers for new series when it lays out
        const QList<QLineSeries*> curves = linesNamed(view.chart(), {"a", "b"});
        QVERIFY(curves[1]->pen().widthF() > curves[0]->pen().widthF()); // the selected curve is emphasised

        view.setSelectedLayers({});
        QCOMPARE(view.chart()->series().size(), 3);
    }

    void spectrumAxesAreLogWithReadableRanges() {
        SpectrumView view;
        view.setSeries({powerLaw("a", 1, -1.0, 0.0, 1000)});
        const QList<QAbstractAxis*> x = view.chart()->axes(Qt::Horizontal);
        const QList<QAbstractAxis*> y = view.chart()->axes(Qt::Vertical);
        QCOMPARE(x.size(), 1);
        auto* xAxis = qobject_cast<QLogValueAxis*>(x.front());
        auto* yAxis = qobject_cast<QLogValueAxis*>(y.front());
        QVERIFY(xAxis && yAxis);
        QCOMPARE(xAxis->base(), 10.0);
        QVERIFY(xAxis->min() <= 1 && xAxis->max() >= 1000);
        QVERIFY(yAxis->min() <= 1e-3 && yAxis->max() >= 1);
        QVERIFY(xAxis->titleText().contains("component"));
        QVERIFY(yAxis->titleText().contains("eigenvalue"));
        QVERIFY(!view.chart()->title().isEmpty());
    }

    void roundOffEigenvaluesDoNotStretchTheAxis() {
        // A rank-deficient covariance ends in eigenvalues of ~1e-20 that are numerical noise.
        SpectrumSeries s = powerLaw("a", 1, -1, 0, 40);
        s.eigenvalues[38] = 1e-19;
        s.eigenvalues[39] = 1e-22;
        SpectrumView view;
        view.setSeries({s});
        auto* yAxis = qobject_cast<QLogValueAxis*>(view.chart()->axes(Qt::Vertical).front());
        QVERIFY2(yAxis->min() >= 1e-10, qPrintable(QString::number(yAxis->min())));
        QVERIFY(yAxis->min() <= 1.0 / 38);                              // the real spectrum stays in view
        QCOMPARE(linesNamed(view.chart(), {"a"}).front()->count(), 40); // still drawn (clipped), still hoverable
    }

    void nonPositiveEigenvaluesAreLeftOffTheLogAxes() {
        SpectrumSeries s = powerLaw("a", 1, -1, 0, 5);
        s.eigenvalues[3] = 0;
        s.eigenvalues[4] = -1e-12; // round-off below zero
        SpectrumView view;
        view.setSeries({s});
        QCOMPARE(linesNamed(view.chart(), {"a"}).front()->count(), 3);
    }

    void hoverReadsOutTheNearestPoint() {
        SpectrumView view;
        view.setSeries({powerLaw("shallow", 1, -0.7, 0.5), powerLaw("deep", 2, -1.5, -1)});
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QLineSeries* deep = linesNamed(view.chart(), {"deep"}).front();
        const QPointF pixel = view.chart()->mapToPosition(QPointF(20, deep->at(19).y()), deep);
        view.showReadoutNear(pixel + QPointF(2, -1));
        QVERIFY2(view.readoutText().contains("deep"), qPrintable(view.readoutText()));
        QVERIFY2(view.readoutText().contains("k = 20"), qPrintable(view.readoutText()));
        view.showReadoutNear(QPointF(-500, -500));
        QVERIFY(!view.readoutText().contains("k ="));
    }

    void nearestPointIsFoundInPixelSpace() {
        LogLogFrame frame;
        frame.plotArea = QRectF(0, 0, 300, 300);
        frame.xMin = 1, frame.xMax = 1000, frame.yMin = 1e-3, frame.yMax = 1;
        QCOMPARE(frame.toPixel(1, 1), QPointF(0, 0));
        QCOMPARE(frame.toPixel(1000, 1e-3), QPointF(300, 300));
        SpectrumSeries s = powerLaw("a", 1, -1, 0, 1000);
        const auto hit = nearestSpectrumPoint({s}, frame, frame.toPixel(100, 0.01), 5);
        QVERIFY(hit.has_value());
        QCOMPARE(hit->component, 100);
        QVERIFY(!nearestSpectrumPoint({s}, frame, QPointF(0, 300), 5).has_value());
    }

    void alphaDepthRunsOrderedAndGreenByDropout() {
        AlphaDepthView view;
        view.setSeries({run("high", 0.5, 0.0), run("low", 0.1, 0.2), run("mid", 0.3, 0.1)});
        QVERIFY(shown(view));
        QCOMPARE(view.runLines().size(), std::size_t(3));
        QLineSeries* high = view.runLines()[0];
        QLineSeries* low = view.runLines()[1];
        QLineSeries* mid = view.runLines()[2];
        QVERIFY(high->name().startsWith("high"));
        QVERIFY(high->name().contains("0.5"));
        QVERIFY(low->pen().color().lightness() > mid->pen().color().lightness());
        QVERIFY(mid->pen().color().lightness() > high->pen().color().lightness());
        QVERIFY(high->pen().color().green() > high->pen().color().red());
        // Points sorted by depth, at (depth, alpha).
        QCOMPARE(high->count(), 4);
        QCOMPARE(high->at(0), QPointF(1, -0.6 - 0.08));
        QCOMPARE(high->at(3).x(), 10.0);
        QVERIFY(high->pointsVisible());
        for (QLineSeries* line : view.runLines())
            QVERIFY(inLegend(view.chart(), line));
    }

    void alphaDepthReferenceLineAtMinusOneAcrossTheAxis() {
        AlphaDepthView view;
        view.setSeries({run("r", 0.1, 0.0)});
        QVERIFY(shown(view));
        QLineSeries* reference = view.referenceLine();
        QVERIFY(reference);
        QCOMPARE(reference->count(), 2);
        QCOMPARE(reference->at(0).y(), -1.0);
        QCOMPARE(reference->at(1).y(), -1.0);
        auto* xAxis = qobject_cast<QValueAxis*>(view.chart()->axes(Qt::Horizontal).front());
        auto* yAxis = qobject_cast<QValueAxis*>(view.chart()->axes(Qt::Vertical).front());
        QCOMPARE(reference->at(0).x(), xAxis->min());
        QCOMPARE(reference->at(1).x(), xAxis->max());
        QCOMPARE(reference->pen().style(), Qt::DashLine);
        QVERIFY(inLegend(view.chart(), reference));
        QVERIFY(yAxis->min() < -1.4 && yAxis->max() >= -0.64); // every alpha and interval end (depth 10 to 1) fits
        QVERIFY(xAxis->min() < 1 && xAxis->max() > 10);
        QVERIFY(yAxis->titleText().contains("α"));
        QVERIFY(xAxis->titleText().contains("depth"));
    }

    void alphaDepthErrorBarsSpanTheConfidenceIntervals() {
        AlphaDepthView view;
        const RunPlotSeries r = run("r", 0.1, 0.0);
        view.setSeries({r});
        QVERIFY(shown(view));
        QCOMPARE(view.errorBars().size(), std::size_t(3)); // the depth-10 point has no interval
        auto* yAxis = qobject_cast<QValueAxis*>(view.chart()->axes(Qt::Vertical).front());
        for (QLineSeries* bar : view.errorBars()) {
            QVERIFY(!inLegend(view.chart(), bar));
            QCOMPARE(bar->count(), 6);
            const double depth = bar->at(2).x();
            const auto point =
                std::find_if(r.points.begin(), r.points.end(), [&](const RunPlotPoint& p) { return p.x == depth; });
            QVERIFY(point != r.points.end());
            QCOMPARE(bar->at(2).y(), point->lo); // the vertical stroke runs lo -> hi at the point's depth
            QCOMPARE(bar->at(3), QPointF(depth, point->hi));
            QVERIFY(bar->at(0).x() < depth && bar->at(1).x() > depth); // caps straddle it
            QVERIFY(yAxis->min() <= point->lo && yAxis->max() >= point->hi);
            QCOMPARE(bar->pen().color(), view.runLines()[0]->pen().color());
        }
    }

    void alphaDepthAxesNeverLayOutThousandsOfTicksOnTheWay() {
        // Qt lays an axis out after every setter. A wide range set under a narrow range's tick interval made one
        // label item per tick for a moment (4000 when a coding view went from [-1.03, -0.97] to [-35, 5]), which
        // took most of a second of the GUI thread when a sweep opened. Every layout on the way must be a readable
        // one: count the ticks whenever the range, the interval or the tick type changes under dynamic ticks.
        AlphaDepthView view;
        QVERIFY(shown(view));
        RunPlotSeries narrow = run("narrow", 0.1, 0.0);
        for (RunPlotPoint& p : narrow.points)
            p.y = -1.0 + 0.001 * p.x, p.lo = p.hi = std::nan("");
        view.setSeries({narrow});
        double most = 0;
        for (QAbstractAxis* axis : view.chart()->axes()) {
            auto* values = qobject_cast<QValueAxis*>(axis);
            QVERIFY(values);
            const auto count = [values, &most] {
                if (values->tickType() == QValueAxis::TicksDynamic && values->tickInterval() > 0)
                    most = std::max(most, (values->max() - values->min()) / values->tickInterval());
            };
            connect(values, &QValueAxis::rangeChanged, this, count);
            connect(values, &QValueAxis::tickIntervalChanged, this, count);
            connect(values, &QValueAxis::tickTypeChanged, this, count);
        }
        RunPlotSeries wide = run("wide", 0.1, 0.0);
        for (RunPlotPoint& p : wide.points)
            p.y = -35.0 + 4.0 * p.x;
        view.setSeries({wide});
        QVERIFY2(most > 0, "no layout was observed");
        QVERIFY2(most <= 30, qPrintable(QStringLiteral("%1 ticks laid out on the way").arg(most)));
        view.setSeries({narrow}); // and back
        QVERIFY2(most <= 30, qPrintable(QStringLiteral("%1 ticks laid out on the way back").arg(most)));
    }

    void alphaDepthSelectionRingsEveryRun() {
        AlphaDepthView view;
        view.setSeries({run("a", 0.1, 0.0), run("b", 0.5, 0.1)});
        QVERIFY(shown(view));
        view.setSelectedLayers({"layer4"});
        QCOMPARE(view.selectionMarkers()->count(), 2);
        QCOMPARE(view.selectionMarkers()->at(0).x(), 4.0);
        QVERIFY(!inLegend(view.chart(), view.selectionMarkers()));
        view.setSelectedLayers({});
        QCOMPARE(view.selectionMarkers()->count(), 0);
    }

    void alphaDepthHoverReadsOutLayerAndInterval() {
        AlphaDepthView view;
        view.setSeries({run("run-a", 0.1, 0.0)});
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QLineSeries* line = view.runLines()[0];
        view.showReadoutNear(view.chart()->mapToPosition(line->at(1), line));
        QVERIFY2(view.readoutText().contains("layer4"), qPrintable(view.readoutText()));
        QVERIFY(view.readoutText().contains("95% CI"));
        view.showReadoutNear(view.chart()->mapToPosition(line->at(3), line));
        QVERIFY(view.readoutText().contains("no confidence interval"));
    }

    void lineSegmentsBreakAtPointsWithoutAValue() {
        RunPlotSeries r;
        for (int depth = 1; depth <= 5; ++depth) {
            RunPlotPoint p;
            p.x = depth;
            p.y = -depth;
            if (depth == 3 || depth == 5) {
                p.y = std::nan("");
                p.missing = QStringLiteral("collapsed: 4 of 128 eigenvalues");
            }
            r.points.push_back(p);
        }
        RunPlotPoint noX; // e.g. action against alpha for a layer without alpha: no place on the line
        noX.x = std::nan("");
        noX.y = 2;
        noX.missing = QStringLiteral("dead");
        r.points.insert(r.points.begin() + 1, noX);
        const std::vector<QList<QPointF>> pieces = lineSegments(r);
        QCOMPARE(pieces.size(), std::size_t(2)); // 1-2 | 4 (the trailing gap at 5 starts no piece)
        QCOMPARE(pieces[0], (QList<QPointF>{QPointF(1, -1), QPointF(2, -2)}));
        QCOMPARE(pieces[1], (QList<QPointF>{QPointF(4, -4)}));
        QVERIFY(!hasValue(r.points[1]));
        QVERIFY(!hasInterval(r.points[1]));
        QCOMPARE(lineSegments(RunPlotSeries{}).size(), std::size_t(1));
    }

    void alphaDepthLayerWithoutAlphaIsAGapAndAMarkedPoint() {
        AlphaDepthView view;
        const RunPlotSeries r = runWithDeadLayer();
        view.setSeries({r});
        QVERIFY(shown(view));
        // The line is not drawn across depth 7: 1-4 in the named run line, 10 in a continuation.
        QLineSeries* line = view.runLines()[0];
        QCOMPARE(line->count(), 2);
        QCOMPARE(line->at(1).x(), 4.0);
        QCOMPARE(view.lineContinuations().size(), std::size_t(1));
        QLineSeries* rest = view.lineContinuations().front();
        QCOMPARE(rest->count(), 1);
        QCOMPARE(rest->at(0).x(), 10.0);
        QCOMPARE(rest->pen().color(), line->pen().color());
        QVERIFY(inLegend(view.chart(), line));
        QVERIFY(!inLegend(view.chart(), rest));
        // No error bar for it either.
        QCOMPARE(view.errorBars().size(), std::size_t(2));

        // A hollow marker at its depth, below every alpha but inside the plot.
        QCOMPARE(view.missingMarkers().size(), std::size_t(1));
        QScatterSeries* marker = view.missingMarkers()[0];
        QVERIFY(marker);
        QCOMPARE(marker->count(), 1);
        QCOMPARE(marker->at(0).x(), 7.0);
        auto* yAxis = qobject_cast<QValueAxis*>(view.chart()->axes(Qt::Vertical).front());
        for (const RunPlotPoint& p : r.points)
            if (hasValue(p)) QVERIFY(marker->at(0).y() < (hasInterval(p) ? p.lo : p.y));
        QVERIFY(marker->at(0).y() < -1.0); // below the reference too: it is not a value
        QVERIFY(marker->at(0).y() > yAxis->min());
        QCOMPARE(marker->brush().color(), QColor(Qt::white)); // hollow
        QCOMPARE(marker->pen().color(), line->pen().color());
        QVERIFY(inLegend(view.chart(), marker));
        QVERIFY(marker->name().contains("no α"));

        // The read-out gives the reason; the selection rings the marker.
        view.showReadoutNear(view.chart()->mapToPosition(marker->at(0), marker));
        QVERIFY2(view.readoutText().contains("layer7"), qPrintable(view.readoutText()));
        QVERIFY(view.readoutText().contains("no α: dead: every kept unit is 0"));
        view.setSelectedLayers({"layer7"});
        QCOMPARE(view.selectionMarkers()->count(), 1);
        QCOMPARE(view.selectionMarkers()->at(0), marker->at(0));
        saveArtifact(view, "alpha_depth_dead_layer.png");
    }

    void aPointWithoutXIsMarkedOnTheLeftEdge() {
        AlphaDepthView view;
        RunPlotAxes axes = alphaDepthAxes();
        axes.integerX = false;
        axes.connectInXOrder = false;
        axes.xName = QStringLiteral("α");
        axes.yName = QStringLiteral("action");
        axes.reference = std::nan("");
        view.setAxes(axes);
        RunPlotSeries r;
        r.runLabel = QStringLiteral("run");
        for (double alpha : {-1.2, -0.9, -0.7}) {
            RunPlotPoint p;
            p.x = alpha;
            p.y = 3 + alpha;
            p.layerName = QStringLiteral("l%1").arg(alpha);
            r.points.push_back(p);
        }
        RunPlotPoint dead;
        dead.x = std::nan("");
        dead.y = 0.5;
        dead.layerName = QStringLiteral("dead-layer");
        dead.missing = QStringLiteral("dead: every kept unit is 0");
        r.points.insert(r.points.begin(), dead); // sorted last, whatever its place
        view.setSeries({r});
        QVERIFY(shown(view));
        QCOMPARE(view.series()[0].points.back().layerName, QStringLiteral("dead-layer"));
        QCOMPARE(view.runLines()[0]->count(), 3); // no gap: it has no place in x
        QScatterSeries* marker = view.missingMarkers()[0];
        QVERIFY(marker);
        QCOMPARE(marker->at(0).y(), 0.5);
        QVERIFY(marker->at(0).x() < -1.2);
        QVERIFY(marker->at(0).x() > qobject_cast<QValueAxis*>(view.chart()->axes(Qt::Horizontal).front())->min());
        view.showReadoutNear(view.chart()->mapToPosition(marker->at(0), marker));
        QVERIFY2(view.readoutText().contains("no α: dead"), qPrintable(view.readoutText()));
    }

    void spectrumOfADeadLayerIsANoteWithItsReason() {
        SpectrumSeries dead;
        dead.layerName = QStringLiteral("dead.relu");
        dead.depth = 3;
        dead.eigenvalues.assign(40, 0.0);
        dead.status = QStringLiteral("dead: every kept unit is 0 for every sample");
        SpectrumView view;
        view.setSeries({dead});
        QVERIFY(shown(view));
        QVERIFY2(view.noteText().contains("dead.relu: no spectrum to draw (dead: every kept unit is 0"),
                 qPrintable(view.noteText()));
        QVERIFY(view.noteText().contains("No layer has a spectrum"));
        const QList<QLineSeries*> curve = linesNamed(view.chart(), {"dead.relu"});
        QCOMPARE(curve.front()->count(), 0);
        QVERIFY(!inLegend(view.chart(), curve.front()));
        saveArtifact(view, "spectrum_dead_layer.png");

        // Beside layers with a spectrum: those are drawn, the dead one named; a selected collapsed one has no fit.
        SpectrumSeries collapsed = powerLaw("collapsed.relu", 2, -1, 0, 6);
        collapsed.alpha = std::nan("");
        collapsed.fitLo = collapsed.fitHi = 0;
        collapsed.status = QStringLiteral("collapsed: 6 of 128 eigenvalues above round-off, the fit needs 50");
        view.setSeries({powerLaw("a", 1, -1, 0), collapsed, dead});
        QVERIFY(view.noteText().contains("dead.relu"));
        QVERIFY(!view.noteText().contains("No layer"));
        QVERIFY(!view.noteText().contains("collapsed.relu")); // drawn; not selected
        view.setSelectedLayers({"collapsed.relu"});
        QVERIFY2(view.noteText().contains("collapsed.relu: no power-law fit (collapsed: 6 of 128"),
                 qPrintable(view.noteText()));
        view.setSeries({powerLaw("a", 1, -1, 0)});
        QCOMPARE(view.noteText(), QString());
    }
};

CODESCOPE_GUI_TEST(ChartViewModelsTest)
#include "test_chart_view_models.moc"
