#include "widgets/export/figure_export.h"

#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QWidget>
#include <cmath>
#include <functional>

namespace codescope::widgets {

namespace {

// Logical pixels per inch: the unit of widget geometry. PDF writers below use this as their resolution, so one
// device unit is one logical pixel and cosmetic (1-pixel) pens keep their on-screen weight on paper.
constexpr int kLogicalDpi = 96;
constexpr double kPointsPerPixel = 72.0 / kLogicalDpi;
const QSizeF kDefaultFigureSize(900, 600);

QChartView* chartViewOf(QWidget* figure) {
    if (auto* view = qobject_cast<QChartView*>(figure)) return view;
    return figure->findChild<QChartView*>();
}

/// Lays a chart out at another size for the time of an export and puts it back afterwards, so that a figure in a
/// hidden tab, or in a small window, still exports at a sensible size and the screen is left as it was.
class ChartSizeOverride {
public:
    ChartSizeOverride(QChart* chart, QSizeF size) : m_chart(chart), m_original(chart->size()) {
        // Series added just before the export (a new selection's fit lines) get their legend entries from layout
        // requests still waiting in the event queue: run them now, or the legend would be missing from the file.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        apply(size);
    }
    ~ChartSizeOverride() { apply(m_original); }
    ChartSizeOverride(const ChartSizeOverride&) = delete;
    ChartSizeOverride& operator=(const ChartSizeOverride&) = delete;

private:
    void apply(QSizeF size) {
        if (m_chart->size() == size) return;
        m_chart->resize(size);
        // The chart's layout (plot area, axes, legend) is otherwise only recomputed from the event loop.
        if (m_chart->layout()) m_chart->layout()->activate();
    }
    QChart* m_chart;
    QSizeF m_original;
};

/// Opens `path` through a QSaveFile, lets `write` fill it, and commits: the target is replaced only if everything
/// was written. `write` returns an error message, or "" on success.
ExportResult writeAtomically(const QString& path, const std::function<QString(QSaveFile&)>& write) {
    if (path.isEmpty()) return {QObject::tr("an empty output file name was given")};
    // QSaveFile writes a device or a pipe in place, and QPdfWriter ignores failed writes (a symlink to /dev/full
    // would "succeed"): the output must be, or become, a regular file.
    const QFileInfo target(path);
    if (target.exists() && !target.isFile())
        return {QObject::tr("%1: not a regular file (a folder, device or pipe cannot take the output)")
                    .arg(target.absoluteFilePath())};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {QObject::tr("%1: cannot write (%2)").arg(QFileInfo(path).absoluteFilePath(), file.errorString())};
    const QString error = write(file);
    if (!error.isEmpty()) {
        file.cancelWriting();
        return {QObject::tr("%1: %2").arg(QFileInfo(path).absoluteFilePath(), error)};
    }
    if (file.error() != QFileDevice::NoError) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return {QObject::tr("%1: writing failed (%2)").arg(QFileInfo(path).absoluteFilePath(), reason)};
    }
    if (!file.commit())
        return {QObject::tr("%1: writing failed (%2)").arg(QFileInfo(path).absoluteFilePath(), file.errorString())};
    return {};
}

QString checkFigure(QWidget* figure) {
    return figure ? QString() : QObject::tr("no figure to export");
}

} // namespace

QSizeF figureSize(QWidget* figure) {
    const QChartView* view = chartViewOf(figure);
    const QSize size = view ? view->viewport()->size() : figure->size();
    // A figure that was never shown, or is squeezed into a small window, exports at a size that reads on paper.
    if (!figure->isVisible() || size.width() < 400 || size.height() < 260) return kDefaultFigureSize;
    return size;
}

void renderFigure(QWidget* figure, QPainter& painter, const QRectF& target) {
    const QSizeF size = figureSize(figure);
    QRectF fitted(QPointF(0, 0), size.scaled(target.size(), Qt::KeepAspectRatio));
    fitted.moveCenter(target.center());
    painter.save();
    painter.fillRect(fitted, Qt::white);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    if (QChartView* view = chartViewOf(figure)) {
        // The chart's scene, not the widget: the widget path goes through the view's pixmap caches and would put
        // a bitmap into the PDF.
        QChart* chart = view->chart();
        const ChartSizeOverride exportSize(chart, size);
        chart->scene()->render(&painter, fitted, chart->sceneBoundingRect(), Qt::KeepAspectRatio);
    } else {
        painter.translate(fitted.topLeft());
        painter.scale(fitted.width() / size.width(), fitted.height() / size.height());
        figure->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    }
    painter.restore();
}

ExportResult exportFigurePdf(QWidget* figure, const QString& path) {
    if (const QString error = checkFigure(figure); !error.isEmpty()) return {error};
    return writeAtomically(path, [&](QSaveFile& file) -> QString {
        const QSizeF size = figureSize(figure);
        QPdfWriter writer(&file);
        writer.setCreator(QStringLiteral("Codescope"));
        writer.setResolution(kLogicalDpi);
        writer.setPageLayout(QPageLayout(QPageSize(size * kPointsPerPixel, QPageSize::Point), QPageLayout::Portrait,
                                         QMarginsF(0, 0, 0, 0)));
        QPainter painter;
        if (!painter.begin(&writer)) return QObject::tr("cannot start the PDF");
        renderFigure(figure, painter, QRectF(0, 0, writer.width(), writer.height()));
        painter.end();
        return {};
    });
}

ExportResult exportFigurePng(QWidget* figure, const QString& path, int dpi) {
    if (const QString error = checkFigure(figure); !error.isEmpty()) return {error};
    if (dpi < 72 || dpi > 1200)
        return {QObject::tr("%1: resolution must be 72 to 1200 dpi, got %2").arg(path).arg(dpi)};
    const double scale = static_cast<double>(dpi) / kLogicalDpi;
    const QSize pixels = (figureSize(figure) * scale).toSize();
    QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return {QObject::tr("%1: a %2 x %3 image does not fit in memory; choose a lower resolution")
                    .arg(path)
                    .arg(pixels.width())
                    .arg(pixels.height())};
    image.fill(Qt::white);
    const int dotsPerMeter = static_cast<int>(std::lround(dpi / 0.0254));
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    {
        QPainter painter(&image);
        renderFigure(figure, painter, QRectF(QPointF(0, 0), QSizeF(pixels)));
    }
    return writeAtomically(path, [&](QSaveFile& file) -> QString {
        return image.save(&file, "PNG") ? QString() : QObject::tr("PNG encoding failed");
    });
}

ExportResult exportReportPdf(const QString& reportTitle, const std::vector<ReportPage>& pages, const QString& path) {
    if (pages.empty()) return {QObject::tr("%1: the report has no figures").arg(path)};
    for (const ReportPage& page : pages)
        if (const QString error = checkFigure(page.figure); !error.isEmpty()) return {error};
    return writeAtomically(path, [&](QSaveFile& file) -> QString {
        QPdfWriter writer(&file);
        writer.setCreator(QStringLiteral("Codescope"));
        writer.setTitle(reportTitle);
        writer.setResolution(kLogicalDpi);
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape, QMarginsF(36, 30, 36, 30),
                                         QPageLayout::Point));
        QPainter painter;
        if (!painter.begin(&writer)) return QObject::tr("cannot start the PDF");
        const QRectF page(0, 0, writer.width(), writer.height());
        QFont headerFont = painter.font();
        headerFont.setPointSizeF(8);
        QFont titleFont = painter.font();
        titleFont.setPointSizeF(15);
        titleFont.setBold(true);
        QFont captionFont = painter.font();
        captionFont.setPointSizeF(10);
        for (std::size_t i = 0; i < pages.size(); ++i) {
            if (i > 0) writer.newPage();
            painter.setPen(QColor(110, 110, 110));
            painter.setFont(headerFont);
            const QRectF header(page.left(), page.top(), page.width(), 18);
            painter.drawText(header, Qt::AlignLeft | Qt::AlignVCenter, reportTitle);
            painter.drawText(header, Qt::AlignRight | Qt::AlignVCenter,
                             QObject::tr("page %1 of %2").arg(i + 1).arg(pages.size()));

            painter.setPen(Qt::black);
            painter.setFont(titleFont);
            const QRectF title(page.left(), header.bottom() + 6, page.width(), 30);
            painter.drawText(title, Qt::AlignLeft | Qt::AlignVCenter, pages[i].title);

            painter.setFont(captionFont);
            const QRectF captionBounds = painter.boundingRect(QRectF(page.left(), 0, page.width(), page.height()),
                                                              Qt::TextWordWrap, pages[i].caption);
            const double captionHeight = pages[i].caption.isEmpty() ? 0 : captionBounds.height() + 10;
            const QRectF figureArea(page.left(), title.bottom() + 6, page.width(),
                                    page.bottom() - captionHeight - title.bottom() - 12);
            renderFigure(pages[i].figure, painter, figureArea);
            if (captionHeight > 0) {
                painter.setPen(QColor(40, 40, 40));
                painter.drawText(QRectF(page.left(), page.bottom() - captionHeight + 10, page.width(), captionHeight),
                                 Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, pages[i].caption);
            }
        }
        painter.end();
        return {};
    });
}

ExportResult exportHtmlPdf(const QString& html, const QString& path) {
    return writeAtomically(path, [&](QSaveFile& file) -> QString {
        QPdfWriter writer(&file);
        writer.setCreator(QStringLiteral("Codescope"));
        writer.setResolution(kLogicalDpi);
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(40, 40, 40, 40),
                                         QPageLayout::Point));
        QTextDocument document;
        document.setHtml(html);
        document.print(&writer);
        return {};
    });
}

} // namespace codescope::widgets
