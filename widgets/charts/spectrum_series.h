#pragma once
// What the spectrum view (Fig. 3b) is given: one layer's PCA eigenspectrum and its power-law fit, as plain values.
#include <QPointF>
#include <QRectF>
#include <QString>
#include <optional>
#include <vector>

namespace codescope::widgets {

struct SpectrumSeries {
    QString layerName;
    int depth = 0;                   ///< position in the forward pass; orders the grey shades
    std::vector<double> eigenvalues; ///< descending; eigenvalues[i] belongs to component k = i + 1
    double alpha = 0;                ///< power-law exponent: ln lambda_k = intercept + alpha ln k (Methods)
    double intercept = 0;            ///< natural-log intercept of that fit
    int fitLo = 0;                   ///< first fitted component, 1-based (0 = no fit to draw)
    int fitHi = 0;                   ///< last fitted component, 1-based, inclusive
    /// Why the layer has no exponent, e.g. "dead: every kept unit is 0 for every sample" (then no fit is drawn);
    /// empty when alpha was fitted.
    QString status;
};

/// True when the series has an eigenvalue a log axis can show (positive and finite): a dead or constant layer has
/// none, and the view names it in a note instead of drawing an empty curve.
bool hasDrawableSpectrum(const SpectrumSeries& series);

/// The fitted power law at component k: exp(intercept) * k^alpha.
double fittedEigenvalue(const SpectrumSeries& series, double k);

/// Where values on two logarithmic axes land in pixels: the plot area and the axes' ranges (all positive).
struct LogLogFrame {
    QRectF plotArea;
    double xMin = 1, xMax = 10, yMin = 1, yMax = 10;
    QPointF toPixel(double x, double y) const;
};

/// One eigenvalue under the mouse.
struct SpectrumPoint {
    int series = -1;   ///< index into the series given to nearestSpectrumPoint
    int component = 0; ///< k, 1-based
    double eigenvalue = 0;
};

/// The data point of `series` nearest to `pixel` in `frame`, if one lies within `maxDistance` pixels. Non-positive
/// eigenvalues have no place on a log axis: skipped.
std::optional<SpectrumPoint> nearestSpectrumPoint(const std::vector<SpectrumSeries>& series, const LogLogFrame& frame,
                                                  QPointF pixel, double maxDistance);

} // namespace codescope::widgets
