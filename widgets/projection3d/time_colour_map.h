#pragma once
// The colour of time along a projection curve: a viridis-like map (dark violet -> blue -> teal -> green -> yellow),
// ordered in lightness so that early and late read apart in colour and in grey, and readable by colour-blind people.
#include <QColor>

namespace codescope::widgets {

/// The colour at `u` in [0, 1] (clamped; NaN gives the colour at 0): viridis interpolated linearly between nine of its
/// samples, dark violet (#440154) at 0 and yellow (#FDE725) at 1.
QColor timeColour(double u);

} // namespace codescope::widgets
