#include "widgets/charts/chart_figure.h"

#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include "widgets/charts/chart_hover_tracker.h"
#include "widgets/charts/chart_style.h"

namespace codescope::widgets {

ChartFigure::ChartFigure(const QString& readoutName, QWidget* parent)
    : QWidget(parent), m_chart(new QChart), m_view(new QChartView(m_chart)), m_readout(new QLabel) {
    applyFigureStyle(m_chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_readout->setObjectName(readoutName);
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readout->setContentsMargins(8, 2, 8, 4);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_readout);
    // The handlers are virtual: the tracker only signals once the view is shown, after construction.
    auto* tracker = new ChartHoverTracker(m_view);
    connect(tracker, &ChartHoverTracker::moved, this, [this](QPointF position) { showReadoutNear(position); });
    connect(tracker, &ChartHoverTracker::left, this, [this] { clearReadout(); });
}

void ChartFigure::setTitle(const QString& title, const QString& subtitle) {
    setFigureTitle(m_chart, title, subtitle);
}

QString ChartFigure::readoutText() const {
    return m_readout->text();
}

void ChartFigure::setReadoutText(const QString& text) {
    m_readout->setText(text);
}

} // namespace codescope::widgets
