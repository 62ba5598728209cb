#include "app/gui/report_pages.h"

#include <QFileInfo>
#include <QObject>

#include "app/gui/analysis_session.h"
#include "app/gui/analysis_view_models.h"
#include "app/gui/analysis_views.h"
#include "widgets/charts/spectrum_view.h"

namespace codescope::gui {

namespace {
// The on-screen size the per-run spectra are laid out at, as a figure in the app's window would be.
constexpr int kFigureWidth = 1000, kFigureHeight = 660;
} // namespace

ReportPages::ReportPages(const AnalysisSession& session, const AnalysisViews& views) {
    std::vector<widgets::ReportPage> figures = views.reportPages();
    if (!session.hasSweep()) {
        m_title = QObject::tr("Codescope report — %1").arg(analysisTitle(session.analysis()));
        m_pages = std::move(figures);
        return;
    }
    m_title = QObject::tr("Codescope report — sweep %1 (%2 runs)")
                  .arg(QFileInfo(session.sweepFolder()).fileName())
                  .arg(session.sweepRuns().size());
    int figure = 1;
    for (const SweepRunAnalysis& run : session.sweepRuns()) {
        auto view = std::make_unique<widgets::SpectrumView>();
        view->resize(kFigureWidth, kFigureHeight);
        view->setSeries(spectrumSeriesOf(run.analysis));
        view->setTitle(QObject::tr("PCA eigenspectrum per layer, dropout %1").arg(run.dropout, 0, 'g', 3),
                       analysisTitle(run.analysis));
        m_pages.push_back({view.get(), QObject::tr("Figure %1").arg(figure++),
                           QObject::tr("%1, dropout %2. Eigenvalues of the activation covariance against component "
                                       "index on log-log axes, one curve per layer, light grey for shallow and dark "
                                       "for deep layers.")
                               .arg(run.runName)
                               .arg(run.dropout, 0, 'g', 3)});
        m_runSpectra.push_back(std::move(view));
    }
    // The views' own pages after the first (its spectrum is the current run's, already among the pages above).
    for (std::size_t i = 1; i < figures.size(); ++i) {
        figures[i].title = QObject::tr("Figure %1").arg(figure++);
        m_pages.push_back(figures[i]);
    }
}

ReportPages::~ReportPages() = default;

widgets::ExportResult exportReport(const AnalysisSession& session, const AnalysisViews& views, const QString& path) {
    const ReportPages report(session, views);
    return widgets::exportReportPdf(report.title(), report.pages(), path);
}

} // namespace codescope::gui
