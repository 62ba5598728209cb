#include "app/gui/analysis_view_models.h"

#include <cmath>

namespace codescope::gui {

std::vector<widgets::SpectrumSeries> spectrumSeriesOf(const Analysis& analysis) {
    std::vector<widgets::SpectrumSeries> series;
    series.reserve(analysis.layers.size());
    for (const capture::LayerSpectrum& entry : analysis.layers) {
        const spectrum::SpectrumResult& r = entry.spectrum;
        widgets::SpectrumSeries s;
        s.layerName = QString::fromStdString(entry.layer.name);
        s.depth = entry.layer.depth;
        s.eigenvalues.assign(r.eigenvalues.data(), r.eigenvalues.data() + r.eigenvalues.size());
        s.alpha = r.alpha;
        s.intercept = r.intercept;
        // No fit line without a fitted exponent (an old file without an intercept, or a failed fit).
        const bool fitted = std::isfinite(r.alpha) && std::isfinite(r.intercept);
        s.fitLo = fitted ? r.fitLo : 0;
        s.fitHi = fitted ? r.fitHi : 0;
        series.push_back(std::move(s));
    }
    return series;
}

widgets::AlphaDepthSeries alphaDepthSeriesOf(const Analysis& analysis, const QString& runLabel, double dropout) {
    widgets::AlphaDepthSeries run;
    run.runLabel = runLabel;
    run.dropout = dropout;
    for (const capture::LayerSpectrum& entry : analysis.layers) {
        if (!std::isfinite(entry.spectrum.alpha)) continue; // a layer whose fit failed has no point to draw
        widgets::AlphaDepthPoint p;
        p.depth = entry.layer.depth;
        p.layerName = QString::fromStdString(entry.layer.name);
        p.alpha = entry.spectrum.alpha;
        p.lo = entry.spectrum.alphaCiLo;
        p.hi = entry.spectrum.alphaCiHi;
        run.points.push_back(p);
    }
    return run;
}

} // namespace codescope::gui
