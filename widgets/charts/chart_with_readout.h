#pragma once
// The layout every chart view shares: the chart filling the widget, a one-line selectable hover read-out below it.
#include <QChartView>
#include <QLabel>
#include <QString>
#include <QWidget>

namespace codescope::widgets {

/// Lays out `view` (stretching) above `readout` in `owner`; `readoutName` is the read-out's object name, which
/// tests use to find it.
void layoutChartWithReadout(QWidget* owner, QChartView* view, QLabel* readout, const QString& readoutName);

} // namespace codescope::widgets
