#include "widgets/charts/chart_style.h"

#include <QAbstractAxis>
#include <QAbstractSeries>
#include <QChart>
#include <QFont>
#include <QLegend>
#include <QLegendMarker>
#include <QScatterSeries>
#include <algorithm>
#include <cmath>

#include "widgets/charts/chart_palette.h"

namespace codescope::widgets {

void applyFigureStyle(QChart* chart) {
    chart->setTheme(QChart::ChartThemeLight);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setDropShadowEnabled(false);
    chart->setBackgroundBrush(Qt::white);
    chart->setMargins(QMargins(6, 6, 6, 6));
    QFont title = chart->titleFont();
    title.setPointSizeF(12);
    title.setBold(true);
    chart->setTitleFont(title);
    chart->legend()->setAlignment(Qt::AlignRight);
    QFont legend = chart->legend()->font();
    legend.setPointSizeF(8.5);
    chart->legend()->setFont(legend);
}

void setFigureTitle(QChart* chart, const QString& title, const QString& subtitle) {
    // The chart's title item renders HTML; sizes in pt so that the PDF export keeps the proportions.
    QString html = QStringLiteral("<div align=\"center\">%1").arg(title.toHtmlEscaped());
    if (!subtitle.isEmpty())
        html += QStringLiteral("<br><span style=\"font-size:9pt; font-weight:normal; color:#555555\">%1</span>")
                    .arg(subtitle.toHtmlEscaped());
    chart->setTitle(html + QStringLiteral("</div>"));
}

void styleAxis(QAbstractAxis* axis) {
    QFont title = axis->titleFont();
    title.setPointSizeF(10);
    title.setBold(false);
    axis->setTitleFont(title);
    QFont labels = axis->labelsFont();
    labels.setPointSizeF(9);
    axis->setLabelsFont(labels);
    axis->setLinePenColor(QColor(60, 60, 60));
    axis->setLabelsColor(QColor(30, 30, 30));
    axis->setGridLineColor(QColor(222, 222, 222));
    axis->setMinorGridLineColor(QColor(240, 240, 240));
}

void attachSeries(QChart* chart, QAbstractSeries* series, std::initializer_list<QAbstractAxis*> axes) {
    chart->addSeries(series);
    for (QAbstractAxis* axis : axes)
        series->attachAxis(axis);
}

void hideFromLegend(QChart* chart, QAbstractSeries* series) {
    for (QLegendMarker* marker : chart->legend()->markers(series))
        marker->setVisible(false);
}

QScatterSeries* addHoverMarker(QChart* chart, std::initializer_list<QAbstractAxis*> axes) {
    auto* marker = new QScatterSeries;
    marker->setMarkerSize(9);
    marker->setColor(fitAccent());
    marker->setBorderColor(Qt::white);
    attachSeries(chart, marker, axes);
    hideFromLegend(chart, marker);
    return marker;
}

LogRange readableLogRange(double lo, double hi) {
    LogRange range{lo, hi, {}};
    // Fewer than two powers of ten inside the range would leave the axis with one label or none: widen to the
    // enclosing decades.
    if (std::floor(std::log10(hi)) - std::ceil(std::log10(lo)) < 1) {
        range.min = std::pow(10.0, std::floor(std::log10(lo)));
        range.max = std::pow(10.0, std::ceil(std::log10(hi)));
    }
    const bool plain = std::log10(range.min) >= -4.5 && std::log10(range.max) <= 5.5;
    range.labelFormat = plain ? QStringLiteral("%g") : QStringLiteral("%.0e");
    return range;
}

LinearRange readableLinearRange(double lo, double hi, int maxTicks) {
    if (!(hi > lo)) hi = lo + 1;
    const double raw = (hi - lo) / std::max(maxTicks, 1);
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * decade;
    for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (factor * decade >= raw) {
            step = factor * decade;
            break;
        }
    // A hair of tolerance so that a value already on a tick does not get a whole extra interval.
    const double eps = 1e-9 * step;
    return {std::floor((lo + eps) / step) * step, std::ceil((hi - eps) / step) * step, step};
}

} // namespace codescope::widgets
