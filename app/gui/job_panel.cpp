#include "app/gui/job_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <algorithm>
#include <cmath>

namespace codescope::gui {

namespace {
constexpr int kProgressSteps = 1000;
constexpr int kEndedMessageMs = 4000;
} // namespace

QString remainingTimeText(double fraction, double elapsedSeconds) {
    if (!(fraction >= 0.02) || fraction >= 1.0 || elapsedSeconds < 1.0) return {};
    const long long seconds = std::llround(elapsedSeconds * (1.0 - fraction) / fraction);
    if (seconds < 60) return QObject::tr("about %1 s left").arg(seconds);
    if (seconds < 3600)
        return QObject::tr("about %1 min %2 s left").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QObject::tr("about %1 h %2 min left")
        .arg(seconds / 3600)
        .arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

JobPanel::JobPanel(QWidget* parent)
    : QWidget(parent), m_description(new QLabel), m_bar(new QProgressBar), m_rate(new QLabel), m_remaining(new QLabel),
      m_cancel(new QPushButton(tr("Cancel"))) {
    setObjectName("jobPanel");
    m_bar->setRange(0, kProgressSteps);
    m_bar->setTextVisible(true);
    m_bar->setFormat(QStringLiteral("%p%"));
    m_rate->setMinimumWidth(110);
    m_remaining->setMinimumWidth(150);
    m_cancel->setToolTip(tr("Stop the analysis at its next checkpoint; nothing is kept"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_description);
    layout->addWidget(m_bar, 1);
    layout->addWidget(m_rate);
    layout->addWidget(m_remaining);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        m_description->setText(tr("Cancelling…"));
        Q_EMIT cancelRequested();
    });
    hide();
}

QString JobPanel::rateText() const {
    return m_rate->text();
}
QString JobPanel::remainingText() const {
    return m_remaining->text();
}

void JobPanel::jobStarted(const QString& description) {
    m_clock.start();
    m_description->setText(description);
    m_bar->setValue(0);
    m_rate->clear();
    m_remaining->setText(tr("starting…"));
    m_cancel->setEnabled(true);
    show();
}

void JobPanel::showProgress(double fraction, double samplesPerSecond) {
    m_bar->setValue(static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * kProgressSteps)));
    // A sample is an image, or a token of a language model.
    if (samplesPerSecond > 0) m_rate->setText(tr("%1 samples/s").arg(samplesPerSecond, 0, 'f', 1));
    m_remaining->setText(remainingTimeText(fraction, m_clock.elapsed() / 1000.0));
}

void JobPanel::jobEnded(const QString& message) {
    m_description->setText(message);
    m_remaining->clear();
    m_cancel->setEnabled(false);
    // The panel hides itself later unless another job has started meanwhile.
    QTimer::singleShot(kEndedMessageMs, this, [this] {
        if (!m_cancel->isEnabled()) hide();
    });
}

} // namespace codescope::gui
