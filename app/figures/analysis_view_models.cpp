#include "app/figures/analysis_view_models.h"

#include <QObject>
#include <QStringList>
#include <cmath>
#include <limits>

namespace codescope::gui {

QString noAlphaReason(const results::LayerSpectrum& layer) {
    const spectrum::SpectrumResult& r = layer.spectrum;
    if (!r.fitted()) return QString::fromStdString(r.status);
    if (!std::isfinite(r.alpha)) return QObject::tr("unfitted: no α in this analysis");
    return {};
}

QString layersWithoutAlphaText(const Analysis& analysis, int maxNames) {
    QStringList names;
    int count = 0;
    for (const results::LayerSpectrum& entry : analysis.layers) {
        const QString reason = noAlphaReason(entry);
        if (reason.isEmpty()) continue;
        if (count++ < maxNames)
            names << QObject::tr("%1 (%2)").arg(QString::fromStdString(entry.layer.name),
                                                QString::fromStdString(spectrum::statusKind(reason.toStdString())));
    }
    if (count == 0) return {};
    if (count > maxNames) names << QObject::tr("%1 more").arg(count - maxNames);
    return (count == 1 ? QObject::tr("%1 of %2 layers has no α: %3") : QObject::tr("%1 of %2 layers have no α: %3"))
        .arg(count)
        .arg(analysis.layers.size())
        .arg(names.join(QStringLiteral(", ")));
}

std::vector<widgets::SpectrumSeries> spectrumSeriesOf(const Analysis& analysis) {
    std::vector<widgets::SpectrumSeries> series;
    series.reserve(analysis.layers.size());
    for (const results::LayerSpectrum& entry : analysis.layers) {
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
        s.status = QString::fromStdString(r.status);
        series.push_back(std::move(s));
    }
    return series;
}

widgets::RunPlotSeries alphaDepthSeriesOf(const Analysis& analysis, const QString& runLabel, double dropout) {
    widgets::RunPlotSeries run;
    run.runLabel = runLabel;
    run.dropout = dropout;
    for (const results::LayerSpectrum& entry : analysis.layers) {
        widgets::RunPlotPoint p;
        p.x = entry.layer.depth;
        p.layerName = QString::fromStdString(entry.layer.name);
        p.missing = noAlphaReason(entry);
        // A layer without an exponent is a gap in its run's line, marked with its reason, not a point.
        if (!p.missing.isEmpty()) {
            p.y = std::numeric_limits<double>::quiet_NaN();
        } else {
            p.y = entry.spectrum.alpha;
            p.lo = entry.spectrum.alphaCiLo;
            p.hi = entry.spectrum.alphaCiHi;
        }
        run.points.push_back(p);
    }
    return run;
}

std::vector<CodingPlot> allCodingPlots() {
    return {CodingPlot::ActionByDepth, CodingPlot::ActionByAlpha, CodingPlot::ExplainedVarianceByDepth,
            CodingPlot::ExplainedVarianceByAction};
}

widgets::RunPlotAxes codingPlotAxes(CodingPlot plot) {
    widgets::RunPlotAxes axes = widgets::alphaDepthAxes();
    axes.reference = std::numeric_limits<double>::quiet_NaN();
    axes.intervalName = QObject::tr("± 1 sd over projections");
    const QString action = QObject::tr("mean action of random projections (activation²)");
    const QString explained = QObject::tr("stimulus variance explained by a projection (pooled R²)");
    switch (plot) {
    case CodingPlot::ActionByDepth:
        axes.yTitle = action;
        axes.yName = QObject::tr("action");
        break;
    case CodingPlot::ActionByAlpha:
        axes.xTitle = QObject::tr("power-law exponent α");
        axes.xName = QObject::tr("α");
        axes.yTitle = action;
        axes.yName = QObject::tr("action");
        axes.integerX = false;
        axes.connectInXOrder = false;
        break;
    case CodingPlot::ExplainedVarianceByDepth:
        axes.yTitle = explained;
        axes.yName = QObject::tr("R²");
        break;
    case CodingPlot::ExplainedVarianceByAction:
        axes.xTitle = action;
        axes.xName = QObject::tr("action");
        axes.yTitle = explained;
        axes.yName = QObject::tr("R²");
        axes.integerX = false;
        axes.connectInXOrder = false;
        break;
    }
    return axes;
}

QString codingPlotName(CodingPlot plot) {
    switch (plot) {
    case CodingPlot::ActionByDepth:
        return QStringLiteral("action-depth");
    case CodingPlot::ActionByAlpha:
        return QStringLiteral("action-alpha");
    case CodingPlot::ExplainedVarianceByDepth:
        return QStringLiteral("explained-variance-depth");
    case CodingPlot::ExplainedVarianceByAction:
        return QStringLiteral("explained-variance-action");
    }
    return {};
}

QString codingPlotTabTitle(CodingPlot plot) {
    switch (plot) {
    case CodingPlot::ActionByDepth:
        return QObject::tr("Action vs depth");
    case CodingPlot::ActionByAlpha:
        return QObject::tr("Action vs α");
    case CodingPlot::ExplainedVarianceByDepth:
        return QObject::tr("R² vs depth");
    case CodingPlot::ExplainedVarianceByAction:
        return QObject::tr("R² vs action");
    }
    return {};
}

widgets::RunPlotSeries codingSeriesOf(const Analysis& analysis, CodingPlot plot, const QString& runLabel,
                                      double dropout) {
    widgets::RunPlotSeries run;
    run.runLabel = runLabel;
    run.dropout = dropout;
    for (const results::LayerSpectrum& entry : analysis.layers) {
        if (!entry.coding) continue;
        const results::LayerCoding& c = *entry.coding;
        widgets::RunPlotPoint p;
        p.layerName = QString::fromStdString(entry.layer.name);
        const bool byDepth = plot == CodingPlot::ActionByDepth || plot == CodingPlot::ExplainedVarianceByDepth;
        const bool action = plot == CodingPlot::ActionByDepth || plot == CodingPlot::ActionByAlpha;
        p.x = byDepth ? entry.layer.depth : (plot == CodingPlot::ActionByAlpha ? entry.spectrum.alpha : c.actionMean);
        p.y = action ? c.actionMean : c.stimulusR2Mean;
        const double sd = action ? c.actionSd : c.stimulusR2Sd;
        p.lo = p.y - sd;
        p.hi = p.y + sd;
        if (!std::isfinite(p.x) && !std::isfinite(p.y)) continue; // nowhere to mark it
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
            // Marked on the edge of the axis it lacks, with why: alpha's status where alpha is the missing value.
            const QString noAlpha = noAlphaReason(entry);
            p.missing = !noAlpha.isEmpty() ? noAlpha : QObject::tr("the coding record holds no value");
            p.lo = p.hi = std::numeric_limits<double>::quiet_NaN();
        }
        run.points.push_back(p);
    }
    return run;
}

std::vector<widgets::ProjectionCurves> projectionCurvesOf(const Analysis& analysis, const QStringList& layers,
                                                          std::size_t maxLayers) {
    std::vector<widgets::ProjectionCurves> views;
    for (const results::LayerSpectrum& entry : analysis.layers) {
        if (views.size() >= maxLayers) break;
        const QString name = QString::fromStdString(entry.layer.name);
        if (!layers.contains(name) || !entry.coding || entry.coding->curves.cols() < 3) continue;
        const Eigen::MatrixXd& z = entry.coding->curves;
        widgets::ProjectionCurves view;
        view.layer = name;
        view.averageActivation = entry.coding->averageActivation;
        view.timeLabel = QObject::tr("t (angle of the dot)");
        for (Eigen::Index t = 0; t < z.rows(); ++t)
            view.times.push_back(2.0 * 3.14159265358979323846 * static_cast<double>(t) / static_cast<double>(z.rows()));
        for (Eigen::Index k = 0; k + 3 <= z.cols(); k += 3) {
            widgets::ProjectionCurve curve;
            for (Eigen::Index t = 0; t < z.rows(); ++t)
                curve.push_back({z(t, k), z(t, k + 1), z(t, k + 2)});
            view.curves.push_back(std::move(curve));
        }
        views.push_back(std::move(view));
    }
    return views;
}

bool hasCodingRecords(const Analysis& analysis) {
    for (const results::LayerSpectrum& entry : analysis.layers)
        if (entry.coding) return true;
    return false;
}

} // namespace codescope::gui
