#include "widgets/charts/chart_with_readout.h"

#include <QPainter>
#include <QVBoxLayout>

namespace codescope::widgets {

void layoutChartWithReadout(QWidget* owner, QChartView* view, QLabel* readout, const QString& readoutName) {
    view->setRenderHint(QPainter::Antialiasing);
    readout->setObjectName(readoutName);
    readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    readout->setContentsMargins(8, 2, 8, 4);
    auto* layout = new QVBoxLayout(owner);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(view, 1);
    layout->addWidget(readout);
}

} // namespace codescope::widgets
