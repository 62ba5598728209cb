#pragma once
// The pages of "Export report" (the app's File menu and `codescope-cli report`): for one analysis, every figure of
// the views; for a sweep, each run's spectrum on its own page first (the views show one run at a time), then the
// figures that compare the runs; then, where the views have them, the eigenfilter gallery (Fig. 3d) and the 3-D
// projection curves (Fig. 4b); last, the paper's claims checked on the sweep or analysis ("Paper checks").
#include <QString>
#include <QWidget>
#include <memory>
#include <vector>

#include "widgets/export/figure_export.h"

namespace codescope::widgets {
class EigenfilterGallery;
class ProjectionGridView;
class SpectrumView;
} // namespace codescope::widgets

namespace codescope::gui {

class AnalysisFigures;
class AnalysisSession;

/// What a report is drawn from. Only the figures are needed (`codescope-cli report` has nothing else); the app adds
/// the eigenfilter gallery and the 3-D curves as its tabs show them.
struct ReportSources {
    const AnalysisFigures* figures = nullptr;
    const widgets::EigenfilterGallery* gallery = nullptr; ///< the Eigenfilters tab's gallery; none: no page
    widgets::ProjectionGridView* projections = nullptr;   ///< the 3-D curves tab; none: no page
};

class ReportPages {
public:
    /// Reads the session and the figures as they are now; the per-run spectrum figures it adds live as long as it
    /// does.
    ReportPages(const AnalysisSession& session, const ReportSources& sources);
    ~ReportPages();
    ReportPages(const ReportPages&) = delete;
    ReportPages& operator=(const ReportPages&) = delete;

    const std::vector<widgets::ReportPage>& pages() const { return m_pages; }
    /// The report's running header: "Codescope report — <analysis or sweep>".
    const QString& title() const { return m_title; }

private:
    void addRunSpectra(const AnalysisSession& session);
    void addEigenfilterPage(const widgets::EigenfilterGallery* shown);
    void addProjectionPage(const AnalysisSession& session, widgets::ProjectionGridView* grid);
    void addPaperChecksPage(const AnalysisSession& session);

    std::vector<std::unique_ptr<widgets::SpectrumView>> m_runSpectra;
    std::vector<std::unique_ptr<QWidget>> m_snapshots; ///< figures made for the report (gallery copy, 3-D image)
    std::vector<widgets::ReportPage> m_pages;
    QString m_title;
};

/// Writes the report of `session` (as `sources` show it) to `path` as a multi-page PDF, atomically.
widgets::ExportResult exportReport(const AnalysisSession& session, const ReportSources& sources, const QString& path);

} // namespace codescope::gui
