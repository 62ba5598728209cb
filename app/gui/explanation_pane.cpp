#include "app/gui/explanation_pane.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

#include "app/gui/analysis_job.h"
#include "app/figures/analysis_session.h"
#include "app/gui/theory_compute_pane.h"
#include "core/common/input_error.h"
#include "widgets/charts/alpha_depth_view.h"

namespace codescope::gui {

namespace {

const char* const kFigureSubtitle = "Paper Fig. 7b: single neurons against random projections (Bills et al.'s method)";

} // namespace

std::vector<widgets::RunPlotSeries> explanationSeries(const std::vector<explain::DepthScore>& scores) {
    std::vector<widgets::RunPlotSeries> series(2);
    series[0].runLabel = QObject::tr("single neurons");
    series[0].dropout = 0.2; // the shade: neurons light, projections dark
    series[1].runLabel = QObject::tr("random projections");
    series[1].dropout = 0.8;
    for (const explain::DepthScore& score : scores) {
        widgets::RunPlotPoint point;
        point.x = score.depth;
        point.layerName = QString::fromStdString(score.layer);
        point.y = score.mean;
        if (score.units > 1) {
            point.lo = score.lo;
            point.hi = score.hi;
        }
        series[score.projections ? 1 : 0].points.push_back(point);
    }
    return series;
}

widgets::RunPlotAxes explanationAxes() {
    widgets::RunPlotAxes axes;
    axes.xTitle = QObject::tr("layer depth");
    axes.yTitle = QObject::tr("explanation score (correlation)");
    axes.xName = QObject::tr("depth");
    axes.yName = QObject::tr("score");
    axes.intervalName = QObject::tr("95% CI of the mean");
    axes.reference = 0.0;
    axes.referenceName = QObject::tr("score 0");
    return axes;
}

ExplanationPane::ExplanationPane(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_pane(new TheoryComputePane), m_open(new QPushButton(tr("Open scores…"))) {
    setObjectName("explanationPane");
    m_open->setObjectName("openScores");
    m_open->setToolTip(tr("A file written by codescope-cli explain --json"));
    m_pane->view()->setObjectName("explanationView");
    m_pane->view()->setAxes(explanationAxes());
    m_pane->view()->setTitle(tr("Explanation scores by depth"), tr(kFigureSubtitle));
    auto* row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(m_open);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_pane, 1);
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Explanation scores"), QString(), tr("JSON (*.json);;All files (*)"));
        if (!path.isEmpty()) openScores(path);
    });
    connect(m_pane, &TheoryComputePane::computed, this, &ExplanationPane::showSimulationNote);
    // A file's scores replace the endpoint's job only for the time of reading it.
    connect(m_pane, &TheoryComputePane::computed, this, &ExplanationPane::useEndpointCompute);
    connect(m_pane, &TheoryComputePane::failed, this, &ExplanationPane::useEndpointCompute);
    connect(m_pane, &TheoryComputePane::cancelled, this, &ExplanationPane::useEndpointCompute);
    connect(m_session, &AnalysisSession::analysisChanged, this, &ExplanationPane::useEndpointCompute);
    useEndpointCompute();
}

void ExplanationPane::showSimulationNote() {
    {
        const std::lock_guard<std::mutex> lock(m_jobNote->mutex);
        m_simulationNote = QString::fromStdString(m_jobNote->text);
    }
    m_pane->view()->setTitle(tr("Explanation scores by depth"),
                             tr(kFigureSubtitle) + QStringLiteral("\n") + m_simulationNote);
}

bool ExplanationPane::openScores(const QString& path) {
    const std::string file = path.toStdString();
    m_pane->setCompute(
        [file, note = m_jobNote](const ProgressCallback&, const CancelToken*) {
            const std::vector<explain::UnitExplanation> units = explain::readExplanationsJson(file);
            const std::lock_guard<std::mutex> lock(note->mutex);
            note->text = explain::simulationDescription(units);
            return explanationSeries(explain::scoresByDepth(units));
        },
        tr("Reading %1…").arg(path));
    return m_pane->compute();
}

void ExplanationPane::useEndpointCompute() {
    if (m_pane->isRunning()) return;
    const Analysis analysis = m_session->analysis();
    std::vector<std::string> layers;
    for (const results::LayerSpectrum& layer : analysis.layers)
        layers.push_back(layer.layer.name);
    const bool language = m_session->hasAnalysis() && isLanguageAnalysis(analysis) && canReopenModel(analysis);
    QString description;
    try {
        const std::optional<explain::EndpointSettings> endpoint = explain::endpointFromEnvironment();
        if (!language)
            description = tr("Open the scores of codescope-cli explain, or analyse a language model in the app to "
                             "compute them here.");
        else if (!endpoint)
            description = QString::fromStdString(explain::endpointNotConfiguredMessage());
        else
            description =
                tr("Compute explains 5 random neurons and 5 random projections of each of the %1 layers "
                   "with %2 at %3.")
                    .arg(layers.size())
                    .arg(QString::fromStdString(endpoint->explainerModel), QString::fromStdString(endpoint->baseUrl));
    } catch (const InputError& error) {
        description = QString::fromUtf8(error.what());
    }
    m_pane->setCompute(
        [analysis, layers, language, note = m_jobNote](const ProgressCallback& progress, const CancelToken* cancel) {
            if (!language) throw InputError("explanation scores need a language model analysed in the app");
            const std::optional<explain::EndpointSettings> endpoint = explain::endpointFromEnvironment();
            if (!endpoint) throw InputError(explain::endpointNotConfiguredMessage());
            language::RecordOptions records;
            records.neurons = 5;
            records.projections = 5;
            const std::vector<explain::UnitExplanation> units =
                runExplanations(analysis, layers, records, *endpoint, progress, cancel);
            if (!units.empty() && !units.back().error.empty())
                throw InputError(units.back().error + " (" + std::to_string(units.size() - 1) +
                                 " units were explained before; use codescope-cli explain --json to keep them)");
            const std::lock_guard<std::mutex> lock(note->mutex);
            note->text = explain::simulationDescription(units);
            return explanationSeries(explain::scoresByDepth(units));
        },
        description);
}

} // namespace codescope::gui
