#include "app/figures/report_pages.h"

#include <QFileInfo>
#include <QLabel>
#include <QLayout>
#include <QObject>
#include <QPixmap>

#include "app/figures/analysis_figures.h"
#include "app/figures/analysis_session.h"
#include "app/figures/analysis_view_models.h"
#include "app/figures/paper_checks_pane.h"
#include "widgets/charts/spectrum_view.h"
#include "widgets/gallery/eigenfilter_gallery.h"
#include "widgets/projection3d/projection_grid_view.h"
#include "widgets/projection3d/projection_view_3d.h"

namespace codescope::gui {

namespace {
// The on-screen size the per-run spectra are laid out at, as a figure in the app's window would be.
constexpr int kFigureWidth = 1000, kFigureHeight = 660;
// Figures made only for the report are never shown, and widgets::figureSize() exports a hidden widget at 900 x 600:
// laid out at that size, they fill their page area exactly.
constexpr int kSnapshotWidth = 900, kSnapshotHeight = 600;
// The provenance block every page carries under its caption: what made the analysis the figure shows.
QString provenanceBlock(const Analysis& analysis) {
    return QObject::tr("\n\nHow this was made. %1").arg(provenanceTextLines(analysis).join(QStringLiteral("\n")));
}

} // namespace

ReportPages::ReportPages(const AnalysisSession& session, const ReportSources& sources) {
    std::vector<widgets::ReportPage> figures = sources.figures->reportPages();
    std::size_t shared = 0; // the first page whose provenance is the shown analysis'
    if (!session.hasSweep()) {
        m_title = QObject::tr("Codescope report — %1").arg(analysisTitle(session.analysis()));
        m_pages = std::move(figures);
    } else {
        m_title = session.sweepSkipped().isEmpty()
                      ? QObject::tr("Codescope report — sweep %1 (%2 runs)")
                            .arg(QFileInfo(session.sweepFolder()).fileName())
                            .arg(session.sweepRuns().size())
                      : QObject::tr("Codescope report — sweep %1 (%2 of %3 runs analysed)")
                            .arg(QFileInfo(session.sweepFolder()).fileName())
                            .arg(session.sweepRuns().size())
                            .arg(session.sweepRuns().size() + static_cast<std::size_t>(session.sweepSkipped().size()));
        addRunSpectra(session);
        shared = m_pages.size();
        // The figures after the first (its spectrum is the current run's, already among the pages above).
        for (std::size_t i = 1; i < figures.size(); ++i) {
            figures[i].title = QObject::tr("Figure %1").arg(m_pages.size() + 1);
            m_pages.push_back(figures[i]);
        }
    }
    if (sources.gallery) addEigenfilterPage(sources.gallery);
    if (sources.projections) addProjectionPage(session, sources.projections);
    addPaperChecksPage(session);
    // In a sweep the pages after the per-run spectra span the runs; their provenance is the shown run's (the runs
    // differ only in dropout rate).
    for (std::size_t i = shared; i < m_pages.size(); ++i)
        m_pages[i].caption += provenanceBlock(session.analysis());
}

void ReportPages::addRunSpectra(const AnalysisSession& session) {
    for (const SweepRunAnalysis& run : session.sweepRuns()) {
        auto view = std::make_unique<widgets::SpectrumView>();
        view->resize(kFigureWidth, kFigureHeight);
        view->setSeries(spectrumSeriesOf(run.analysis));
        view->setTitle(QObject::tr("PCA eigenspectrum per layer, dropout %1").arg(run.dropout, 0, 'g', 3),
                       analysisTitle(run.analysis));
        const QString noAlpha = layersWithoutAlphaText(run.analysis);
        m_pages.push_back({view.get(), QObject::tr("Figure %1").arg(m_pages.size() + 1),
                           QObject::tr("%1, dropout %2. Eigenvalues of the activation covariance against component "
                                       "index on log-log axes, one curve per layer, light grey for shallow and dark "
                                       "for deep layers.%3")
                                   .arg(run.runName)
                                   .arg(run.dropout, 0, 'g', 3)
                                   .arg(noAlpha.isEmpty() ? QString() : QStringLiteral(" %1.").arg(noAlpha)) +
                               provenanceBlock(run.analysis)});
        m_runSpectra.push_back(std::move(view));
    }
}

void ReportPages::addPaperChecksPage(const AnalysisSession& session) {
    const std::vector<claims::PaperCheck> checks = paperChecksOf(session);
    if (checks.empty()) return;
    // A table, not a chart: rich text in a label laid out at figure size, so that the PDF keeps it as text.
    auto table = std::make_unique<QLabel>();
    table->setObjectName("paperChecksPage");
    table->resize(kSnapshotWidth, kSnapshotHeight);
    table->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    table->setWordWrap(true);
    table->setStyleSheet(QStringLiteral("background: white; color: black;"));
    table->setTextFormat(Qt::RichText);
    table->setText(paperChecksHtml(checks));
    const QString what = session.hasSweep() ? QObject::tr("this sweep's %1 runs").arg(session.sweepRuns().size())
                                            : QObject::tr("this analysis (the claims one run can test)");
    m_pages.push_back({table.get(), QObject::tr("Paper checks"),
                       QObject::tr("The paper's claims tested on %1: %2. Each run's and layer's numbers are in the "
                                   "app's “Paper checks” tab and in “codescope-cli analyze --sweep DIR --json FILE”.")
                           .arg(what, QString::fromStdString(claims::verdictRuleText()))});
    m_snapshots.push_back(std::move(table));
}

void ReportPages::addEigenfilterPage(const widgets::EigenfilterGallery* shown) {
    if (shown->tileCount() == 0) return; // nothing computed for the selected layer
    // A copy laid out at figure size: the tab's gallery may be hidden, squeezed or scrolled, and QWidget::render
    // paints a widget as it is laid out.
    auto gallery = std::make_unique<widgets::EigenfilterGallery>();
    gallery->resize(kSnapshotWidth, kSnapshotHeight);
    gallery->setImages(shown->images(), shown->caption());
    gallery->setTileSize(shown->tileSize());
    if (gallery->layout()) gallery->layout()->activate();
    m_pages.push_back({gallery.get(), QObject::tr("Figure %1").arg(m_pages.size() + 1),
                       QObject::tr("Eigenfilters (paper Fig. 3d). %1").arg(shown->caption())});
    m_snapshots.push_back(std::move(gallery));
}

void ReportPages::addProjectionPage(const AnalysisSession& session, widgets::ProjectionGridView* grid) {
    const std::vector<widgets::ProjectionCurves> layers =
        projectionCurvesOf(session.analysis(), session.selectedLayers());
    if (layers.empty()) return; // no kept curves for the selected layers: the tab is disabled too
    QStringList names;
    for (const widgets::ProjectionCurves& layer : layers)
        names << layer.layer;
    const QString caption =
        QObject::tr("Random projections z(t) of the response of %1 to the moving dot, in 3-D, coloured by time t "
                    "(dark violet early, yellow late; paper Fig. 4b).")
            .arg(names.join(QStringLiteral(", ")));
    // The 3-D views are VTK in QOpenGLWidgets: QWidget::render cannot paint them, so the grid renders itself
    // offscreen into an image (VtkOpenGLWidget::renderImage, i.e. its framebuffer) and the page shows that image.
    // That needs an OpenGL context, which each view gets when first shown: on a platform without OpenGL (`codescope-
    // cli report` runs Qt offscreen) or before the 3-D tab was ever opened there is none, and the page says so in
    // place of the figure rather than showing blank views. Without OpenGL at all the page is left out: a report made
    // offscreen (`codescope-cli report`) holds only figures, and its README entry says the 3-D page is the app's.
    if (!widgets::VtkOpenGLWidget::openGLAvailable()) return;
    bool rendered = widgets::VtkOpenGLWidget::openGLAvailable() && grid->layerCount() > 0;
    for (int i = 0; rendered && i < grid->layerCount(); ++i)
        rendered = grid->view(i)->context() != nullptr;
    auto figure = std::make_unique<QLabel>();
    figure->resize(kSnapshotWidth, kSnapshotHeight);
    figure->setAlignment(Qt::AlignCenter);
    figure->setStyleSheet(QStringLiteral("background: white; color: #555;"));
    QImage image;
    if (rendered) image = grid->renderImage(QSize(2 * kSnapshotWidth, 2 * kSnapshotHeight));
    if (!image.isNull()) {
        figure->setScaledContents(true); // 2x the page's figure size, for print
        figure->setPixmap(QPixmap::fromImage(image));
    } else {
        figure->setWordWrap(true);
        figure->setText(QObject::tr("The 3-D curves were not drawn yet: open the “3-D curves” tab once, then export "
                                    "the report again to include them."));
    }
    m_pages.push_back({figure.get(), QObject::tr("Figure %1").arg(m_pages.size() + 1), caption});
    m_snapshots.push_back(std::move(figure));
}

ReportPages::~ReportPages() = default;

widgets::ExportResult exportReport(const AnalysisSession& session, const ReportSources& sources, const QString& path) {
    const ReportPages report(session, sources);
    return widgets::exportReportPdf(report.title(), report.pages(), path);
}

} // namespace codescope::gui
