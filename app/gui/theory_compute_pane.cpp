#include "app/gui/theory_compute_pane.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <memory>

#include "app/gui/background_task.h"
#include "app/gui/error_dialog.h"
#include "widgets/charts/alpha_depth_view.h"

namespace codescope::gui {

namespace {
constexpr int kProgressSteps = 1000;
}

TheoryComputePane::TheoryComputePane(QWidget* parent)
    : QWidget(parent), m_view(new widgets::AlphaDepthView), m_task(new BackgroundTask(this)), m_status(new QLabel),
      m_computeButton(new QPushButton(tr("Compute"))), m_progress(new QProgressBar),
      m_cancelButton(new QPushButton(tr("Cancel"))), m_presetBox(new QComboBox) {
    m_presetBox->setObjectName("theoryPreset");
    m_presetBox->setToolTip(tr("Which version of the figure to compute"));
    m_presetBox->setVisible(false);
    m_status->setObjectName("theoryStatus");
    m_status->setWordWrap(true);
    m_computeButton->setObjectName("theoryCompute");
    m_cancelButton->setObjectName("theoryCancel");
    m_cancelButton->setToolTip(tr("Stop the computation at its next checkpoint; nothing is kept"));
    m_progress->setRange(0, kProgressSteps);
    m_progress->setFormat(QStringLiteral("%p%"));
    auto* strip = new QHBoxLayout;
    strip->setContentsMargins(8, 4, 8, 4);
    strip->addWidget(m_presetBox);
    strip->addWidget(m_status, 1);
    strip->addWidget(m_progress);
    strip->addWidget(m_computeButton);
    strip->addWidget(m_cancelButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(strip);
    layout->addWidget(m_view, 1);

    connect(m_presetBox, &QComboBox::activated, this, [this](int index) {
        if (!selectPreset(index)) m_presetBox->setCurrentIndex(m_presetIndex);
    });
    connect(m_computeButton, &QPushButton::clicked, this, [this] { compute(); });
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        m_cancelButton->setEnabled(false);
        m_status->setText(tr("Cancelling…"));
        cancel();
    });
    connect(m_task, &BackgroundTask::progressed, this, [this](double fraction) {
        m_progress->setValue(static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * kProgressSteps)));
    });
    connect(m_task, &BackgroundTask::finished, this, [this] {
        setRunning(false);
        redraw();
        Q_EMIT computed();
    });
    connect(m_task, &BackgroundTask::failed, this, [this](const QString& message) {
        setRunning(false);
        m_status->setText(tr("Failed: %1").arg(message));
        showErrorDialog(this, tr("The computation failed"), message,
                        tr("The closed-form curves are unchanged; press Compute to try again."));
        Q_EMIT failed(message);
    });
    connect(m_task, &BackgroundTask::cancelled, this, [this] {
        setRunning(false);
        m_status->setText(tr("Cancelled; press Compute to run it again. %1").arg(m_description));
        Q_EMIT cancelled();
    });
    setRunning(false);
}

void TheoryComputePane::setBaseSeries(std::vector<widgets::RunPlotSeries> series) {
    m_base = std::move(series);
    redraw();
}

void TheoryComputePane::setCompute(Compute compute, const QString& description) {
    m_compute = std::move(compute);
    m_description = description;
    setRunning(m_task->isRunning());
}

void TheoryComputePane::setPresets(std::vector<Preset> presets) {
    m_presets = std::move(presets);
    m_presetIndex = -1;
    m_presetBox->clear();
    for (const Preset& preset : m_presets)
        m_presetBox->addItem(preset.name);
    m_presetBox->setVisible(!m_presets.empty());
    if (!m_presets.empty()) selectPreset(0);
}

bool TheoryComputePane::selectPreset(int index) {
    if (m_task->isRunning() || index < 0 || index >= static_cast<int>(m_presets.size())) return false;
    const Preset& preset = m_presets[static_cast<std::size_t>(index)];
    m_presetIndex = index;
    m_presetBox->setCurrentIndex(index);
    m_view->setAxes(preset.axes);
    m_computed.clear();
    m_base = preset.base;
    m_status->clear();
    setCompute(preset.compute, preset.description);
    redraw();
    return true;
}

bool TheoryComputePane::isRunning() const {
    return m_task->isRunning();
}

QString TheoryComputePane::statusText() const {
    return m_status->text();
}

bool TheoryComputePane::compute() {
    if (!m_compute || m_task->isRunning()) return false;
    // The series land in a shared slot on the worker and are moved into the pane on the GUI thread.
    const Compute work = m_compute;
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    const bool started = m_task->start([this, work, clock](const ProgressCallback& progress,
                                                           const CancelToken* cancel) {
        auto series = std::make_shared<std::vector<widgets::RunPlotSeries>>(work(progress, cancel));
        return std::function<void()>([this, series, clock] {
            m_computed = std::move(*series);
            m_status->setText(tr("Computed in %1 s. %2").arg(clock->elapsed() / 1000.0, 0, 'f', 1).arg(m_description));
        });
    });
    if (started) setRunning(true);
    return started;
}

void TheoryComputePane::cancel() {
    m_task->cancel();
}

void TheoryComputePane::setRunning(bool running) {
    m_computeButton->setEnabled(!running && static_cast<bool>(m_compute));
    m_presetBox->setEnabled(!running);
    m_cancelButton->setEnabled(running);
    m_cancelButton->setVisible(running);
    m_progress->setVisible(running);
    if (running) {
        m_progress->setValue(0);
        m_status->setText(tr("Computing… %1").arg(m_description));
    } else if (m_computed.empty() && m_status->text().isEmpty()) {
        m_status->setText(m_description);
    }
}

void TheoryComputePane::redraw() {
    std::vector<widgets::RunPlotSeries> all = m_base;
    all.insert(all.end(), m_computed.begin(), m_computed.end());
    m_view->setSeries(std::move(all));
}

void TheoryComputePane::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_shownOnce) return;
    m_shownOnce = true;
    if (m_computeOnFirstShow) compute();
}

} // namespace codescope::gui
