#include "app/gui/token_pane.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <memory>

#include "app/gui/analysis_job.h"
#include "app/figures/analysis_session.h"
#include "app/gui/background_task.h"

namespace codescope::gui {

namespace {

QSpinBox* spinBox(int min, int max, int value, const QString& tip) {
    auto* box = new QSpinBox;
    box->setRange(min, max);
    box->setValue(value);
    box->setToolTip(tip);
    return box;
}

} // namespace

TokenPane::TokenPane(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_task(new BackgroundTask(this)), m_hint(new QLabel),
      m_sequence(spinBox(0, 1 << 30, 0, tr("Which sequence of the text (0-based)"))),
      m_draws(spinBox(1, 100000, 1000, tr("Random projections drawn per layer"))),
      m_shown(spinBox(1, 50, 5, tr("Lowest-action projections shown per layer"))),
      m_compute(new QPushButton(tr("Compute"))), m_cancel(new QPushButton(tr("Cancel"))), m_progress(new QProgressBar),
      m_browser(new QTextBrowser) {
    setObjectName("tokenPane");
    m_compute->setObjectName("computeTokens");
    m_hint->setWordWrap(true);
    m_cancel->setEnabled(false);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(180);
    m_progress->hide();
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Sequence:")));
    controls->addWidget(m_sequence);
    controls->addWidget(new QLabel(tr("Draws:")));
    controls->addWidget(m_draws);
    controls->addWidget(new QLabel(tr("Shown:")));
    controls->addWidget(m_shown);
    controls->addStretch(1);
    controls->addWidget(m_progress);
    controls->addWidget(m_cancel);
    controls->addWidget(m_compute);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_hint);
    layout->addLayout(controls);
    layout->addWidget(m_browser, 1);

    connect(m_compute, &QPushButton::clicked, this, [this] { compute(); });
    connect(m_cancel, &QPushButton::clicked, m_task, &BackgroundTask::cancel);
    connect(m_task, &BackgroundTask::progressed, this,
            [this](double fraction) { m_progress->setValue(static_cast<int>(1000 * fraction)); });
    auto ended = [this](const QString& message, bool ok) {
        m_progress->hide();
        m_cancel->setEnabled(false);
        if (!message.isEmpty()) m_hint->setText(message);
        refresh();
        Q_EMIT computed(ok);
    };
    connect(m_task, &BackgroundTask::finished, this, [ended] { ended({}, true); });
    connect(m_task, &BackgroundTask::failed, this, [ended](const QString& message) { ended(message, false); });
    connect(m_task, &BackgroundTask::cancelled, this, [this, ended] { ended(tr("Cancelled."), false); });
    connect(m_session, &AnalysisSession::analysisChanged, this, &TokenPane::refresh);
    connect(m_session, &AnalysisSession::selectionChanged, this, &TokenPane::refresh);
    refresh();
}

void TokenPane::refresh() {
    const Analysis& analysis = m_session->analysis();
    const bool usable = m_session->hasAnalysis() && isLanguageAnalysis(analysis) && canReopenModel(analysis);
    m_compute->setEnabled(usable && !m_task->isRunning() && !m_session->selectedLayers().isEmpty());
    if (m_task->isRunning()) return;
    if (!usable) {
        m_hint->setText(tr("Token trajectories are for language models: analyse one with File > Analyse a model, "
                           "data set text:FILE (with its tokenizer folder) or tokens:FILE.npy, or a tiny-lm run."));
    } else if (m_hint->text().isEmpty() || m_shownFor != reopenKey(analysis)) {
        m_hint->setText(tr("Layers %1: press Compute for their lowest-action random projections over the sequence.")
                            .arg(m_session->selectedLayers().join(QStringLiteral(", "))));
    }
    if (m_shownFor != reopenKey(analysis)) {
        m_browser->clear();
        m_html.clear();
    }
}

bool TokenPane::compute() {
    if (!m_compute->isEnabled()) return false;
    const Analysis analysis = m_session->analysis();
    std::vector<std::string> layers;
    for (const QString& name : m_session->selectedLayers())
        layers.push_back(name.toStdString());
    const std::int64_t sequence = m_sequence->value();
    language::TokenTrajectoryOptions options;
    options.draws = m_draws->value();
    options.shown = m_shown->value();
    const bool started = m_task->start([this, analysis, layers, sequence, options](const ProgressCallback& progress,
                                                                                   const CancelToken* cancel) {
        if (progress) progress(0.1);
        auto result =
            std::make_shared<TokenTrajectoryResult>(runTokenTrajectories(analysis, layers, sequence, options, cancel));
        return std::function<void()>([this, result] {
            m_html = QString::fromStdString(result->html);
            m_shownFor = result->analysisKey;
            m_browser->setHtml(m_html);
            m_hint->setText(tr("Sequence %1: the lowest-action projections of each layer first, then a typical one.")
                                .arg(result->sequence));
        });
    });
    if (!started) return false;
    m_compute->setEnabled(false);
    m_cancel->setEnabled(true);
    m_progress->setValue(0);
    m_progress->show();
    m_hint->setText(tr("Computing token trajectories…"));
    return true;
}

} // namespace codescope::gui
