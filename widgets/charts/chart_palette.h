#pragma once
// The colour conventions of the paper's figures: layers in shades of grey by depth (Fig. 3b: light = shallow,
// dark = deep) and runs in shades of green by dropout rate (Fig. 6b: light = low dropout, dark = high).
#include <QColor>

namespace codescope::widgets {

/// Grey for the layer at `rank` (0 = shallowest) of `count` layers: evenly spaced from light grey to near black, so
/// that neighbouring layers stay distinguishable however many there are. A single layer is mid-dark grey.
QColor depthGrey(int rank, int count);

/// Green for a run with `dropout` when the runs span [minDropout, maxDropout]: light green at the lowest rate, dark
/// green at the highest. A single run (or NaN dropout) gets a mid green.
QColor dropoutGreen(double dropout, double minDropout, double maxDropout);

/// The colour of everything that marks a power-law fit or a selection, chosen to stand out against greys and greens.
QColor fitAccent();

} // namespace codescope::widgets
