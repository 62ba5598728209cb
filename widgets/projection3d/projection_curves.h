#pragma once
// The view model of the projection-curve views (Fig. 4b): for one layer, several random projections z(t) = r^T a(t)
// of its activations a(t) over the stimulus' time t (r an m x 3 Gaussian matrix), each a curve in 3-D. Plain data: no
// core types, no LibTorch, no VTK, so any front end can fill it.
#include <QString>
#include <array>
#include <vector>

namespace codescope::widgets {

/// One point of a projection curve: the three coordinates of z(t) for one random projection.
using CurvePoint = std::array<double, 3>;

/// One random projection's curve: z(t) at the samples t_0, t_1, ... in time order.
using ProjectionCurve = std::vector<CurvePoint>;

/// Everything one 3-D view of a layer shows.
struct ProjectionCurves {
    QString layer;                           ///< the layer's name: the view's title
    double averageActivation = 0;            ///< the layer's mean activation over the stimulus: the view's inset text
    std::vector<ProjectionCurve> curves;     ///< one curve per random projection; lengths may differ
    std::vector<double> times;               ///< t of sample i, shared by every curve; empty: t = i (the frame index)
    QString timeLabel = QStringLiteral("t"); ///< the colour bar's title
};

} // namespace codescope::widgets
