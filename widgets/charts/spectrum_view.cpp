#include "widgets/charts/spectrum_view.h"

#include <QChart>
#include <QChartView>
#include <QGraphicsTextItem>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <algorithm>
#include <cmath>

#include "widgets/charts/chart_palette.h"
#include "widgets/charts/chart_style.h"

namespace codescope::widgets {

namespace {

constexpr double kCurveWidth = 1.4;
constexpr double kSelectedCurveWidth = 2.2;
constexpr double kFitWidth = 2.6; // wider than a selected curve, so the dashes stay visible on top of it
constexpr double kHoverRadiusPixels = 14;
// Eigenvalues this far below the largest are round-off of a rank-deficient covariance (fewer samples or active units
// than features), not signal: the y axis stops there so that they do not squash the spectrum into a corner.
constexpr double kRoundOffFloor = 1e-9;
constexpr int kNoteLines = 8; // more layers than this are counted, not named

} // namespace

SpectrumView::SpectrumView(QWidget* parent)
    : ChartFigure(QStringLiteral("spectrumReadout"), parent), m_xAxis(new QLogValueAxis), m_yAxis(new QLogValueAxis),
      m_note(new QGraphicsTextItem(m_chart)) {
    setTitle(tr("PCA eigenspectrum per layer"));
    // Units: k is a count; eigenvalues are variances of the layer's activations along principal axes.
    m_xAxis->setTitleText(tr("principal component k"));
    m_yAxis->setTitleText(tr("eigenvalue λ (activation variance)"));
    for (QLogValueAxis* axis : {m_xAxis, m_yAxis}) {
        axis->setBase(10);
        axis->setMinorTickCount(8); // the 2..9 multiples of each decade
        styleAxis(axis);
    }
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);

    m_note->setObjectName(QStringLiteral("spectrumNote"));
    m_note->setDefaultTextColor(QColor(90, 90, 90));
    m_note->setZValue(10); // over the curves and the grid
    m_note->setVisible(false);
    connect(m_chart, &QChart::plotAreaChanged, this, &SpectrumView::placeNote);

    clearReadout();
    updateAxes();
}

void SpectrumView::setSeries(std::vector<SpectrumSeries> series) {
    std::stable_sort(series.begin(), series.end(),
                     [](const SpectrumSeries& a, const SpectrumSeries& b) { return a.depth < b.depth; });
    m_series = std::move(series);
    QStringList kept;
    for (const QString& name : m_selected)
        if (std::any_of(m_series.begin(), m_series.end(), [&](const SpectrumSeries& s) { return s.layerName == name; }))
            kept << name;
    m_selected = kept;
    rebuildCurves();
    rebuildFits();
    updateNote();
    clearReadout();
}

void SpectrumView::setSelectedLayers(const QStringList& layerNames) {
    m_selected.clear();
    for (const SpectrumSeries& s : m_series)
        if (layerNames.contains(s.layerName)) m_selected << s.layerName;
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        QPen pen = m_curves[i]->pen();
        pen.setWidthF(m_selected.contains(m_series[i].layerName) ? kSelectedCurveWidth : kCurveWidth);
        m_curves[i]->setPen(pen);
    }
    rebuildFits();
    updateNote();
}

void SpectrumView::rebuildCurves() {
    for (QLineSeries* curve : m_curves) {
        m_chart->removeSeries(curve);
        delete curve;
    }
    m_curves.clear();
    if (m_marker) {
        m_chart->removeSeries(m_marker);
        delete m_marker;
        m_marker = nullptr;
    }
    // Qt Charts lays a line out again (its hover outline is a stroke of the whole path) whenever it is added, gets
    // an axis or an axis changes range. So the axes take their final ranges while no curve is attached, and each
    // curve is attached empty and filled last: one layout per curve instead of several. A slider move on the demo's
    // sweep took 24-36 ms instead of 46-69 ms (runs alternated on one machine).
    updateAxes();
    const int count = static_cast<int>(m_series.size());
    for (int i = 0; i < count; ++i) {
        const SpectrumSeries& s = m_series[i];
        auto* curve = new QLineSeries;
        curve->setName(s.layerName);
        QList<QPointF> points;
        points.reserve(static_cast<int>(s.eigenvalues.size()));
        for (std::size_t k = 0; k < s.eigenvalues.size(); ++k)
            if (s.eigenvalues[k] > 0) points.append(QPointF(static_cast<double>(k + 1), s.eigenvalues[k]));
        QPen pen(depthGrey(i, count));
        pen.setWidthF(m_selected.contains(s.layerName) ? kSelectedCurveWidth : kCurveWidth);
        curve->setPen(pen);
        attachSeries(m_chart, curve, {m_xAxis, m_yAxis});
        curve->replace(points);
        if (points.isEmpty()) hideFromLegend(m_chart, curve); // named in the note instead
        m_curves.push_back(curve);
    }
    // The hovered point: last, so that it is drawn on top of the curves.
    m_marker = addHoverMarker(m_chart, {m_xAxis, m_yAxis});
}

void SpectrumView::rebuildFits() {
    for (QLineSeries* fit : m_fits) {
        m_chart->removeSeries(fit);
        delete fit;
    }
    m_fits.clear();
    for (const SpectrumSeries& s : m_series) {
        if (!m_selected.contains(s.layerName) || s.fitLo < 1 || s.fitHi <= s.fitLo) continue;
        // A power law is a straight line on log-log axes: its two ends describe it exactly.
        auto* fit = new QLineSeries;
        fit->setName(
            tr("fit %1, α = %2 (k = %3–%4)").arg(s.layerName).arg(s.alpha, 0, 'f', 2).arg(s.fitLo).arg(s.fitHi));
        fit->append(s.fitLo, fittedEigenvalue(s, s.fitLo));
        fit->append(s.fitHi, fittedEigenvalue(s, s.fitHi));
        QPen pen(fitAccent());
        pen.setWidthF(kFitWidth);
        pen.setStyle(Qt::DashLine);
        fit->setPen(pen);
        attachSeries(m_chart, fit, {m_xAxis, m_yAxis});
        m_fits.push_back(fit);
    }
}

void SpectrumView::updateAxes() {
    double kMax = 10, lambdaMin = std::numeric_limits<double>::infinity(), lambdaMax = 0;
    for (const SpectrumSeries& s : m_series) {
        kMax = std::max(kMax, static_cast<double>(s.eigenvalues.size()));
        for (double value : s.eigenvalues)
            if (value > 0 && std::isfinite(value)) {
                lambdaMin = std::min(lambdaMin, value);
                lambdaMax = std::max(lambdaMax, value);
            }
    }
    if (!(lambdaMax > 0)) lambdaMin = 1e-3, lambdaMax = 1;
    lambdaMin = std::max(lambdaMin, lambdaMax * kRoundOffFloor);
    const LogRange x = readableLogRange(0.8, kMax * 1.15);
    const LogRange y = readableLogRange(lambdaMin / 1.5, lambdaMax * 1.5);
    m_xAxis->setRange(x.min, x.max);
    m_xAxis->setLabelFormat(x.labelFormat);
    m_yAxis->setRange(y.min, y.max);
    m_yAxis->setLabelFormat(y.labelFormat);
}

void SpectrumView::updateNote() {
    QStringList lines;
    int undrawn = 0;
    for (const SpectrumSeries& s : m_series) {
        const bool drawn = hasDrawableSpectrum(s);
        if (drawn && (s.status.isEmpty() || !m_selected.contains(s.layerName))) continue;
        undrawn += drawn ? 0 : 1;
        const QString reason = s.status.isEmpty() ? tr("no positive eigenvalue") : s.status;
        lines
            << (drawn ? tr("%1: no power-law fit (%2)") : tr("%1: no spectrum to draw (%2)")).arg(s.layerName, reason);
    }
    if (lines.size() > kNoteLines) {
        const qsizetype more = lines.size() - kNoteLines;
        lines = lines.mid(0, kNoteLines);
        lines << tr("… and %1 more").arg(more);
    }
    if (!m_series.empty() && undrawn == static_cast<int>(m_series.size()))
        lines.prepend(tr("No layer has a spectrum to draw on log axes:"));
    QStringList html;
    for (const QString& line : lines)
        html << line.toHtmlEscaped();
    m_note->setHtml(html.join(QStringLiteral("<br>")));
    m_note->setVisible(!lines.isEmpty());
    placeNote();
}

void SpectrumView::placeNote() {
    // Bottom left of the plot, where the curves of a decaying spectrum leave room, wrapped to the plot's width.
    const QRectF plot = m_chart->plotArea();
    m_note->setTextWidth(std::max(120.0, plot.width() - 24));
    m_note->setPos(plot.left() + 12, std::max(plot.top(), plot.bottom() - 8 - m_note->boundingRect().height()));
}

QString SpectrumView::noteText() const {
    return m_note->isVisible() ? m_note->toPlainText() : QString();
}

void SpectrumView::showReadoutNear(QPointF position) {
    LogLogFrame frame;
    frame.plotArea = m_chart->plotArea();
    frame.xMin = m_xAxis->min();
    frame.xMax = m_xAxis->max();
    frame.yMin = m_yAxis->min();
    frame.yMax = m_yAxis->max();
    const std::optional<SpectrumPoint> point = nearestSpectrumPoint(m_series, frame, position, kHoverRadiusPixels);
    if (!point ||
        !frame.plotArea.adjusted(-kHoverRadiusPixels, -kHoverRadiusPixels, kHoverRadiusPixels, kHoverRadiusPixels)
             .contains(position)) {
        clearReadout();
        return;
    }
    const SpectrumSeries& s = m_series[point->series];
    setReadoutText(tr("%1   ·   component k = %2   ·   eigenvalue λ = %3")
                       .arg(s.layerName)
                       .arg(point->component)
                       .arg(point->eigenvalue, 0, 'g', 4));
    if (m_marker) m_marker->replace({QPointF(point->component, point->eigenvalue)});
}

void SpectrumView::clearReadout() {
    setReadoutText(m_series.empty() ? tr("No spectra to show.")
                                    : tr("Point at a curve to read its component and eigenvalue."));
    if (m_marker) m_marker->clear();
}

} // namespace codescope::widgets
