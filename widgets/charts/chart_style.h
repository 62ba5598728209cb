#pragma once
// The look every Codescope figure shares, so that the views and their PDF exports read alike: white background,
// no rounded frame or shadow (they print badly), legible titles, log axes whose ticks sit on powers of ten and
// linear axes with round tick steps.
#include <QString>
#include <initializer_list>

class QAbstractAxis;
class QAbstractSeries;
class QChart;
class QScatterSeries;

namespace codescope::widgets {

/// Plain white figure, no animation (a redraw must be immediate when the selection or the run changes), legend on
/// the right.
void applyFigureStyle(QChart* chart);
/// Sets a two-line title: `title` in bold and, below it in a smaller plain font, `subtitle` (e.g. which model on
/// which data set), so that long subtitles do not crowd the figure's name.
void setFigureTitle(QChart* chart, const QString& title, const QString& subtitle);
/// Axis title and label fonts and light grid lines.
void styleAxis(QAbstractAxis* axis);
/// Adds `series` to `chart` and attaches it to `axes` (which the chart must already hold).
void attachSeries(QChart* chart, QAbstractSeries* series, std::initializer_list<QAbstractAxis*> axes);
/// Keeps `series` (already in `chart`) out of the legend: error bars, markers and other decorations.
void hideFromLegend(QChart* chart, QAbstractSeries* series);
/// Adds the marker of the hovered point, out of the legend and empty until the read-out fills it: added last, it is
/// drawn on top of the data.
QScatterSeries* addHoverMarker(QChart* chart, std::initializer_list<QAbstractAxis*> axes);

/// A range for a base-10 log axis that holds [lo, hi] (0 < lo < hi) and spans at least one power of ten so that
/// the axis has labelled ticks, with a printf label format that suits its decades ("%g" for 0.0001..1e5, else
/// "%.0e").
struct LogRange {
    double min = 1, max = 10;
    QString labelFormat;
};
LogRange readableLogRange(double lo, double hi);

/// A range for a linear axis that holds [lo, hi] (lo < hi) with ticks every `step`, a 1, 2, 2.5 or 5 times a power
/// of ten chosen so that there are at most `maxTicks` intervals; min and max are multiples of step. Unlike
/// QValueAxis::applyNiceNumbers it never doubles the range, so the data fill the plot.
struct LinearRange {
    double min = 0, max = 1, step = 0.1;
};
LinearRange readableLinearRange(double lo, double hi, int maxTicks);

} // namespace codescope::widgets
