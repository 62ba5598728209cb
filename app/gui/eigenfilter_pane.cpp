#include "app/gui/eigenfilter_pane.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "app/gui/analysis_job_runner.h"
#include "app/figures/analysis_session.h"

namespace codescope::gui {

namespace {
constexpr int kDefaultComponents = 16;
constexpr int kMaxComponents = 64;
} // namespace

std::vector<widgets::GalleryImage> eigenfilterGalleryImages(const EigenfilterResult& result) {
    std::vector<widgets::GalleryImage> images;
    const std::size_t shown = std::min<std::size_t>(static_cast<std::size_t>(std::max(0, result.resolvedComponents)),
                                                    std::min(result.filters.size(), result.eigenvalues.size()));
    for (std::size_t k = 0; k < shown; ++k) {
        widgets::GalleryImage image;
        image.title = QObject::tr("PC %1, λ = %2").arg(k + 1).arg(result.eigenvalues[k], 0, 'g', 3);
        image.channels = result.channels;
        image.height = result.height;
        image.width = result.width;
        image.values = result.filters[k];
        images.push_back(std::move(image));
    }
    return images;
}

EigenfilterPane::EigenfilterPane(AnalysisSession* session, AnalysisJobRunner* jobs, QWidget* parent)
    : QWidget(parent), m_session(session), m_jobs(jobs), m_layerLabel(new QLabel), m_components(new QSpinBox),
      m_compute(new QPushButton(tr("Compute for the selected layer"))), m_gallery(new widgets::EigenfilterGallery) {
    m_layerLabel->setObjectName("eigenfilterLayer");
    m_components->setObjectName("eigenfilterComponents");
    m_components->setRange(1, kMaxComponents);
    m_components->setValue(kDefaultComponents);
    m_components->setPrefix(tr("N = "));
    m_components->setToolTip(tr("How many leading principal components to show"));
    m_compute->setObjectName("computeEigenfilters");
    m_gallery->setObjectName("eigenfilterGallery");

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_layerLabel, 1);
    controls->addWidget(m_components);
    controls->addWidget(m_compute);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_gallery, 1);

    connect(m_compute, &QPushButton::clicked, this, [this] { compute(); });
    connect(m_session, &AnalysisSession::analysisChanged, this, &EigenfilterPane::refresh);
    connect(m_session, &AnalysisSession::selectionChanged, this, &EigenfilterPane::refresh);
    if (m_jobs) {
        // The button follows the runner: one job at a time, whichever kind.
        connect(m_jobs, &AnalysisJobRunner::started, this, &EigenfilterPane::refresh);
        connect(m_jobs, &AnalysisJobRunner::finished, this, &EigenfilterPane::refresh);
        connect(m_jobs, &AnalysisJobRunner::demoFinished, this, &EigenfilterPane::refresh);
        connect(m_jobs, &AnalysisJobRunner::failed, this, &EigenfilterPane::refresh);
        connect(m_jobs, &AnalysisJobRunner::cancelled, this, &EigenfilterPane::refresh);
        connect(m_jobs, &AnalysisJobRunner::eigenfiltersFinished, this, &EigenfilterPane::store);
    }
    refresh();
}

QString EigenfilterPane::currentLayer() const {
    const QStringList selected = m_session->selectedLayers();
    return m_session->hasAnalysis() && !selected.isEmpty() ? selected.front() : QString();
}

QString EigenfilterPane::cacheKey(const std::string& analysisKey, const std::string& layer) {
    return QString::fromStdString(analysisKey + '\n' + layer);
}

bool EigenfilterPane::hasCached(const QString& layer) const {
    const Analysis& analysis = m_session->analysis();
    return m_cache.count(cacheKey(reopenKey(analysis), layer.toStdString())) > 0;
}

bool EigenfilterPane::compute() {
    const QString layer = currentLayer();
    if (!m_jobs || layer.isEmpty() || !canReopenModel(m_session->analysis())) return false;
    const bool started = m_jobs->startEigenfilters(m_session->analysis(), layer, m_components->value());
    refresh();
    return started;
}

void EigenfilterPane::store(const EigenfilterResult& result) {
    m_cache[cacheKey(result.analysisKey, result.layer)] = result;
    m_shownKey.clear(); // a recomputed layer is drawn again
    refresh();
}

void EigenfilterPane::refresh() {
    const Analysis& analysis = m_session->analysis();
    const QString layer = currentLayer();
    m_layerLabel->setText(layer.isEmpty() ? tr("No layer selected") : tr("Layer: %1").arg(layer));

    QString reason;
    if (!m_jobs)
        reason = tr("This window cannot run jobs.");
    else if (!m_session->hasAnalysis())
        reason = tr("Open or analyse a model first.");
    else if (!canReopenModel(analysis))
        reason = tr("This analysis was read from a file that does not say how to reopen its model and data set: "
                    "analyse the model with File > Analyse a model, or open its sweep folder.");
    else if (layer.isEmpty())
        reason = tr("Select a layer in the list first.");
    else if (m_jobs->isRunning())
        reason = tr("A job is running; wait for it or cancel it.");
    m_compute->setEnabled(reason.isEmpty());
    m_compute->setToolTip(reason.isEmpty() ? tr("Run the model over the analysis's images again and compute the "
                                                "first N principal components of %1 as input-space images")
                                                 .arg(layer)
                                           : reason);

    const QString key = cacheKey(reopenKey(analysis), layer.toStdString());
    const auto cached = m_cache.find(key);
    if (layer.isEmpty() || cached == m_cache.end()) {
        m_shownKey.clear();
        const QString hint = reason.isEmpty() ? tr("Press “Compute for the selected layer” to see the first principal "
                                                   "components of %1 as images (paper Fig. 3d).")
                                                    .arg(layer)
                                              : reason;
        m_gallery->setImages({}, hint);
        return;
    }
    // Runner signals refresh the button too: the gallery is only redrawn (closing an enlarged view) for new filters.
    if (key == m_shownKey) return;
    m_shownKey = key;
    const EigenfilterResult& result = cached->second;
    QString caption =
        tr("Eigenfilters of %1: the first %2 principal components of its responses to %3 images of %4, each shown as "
           "the input image that predicts its score (grey = 0, white = +, black = −, each scaled to its own maximum).")
            .arg(QString::fromStdString(result.layer))
            .arg(result.resolvedComponents)
            .arg(result.samples)
            .arg(QString::fromStdString(result.datasetSpec));
    if (result.resolvedComponents < static_cast<int>(result.filters.size()))
        caption += tr(" The layer has only %1 resolvable components of the %2 asked for.")
                       .arg(result.resolvedComponents)
                       .arg(result.filters.size());
    m_gallery->setImages(eigenfilterGalleryImages(result), caption);
}

} // namespace codescope::gui
