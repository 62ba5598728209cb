#include "widgets/charts/alpha_depth_view.h"

#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "widgets/charts/chart_palette.h"
#include "widgets/charts/chart_style.h"

namespace codescope::widgets {

namespace {

constexpr double kHoverRadiusPixels = 14;

// The length of [lo, hi] to scale a margin by; for a single value, a fifth of its size (or 1 at 0).
double spanOf(double lo, double hi) {
    if (hi > lo) return hi - lo;
    return hi != 0 ? 0.2 * std::abs(hi) : 1.0;
}

QString intervalText(const RunPlotPoint& p, const RunPlotAxes& axes) {
    if (!hasInterval(p)) return QObject::tr("no confidence interval");
    return QObject::tr("%1 [%2, %3]").arg(axes.intervalName).arg(p.lo, 0, 'g', 4).arg(p.hi, 0, 'g', 4);
}

// Qt lays an axis out again after every setter, and in dynamic mode a new range under the previous interval makes
// one label item per tick: a coding view's [-35, 5] still stepping by 0.01 made 4000, 1.3 of the 1.5 s the GUI
// thread stalled when the demo's sweep opened. So the range, anchor and interval are set with a fixed tick count,
// and dynamic ticks come back once, with all three in place.
void setDynamicTicks(QValueAxis* axis, double min, double max, double anchor, double interval) {
    axis->setTickType(QValueAxis::TicksFixed);
    axis->setRange(min, max);
    axis->setTickAnchor(anchor);
    axis->setTickInterval(interval);
    axis->setTickType(QValueAxis::TicksDynamic);
}

} // namespace

AlphaDepthView::AlphaDepthView(QWidget* parent)
    : ChartFigure(QStringLiteral("alphaDepthReadout"), parent), m_xAxis(new QValueAxis), m_yAxis(new QValueAxis) {
    setTitle(tr("Power-law exponent α by layer depth"));
    m_xAxis->setTitleText(m_axes.xTitle);
    m_yAxis->setTitleText(m_axes.yTitle);
    m_xAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_xAxis->setTickType(QValueAxis::TicksDynamic);
    m_xAxis->setTickAnchor(0);
    m_yAxis->setLabelFormat(QStringLiteral("%.2f"));
    m_yAxis->setTickType(QValueAxis::TicksDynamic);
    styleAxis(m_xAxis);
    styleAxis(m_yAxis);
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);

    rebuild();
}

void AlphaDepthView::setSeries(std::vector<RunPlotSeries> series) {
    // Points without an x position (NaN) go last: NaN compares false with everything, which is no ordering.
    const auto key = [](const RunPlotPoint& p) {
        return std::isfinite(p.x) ? p.x : std::numeric_limits<double>::infinity();
    };
    for (RunPlotSeries& run : series)
        std::stable_sort(run.points.begin(), run.points.end(),
                         [&key](const RunPlotPoint& a, const RunPlotPoint& b) { return key(a) < key(b); });
    m_series = std::move(series);
    rebuild();
}

void AlphaDepthView::setAxes(const RunPlotAxes& axes) {
    m_axes = axes;
    m_xAxis->setTitleText(axes.xTitle);
    m_yAxis->setTitleText(axes.yTitle);
    m_xAxis->setLabelFormat(axes.integerX ? QStringLiteral("%.0f") : QStringLiteral("%.3g"));
    m_yAxis->setLabelFormat(QStringLiteral("%.3g"));
    rebuild();
}

void AlphaDepthView::setSelectedLayers(const QStringList& layerNames) {
    m_selected = layerNames;
    rebuildSelection();
}

void AlphaDepthView::rebuild() {
    m_chart->removeAllSeries(); // deletes them
    m_runLines.clear();
    m_continuations.clear();
    m_runPoints.clear();
    m_missingMarkers.clear();
    m_errorBars.clear();

    const PlotExtent extent = measureSeries();
    const std::pair<double, double> x = setAxisRanges(extent);
    addReferenceLine(x.first, x.second); // first, so that it lies under the data
    // Caps a fixed fraction of the axis wide, so that they look the same however many layers there are.
    addErrorBars(extent, 0.008 * (x.second - x.first));
    bool missingNamed = false;
    for (const RunPlotSeries& run : m_series) {
        const QColor colour = dropoutGreen(run.dropout, extent.dropoutMin, extent.dropoutMax);
        addRunLine(run, colour);
        addMissingMarkers(run, colour, missingNamed);
    }
    addSelectionAndMarker();
    rebuildSelection();
    clearReadout();
}

AlphaDepthView::PlotExtent AlphaDepthView::measureSeries() const {
    PlotExtent e;
    const bool hasReference = std::isfinite(m_axes.reference);
    if (hasReference) e.yMin = e.yMax = m_axes.reference;
    for (const RunPlotSeries& run : m_series) {
        if (std::isfinite(run.dropout)) {
            e.dropoutMin = std::min(e.dropoutMin, run.dropout);
            e.dropoutMax = std::max(e.dropoutMax, run.dropout);
        }
        for (const RunPlotPoint& p : run.points) {
            if (std::isfinite(p.x)) {
                e.xMin = std::min(e.xMin, p.x);
                e.xMax = std::max(e.xMax, p.x);
            }
            const bool interval = hasInterval(p);
            for (double value : {p.y, interval ? p.lo : p.y, interval ? p.hi : p.y})
                if (std::isfinite(value)) {
                    e.yMin = std::min(e.yMin, value);
                    e.yMax = std::max(e.yMax, value);
                }
            e.missingX = e.missingX || (!std::isfinite(p.x) && std::isfinite(p.y));
            e.missingY = e.missingY || (std::isfinite(p.x) && !std::isfinite(p.y));
        }
    }
    if (!std::isfinite(e.xMin)) e.xMin = 0, e.xMax = 10;
    if (!std::isfinite(e.yMin)) e.yMin = 0, e.yMax = 1;
    return e;
}

std::pair<double, double> AlphaDepthView::setAxisRanges(const PlotExtent& extent) {
    double xMin = extent.xMin, xMax = extent.xMax, yMin = extent.yMin, yMax = extent.yMax;
    // Points without a value sit in a band beyond the data along the axis they lack, so that they neither hide data
    // nor read as values.
    m_edgeX = xMin - (m_axes.integerX ? 1.0 : 0.08 * spanOf(xMin, xMax));
    m_edgeY = yMin - 0.12 * spanOf(yMin, yMax);
    if (extent.missingX) xMin = m_edgeX;
    if (extent.missingY) yMin = m_edgeY;
    const double xPad = m_axes.integerX ? std::max(0.5, 0.04 * (xMax - xMin)) : std::max(1e-9, 0.05 * (xMax - xMin));
    xMin -= xPad;
    xMax += xPad;
    const double yPad = std::max(m_axes.integerX ? 0.03 : 1e-9, 0.05 * (yMax - yMin));
    if (m_axes.integerX) {
        // Depths are integers: never a tick between two of them.
        setDynamicTicks(m_xAxis, xMin, xMax, std::ceil(xMin),
                        std::max(1.0, std::ceil(readableLinearRange(xMin, xMax, 12).step)));
    } else {
        const LinearRange x = readableLinearRange(xMin, xMax, 10);
        setDynamicTicks(m_xAxis, x.min, x.max, 0, x.step);
        xMin = x.min;
        xMax = x.max;
    }
    const LinearRange y = readableLinearRange(yMin - yPad, yMax + yPad, 8);
    setDynamicTicks(m_yAxis, y.min, y.max, 0, y.step);
    return {xMin, xMax};
}

void AlphaDepthView::addReferenceLine(double xMin, double xMax) {
    m_reference = nullptr;
    if (!std::isfinite(m_axes.reference)) return;
    m_reference = new QLineSeries;
    m_reference->setName(m_axes.referenceName);
    m_reference->append(xMin, m_axes.reference);
    m_reference->append(xMax, m_axes.reference);
    QPen referencePen(QColor(110, 110, 110));
    referencePen.setWidthF(1.5);
    referencePen.setStyle(Qt::DashLine);
    m_reference->setPen(referencePen);
    attachSeries(m_chart, m_reference, {m_xAxis, m_yAxis});
}

void AlphaDepthView::addErrorBars(const PlotExtent& extent, double capHalfWidth) {
    for (const RunPlotSeries& run : m_series) {
        const QColor colour = dropoutGreen(run.dropout, extent.dropoutMin, extent.dropoutMax);
        for (const RunPlotPoint& p : run.points) {
            const QList<QPointF> bar = errorBarPolyline(p, capHalfWidth);
            if (bar.isEmpty()) continue;
            // Unnamed: even a hidden legend marker would reserve room for a name.
            auto* series = new QLineSeries;
            series->replace(bar);
            QPen pen(colour);
            pen.setWidthF(1.3);
            series->setPen(pen);
            attachSeries(m_chart, series, {m_xAxis, m_yAxis});
            hideFromLegend(m_chart, series);
            m_errorBars.push_back(series);
        }
    }
}

void AlphaDepthView::addRunLine(const RunPlotSeries& run, const QColor& colour) {
    auto* line = new QLineSeries;
    const QString name = std::isfinite(run.dropout) && !m_axes.shadeName.isEmpty()
                             ? tr("%1 (%2 %3)").arg(run.runLabel, m_axes.shadeName).arg(run.dropout, 0, 'g', 3)
                             : run.runLabel;
    line->setName(name);
    const std::vector<QList<QPointF>> pieces = lineSegments(run);
    m_runLines.push_back(line);
    if (run.pointsOnly) {
        // The line stays (the read-out maps points through it) but draws nothing; a scatter draws the markers,
        // outlined in white so that they read over the curves beneath.
        QList<QPointF> all;
        for (const QList<QPointF>& piece : pieces)
            all += piece;
        line->replace(all);
        line->setPen(Qt::NoPen);
        line->setPointsVisible(false);
        attachSeries(m_chart, line, {m_xAxis, m_yAxis});
        hideFromLegend(m_chart, line);
        auto* points = new QScatterSeries;
        points->setName(name);
        points->replace(all);
        points->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        points->setMarkerSize(11);
        points->setColor(colour);
        points->setBorderColor(Qt::white);
        attachSeries(m_chart, points, {m_xAxis, m_yAxis});
        m_runPoints.push_back(points);
        return;
    }
    QPen pen(colour);
    pen.setWidthF(m_axes.connectInXOrder ? 2.2 : 0.8);
    // A layer without a value breaks the line: one series per unbroken piece, the first named.
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        QLineSeries* piece = i == 0 ? line : new QLineSeries;
        piece->replace(pieces[i]);
        piece->setPen(pen);
        piece->setPointsVisible(!run.lineOnly);
        piece->setMarkerSize(8);
        attachSeries(m_chart, piece, {m_xAxis, m_yAxis});
        if (i > 0) {
            hideFromLegend(m_chart, piece);
            m_continuations.push_back(piece);
        }
    }
    m_runPoints.push_back(nullptr);
}

void AlphaDepthView::addMissingMarkers(const RunPlotSeries& run, const QColor& colour, bool& legendNamed) {
    QList<QPointF> missing;
    bool lacksX = false;
    for (const RunPlotPoint& p : run.points) {
        const QPointF at = drawnPosition(p);
        if (hasValue(p) || !std::isfinite(at.x()) || !std::isfinite(at.y())) continue;
        if (missing.isEmpty()) lacksX = !std::isfinite(p.x);
        missing.append(at);
    }
    if (missing.isEmpty()) {
        m_missingMarkers.push_back(nullptr);
        return;
    }
    // Hollow, in the run's colour: a layer of this run that has no value, not a value of 0.
    auto* markers = new QScatterSeries;
    markers->replace(missing);
    markers->setMarkerShape(QScatterSeries::MarkerShapeRotatedRectangle);
    markers->setMarkerSize(12);
    markers->setBrush(Qt::white);
    QPen outline(colour);
    outline.setWidthF(2);
    markers->setPen(outline);
    attachSeries(m_chart, markers, {m_xAxis, m_yAxis});
    if (legendNamed) {
        hideFromLegend(m_chart, markers);
    } else {
        markers->setName(tr("no %1 (point at ◇ for why)").arg(lacksX ? m_axes.xName : m_axes.yName));
        legendNamed = true;
    }
    m_missingMarkers.push_back(markers);
}

void AlphaDepthView::addSelectionAndMarker() {
    m_selection = new QScatterSeries;
    m_selection->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    m_selection->setMarkerSize(17);
    m_selection->setBrush(Qt::NoBrush);
    m_selection->setPen(QPen(fitAccent(), 2));
    attachSeries(m_chart, m_selection, {m_xAxis, m_yAxis});
    hideFromLegend(m_chart, m_selection);

    m_marker = addHoverMarker(m_chart, {m_xAxis, m_yAxis});
}

QPointF AlphaDepthView::drawnPosition(const RunPlotPoint& point) const {
    const bool hasX = std::isfinite(point.x), hasY = std::isfinite(point.y);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return QPointF(hasX ? point.x : (hasY ? m_edgeX : nan), hasY ? point.y : (hasX ? m_edgeY : nan));
}

void AlphaDepthView::rebuildSelection() {
    QList<QPointF> ringed;
    for (const RunPlotSeries& run : m_series)
        for (const RunPlotPoint& p : run.points) {
            const QPointF at = drawnPosition(p);
            if (m_selected.contains(p.layerName) && std::isfinite(at.x()) && std::isfinite(at.y())) ringed.append(at);
        }
    m_selection->replace(ringed);
}

void AlphaDepthView::showReadoutNear(QPointF position) {
    const RunPlotSeries* bestRun = nullptr;
    const RunPlotPoint* best = nullptr;
    double bestDistance = kHoverRadiusPixels * kHoverRadiusPixels;
    for (std::size_t r = 0; r < m_series.size(); ++r)
        for (const RunPlotPoint& p : m_series[r].points) {
            const QPointF at = drawnPosition(p);
            if (!std::isfinite(at.x()) || !std::isfinite(at.y())) continue;
            const QPointF pixel = m_chart->mapToPosition(at, m_runLines[r]);
            const double dx = pixel.x() - position.x(), dy = pixel.y() - position.y();
            if (dx * dx + dy * dy <= bestDistance) {
                bestDistance = dx * dx + dy * dy;
                bestRun = &m_series[r];
                best = &p;
            }
        }
    if (!best) {
        clearReadout();
        return;
    }
    m_marker->replace({drawnPosition(*best)});
    if (!hasValue(*best)) {
        const bool hasX = std::isfinite(best->x);
        const QString known = hasX ? tr("%1 %2").arg(m_axes.xName).arg(best->x, 0, 'g', 6)
                                   : tr("%1 = %2").arg(m_axes.yName).arg(best->y, 0, 'g', 4);
        const QString reason = best->missing.isEmpty() ? tr("no value") : best->missing;
        setReadoutText(tr("%1   ·   %2 (%3)   ·   no %4: %5")
                           .arg(bestRun->runLabel, best->layerName, known, hasX ? m_axes.yName : m_axes.xName, reason));
        return;
    }
    setReadoutText(tr("%1   ·   %2 (%3 %4)   ·   %5 = %6, %7")
                       .arg(bestRun->runLabel, best->layerName, m_axes.xName)
                       .arg(best->x, 0, 'g', 6)
                       .arg(m_axes.yName)
                       .arg(best->y, 0, 'g', 4)
                       .arg(intervalText(*best, m_axes)));
}

void AlphaDepthView::clearReadout() {
    setReadoutText(m_series.empty() ? tr("No runs to show.")
                                    : tr("Point at a marker to read its layer, %1 and interval.").arg(m_axes.yName));
    if (m_marker) m_marker->clear();
}

} // namespace codescope::widgets
