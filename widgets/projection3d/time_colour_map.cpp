#include "widgets/projection3d/time_colour_map.h"

#include <array>
#include <cmath>

namespace codescope::widgets {

namespace {

// viridis (matplotlib's perceptually uniform map) at u = 0, 1/8, ..., 1.
constexpr std::array<std::array<int, 3>, 9> kViridisStops{{{68, 1, 84},
                                                           {71, 45, 123},
                                                           {59, 82, 139},
                                                           {44, 114, 142},
                                                           {33, 144, 140},
                                                           {39, 173, 129},
                                                           {93, 200, 99},
                                                           {170, 220, 50},
                                                           {253, 231, 37}}};

} // namespace

QColor timeColour(double u) {
    if (!(u > 0)) u = 0; // also NaN
    if (u > 1) u = 1;
    const double position = u * (kViridisStops.size() - 1);
    const auto lower = static_cast<std::size_t>(std::floor(position));
    const std::size_t upper = lower + 1 < kViridisStops.size() ? lower + 1 : lower;
    const double weight = position - static_cast<double>(lower);
    std::array<int, 3> rgb{};
    for (std::size_t c = 0; c < 3; ++c)
        rgb[c] =
            static_cast<int>(std::lround((1 - weight) * kViridisStops[lower][c] + weight * kViridisStops[upper][c]));
    return QColor(rgb[0], rgb[1], rgb[2]);
}

} // namespace codescope::widgets
