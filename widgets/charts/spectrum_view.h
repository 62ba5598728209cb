#pragma once
// Fig. 3b: PCA eigenvalue against component index on log-log axes, one grey curve per layer (light = shallow,
// dark = deep), the dashed power-law (Huber) fit over the fit range for the selected layers, and a read-out of the
// data point under the mouse. A layer without a spectrum (a dead or constant one: every eigenvalue 0) has nothing to
// draw on log axes: a note in the plot names it with its reason, as it does a selected layer drawn without a fit.
#include <QStringList>
#include <vector>

#include "widgets/charts/chart_figure.h"
#include "widgets/charts/spectrum_series.h"

class QChart;
class QChartView;
class QGraphicsTextItem;
class QLabel;
class QLineSeries;
class QLogValueAxis;
class QScatterSeries;

namespace codescope::widgets {

class SpectrumView : public ChartFigure {
    Q_OBJECT
public:
    explicit SpectrumView(QWidget* parent = nullptr);

    /// Replaces every curve. Series are drawn in depth order whatever order they come in.
    void setSeries(std::vector<SpectrumSeries> series);
    /// Layers whose curves are emphasised and whose fit lines are drawn; unknown names are ignored.
    void setSelectedLayers(const QStringList& layerNames);

    /// The series as drawn, in depth order.
    const std::vector<SpectrumSeries>& series() const { return m_series; }
    QStringList selectedLayers() const { return m_selected; }
    /// The note in the plot, as plain text: the layers without a spectrum to draw and the selected layers without a
    /// fit, each with its reason; empty (and hidden) when every layer is drawn as asked.
    QString noteText() const;
    void showReadoutNear(QPointF position) override;

private:
    void rebuildCurves();
    void rebuildFits();
    void updateAxes();
    void updateNote();
    void placeNote();
    void clearReadout() override;

    std::vector<SpectrumSeries> m_series;
    QStringList m_selected;
    QLogValueAxis* m_xAxis;
    QLogValueAxis* m_yAxis;
    std::vector<QLineSeries*> m_curves; // parallel to m_series
    std::vector<QLineSeries*> m_fits;
    QScatterSeries* m_marker = nullptr; // the hovered point
    QGraphicsTextItem* m_note;          // in the chart's scene, so that exports show it too
};

} // namespace codescope::widgets
