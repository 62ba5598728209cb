// The report renders the app's own figures (app/figures, shared with the app), so this command (alone in the CLI)
// runs Qt, on its offscreen platform.
#include "app/cli/report_command.h"

#include <QString>
#include <cstdio>

#include "app/cli/command_line.h"
#include "app/cli/offscreen_qt.h"
#include "app/figures/analysis_figures.h"
#include "app/figures/analysis_file.h"
#include "app/figures/analysis_session.h"
#include "app/figures/report_pages.h"
#include "app/figures/sweep_loader.h"
#include "core/common/input_error.h"

namespace codescope::cli {

namespace {

const char* const kHelp = R"(usage: codescope-cli report (--sweep DIR | --analysis FILE.json) --pdf OUT.pdf

Writes the same multi-page PDF as the app's File > Export report, without a display: for a sweep (trained by
`codescope-cli train --out DIR` and analysed by `codescope-cli analyze --sweep DIR ...`), each run's eigenspectra,
then alpha against depth for every run and the coding plots (action and explained variance, Fig. 4c-d, 6c-e); for
one analysis (`codescope-cli analyze --json`), its figures. Vector PDF, one A4 landscape page per figure, written
atomically.

options:
  --sweep DIR          a sweep folder whose runs hold cached analyses
  --analysis FILE      an analysis JSON
  --pdf FILE           the report                                                [required]
  --help               this text
)";

} // namespace

int runReportCommand(const std::vector<std::string>& args) {
    const CommandLine cl(args, {"sweep", "analysis", "pdf"}, {"help"});
    if (cl.has("help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    if (cl.has("sweep") == cl.has("analysis")) throw UsageError("give exactly one of --sweep DIR or --analysis FILE");
    if (!cl.has("pdf")) throw UsageError("report needs --pdf OUT.pdf");

    const OffscreenQtApplication qt;

    gui::AnalysisSession session;
    const gui::AnalysisFigures figures(&session);
    if (cl.has("sweep")) {
        gui::SweepReadResult read = gui::readSweep(QString::fromStdString(cl.text("sweep")));
        if (!read.ok()) throw InputError(read.error.toStdString());
        for (const QString& skipped : read.skipped)
            std::fprintf(stderr, "warning: skipped %s\n", skipped.toUtf8().constData());
        session.setSweep(std::move(read.runs), read.folder, 0, read.skipped); // the report names the runs left out
    } else {
        gui::AnalysisReadResult read = gui::readAnalysisFile(QString::fromStdString(cl.text("analysis")));
        if (!read.ok()) throw InputError(read.error.message().toStdString());
        session.setAnalysis(std::move(*read.analysis));
    }
    const gui::ReportPages report(session, {&figures});
    const widgets::ExportResult result =
        widgets::exportReportPdf(report.title(), report.pages(), QString::fromStdString(cl.text("pdf")));
    if (!result.ok()) throw InputError(result.error.toStdString());
    std::printf("wrote %zu pages to %s\n", report.pages().size(), cl.text("pdf").c_str());
    return 0;
}

} // namespace codescope::cli
