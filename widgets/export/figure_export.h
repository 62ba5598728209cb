#pragma once
// Figures out of the app: any view as a vector PDF (the chart's scene is painted into the PDF, text stays text), as
// a PNG at a chosen resolution, and several views as one multi-page PDF report. Every write is atomic (QSaveFile:
// a temporary file in the target folder, renamed over the target only when complete), so a failed export never
// leaves a half-written file or destroys the previous one.
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <vector>

class QPainter;
class QWidget;

namespace codescope::widgets {

/// The outcome of an export: errors are values, so the caller decides how to tell the user.
struct ExportResult {
    QString error; ///< one line naming the file and the problem; empty on success
    bool ok() const { return error.isEmpty(); }
};

/// One page of a report: a figure with a title above and a caption below.
struct ReportPage {
    QWidget* figure = nullptr;
    QString title;
    QString caption;
};

/// The size, in logical pixels (1/96 inch), that `figure` is exported at: its chart's (or, without a chart, its own)
/// on-screen size, or 900 x 600 when it is hidden or smaller than 400 x 260.
QSizeF figureSize(QWidget* figure);

/// Paints `figure` at figureSize() into `target` on `painter`, scaled to fit with its aspect ratio kept. A chart (a
/// QChartView, or a widget holding one, such as SpectrumView) is painted from its scene, so a PDF painter receives
/// vector paths and text (the hover read-out under a view is not part of the figure); any other widget is painted
/// through QWidget::render.
void renderFigure(QWidget* figure, QPainter& painter, const QRectF& target);

/// Writes `figure` as a one-page vector PDF whose page is the figure's size.
ExportResult exportFigurePdf(QWidget* figure, const QString& path);

/// Writes `figure` as a PNG at `dpi` dots per inch (72..1200; the figure's logical size is taken as 96 dpi, so
/// 300 dpi gives an image 3.125 times its on-screen size), with the resolution recorded in the file.
ExportResult exportFigurePng(QWidget* figure, const QString& path, int dpi);

/// Writes `pages` as one PDF, an A4 landscape page each: `reportTitle` and the page number in a small header, then
/// the page's title, its figure scaled to fit, and its caption. Fails without writing if `pages` is empty.
ExportResult exportReportPdf(const QString& reportTitle, const std::vector<ReportPage>& pages, const QString& path);

/// Writes an HTML page (Qt's rich-text subset: headings, paragraphs, spans with background colours) as a paged
/// A4 portrait vector PDF, text kept as text: how token trajectories are printed.
ExportResult exportHtmlPdf(const QString& html, const QString& path);

} // namespace codescope::widgets
