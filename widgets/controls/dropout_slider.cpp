#include "widgets/controls/dropout_slider.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <algorithm>

namespace codescope::widgets {

DropoutSlider::DropoutSlider(QWidget* parent)
    : QWidget(parent), m_slider(new QSlider(Qt::Horizontal)), m_value(new QLabel), m_ends(new QLabel) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    auto* title = new QLabel(tr("<b>Dropout</b>"));
    layout->addWidget(title);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_ends);
    layout->addWidget(m_value);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(1);
    m_slider->setPageStep(1);
    m_slider->setToolTip(tr("Drag across the runs of the sweep: every view switches to that run"));
    m_value->setMinimumWidth(m_value->fontMetrics().horizontalAdvance(QStringLiteral("dropout 0.00 (run 10 of 10)")));
    // Every position is a run: tracking makes the views follow the handle while it is dragged.
    m_slider->setTracking(true);
    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        updateLabel();
        Q_EMIT currentIndexChanged(value);
    });
    setRates({});
}

void DropoutSlider::setRates(const std::vector<double>& rates, int current) {
    m_rates = rates;
    const QSignalBlocker block(m_slider);
    m_slider->setRange(0, std::max(0, static_cast<int>(rates.size()) - 1));
    m_slider->setValue(std::clamp(current, 0, std::max(0, static_cast<int>(rates.size()) - 1)));
    m_ends->setText(rates.empty() ? QString()
                                  : tr("%1 … %2").arg(rates.front(), 0, 'g', 3).arg(rates.back(), 0, 'g', 3));
    setVisible(rates.size() > 1);
    updateLabel();
}

int DropoutSlider::currentIndex() const {
    return m_rates.empty() ? -1 : m_slider->value();
}

void DropoutSlider::setCurrentIndex(int index) {
    if (index >= 0 && index < static_cast<int>(m_rates.size())) m_slider->setValue(index);
}

QString DropoutSlider::currentText() const {
    if (m_rates.empty()) return {};
    const int index = m_slider->value();
    return tr("dropout %1 (run %2 of %3)")
        .arg(m_rates[static_cast<std::size_t>(index)], 0, 'g', 3)
        .arg(index + 1)
        .arg(m_rates.size());
}

void DropoutSlider::updateLabel() {
    m_value->setText(currentText());
}

} // namespace codescope::widgets
