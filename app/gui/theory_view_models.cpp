#include "app/gui/theory_view_models.h"

#include <QObject>
#include <limits>

#include "core/theory/coding_theory.h"

namespace codescope::gui {

std::vector<widgets::AlphaDepthSeries> dropoutCapacitySeries(const std::vector<double>& dropouts, int maxLayers) {
    std::vector<widgets::AlphaDepthSeries> series;
    for (double dropout : dropouts) {
        widgets::AlphaDepthSeries without, with;
        without.runLabel = QObject::tr("no error correction");
        with.runLabel = QObject::tr("error correction");
        without.dropout = with.dropout = dropout;
        for (int layers = 1; layers <= maxLayers; ++layers) {
            widgets::AlphaDepthPoint p;
            p.depth = layers;
            p.layerName = QObject::tr("%1 dropout layers").arg(layers);
            p.alpha = theory::dropoutCapacityWithoutCorrection(1.0, dropout, layers);
            without.points.push_back(p);
            p.alpha = theory::dropoutCapacityWithCorrection(1.0, dropout);
            with.points.push_back(p);
        }
        series.push_back(std::move(without));
        series.push_back(std::move(with));
    }
    return series;
}

widgets::RunPlotAxes dropoutCapacityAxes() {
    widgets::RunPlotAxes axes = widgets::alphaDepthAxes();
    axes.xTitle = QObject::tr("dropout layers N");
    axes.xName = QObject::tr("N");
    axes.yTitle = QObject::tr("capacity left, C~ / C");
    axes.yName = QObject::tr("C~/C");
    axes.reference = std::numeric_limits<double>::quiet_NaN();
    axes.shadeName = QObject::tr("D =");
    return axes;
}

std::vector<widgets::AlphaDepthSeries> compressionSeries(const std::vector<double>& entropyBits, int points) {
    std::vector<widgets::AlphaDepthSeries> series;
    auto curve = [points](const QString& label, double shade, auto rate) {
        widgets::AlphaDepthSeries s;
        s.runLabel = label;
        s.dropout = shade; // the views colour series by this value
        for (int i = 0; i < points; ++i) {
            widgets::AlphaDepthPoint p;
            p.depth = static_cast<double>(i) / (points - 1);
            p.layerName = QObject::tr("S = %1").arg(p.depth, 0, 'g', 3);
            p.alpha = rate(p.depth);
            s.points.push_back(p);
        }
        return s;
    };
    for (std::size_t i = 0; i < entropyBits.size(); ++i) {
        const double bits = entropyBits[i];
        series.push_back(curve(QObject::tr("R(S, H = %1 bits)").arg(bits), static_cast<double>(i),
                               [bits](double s) { return theory::compressionRate(s, bits); }));
    }
    series.push_back(curve(QObject::tr("limit 1 − S"), static_cast<double>(entropyBits.size()),
                           [](double s) { return theory::compressionRateLimit(s); }));
    return series;
}

widgets::RunPlotAxes compressionAxes() {
    widgets::RunPlotAxes axes = widgets::alphaDepthAxes();
    axes.xTitle = QObject::tr("sparsity S (fraction of zero inputs)");
    axes.xName = QObject::tr("S");
    axes.yTitle = QObject::tr("compression rate R (hidden units per input)");
    axes.yName = QObject::tr("R");
    axes.integerX = false;
    axes.reference = std::numeric_limits<double>::quiet_NaN();
    axes.shadeName.clear();
    return axes;
}

} // namespace codescope::gui
