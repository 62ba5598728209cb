#include "tests/gui/pdf_inspection.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

namespace codescope::guitest {

namespace {

QString run(const QString& program, const QStringList& arguments) {
    const QString executable = QStandardPaths::findExecutable(program);
    if (executable.isEmpty()) return {};
    QProcess process;
    process.start(executable, arguments);
    if (!process.waitForFinished(60000) || process.exitCode() != 0) return {};
    return QString::fromUtf8(process.readAllStandardOutput());
}

QByteArray contents(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

bool hasPdfHeader(const QString& path) {
    return contents(path).startsWith("%PDF-");
}

int pdfPageCount(const QString& path) {
    if (!QFileInfo::exists(path)) return -1;
    const QString info = run(QStringLiteral("pdfinfo"), {path});
    const QRegularExpressionMatch match =
        QRegularExpression(QStringLiteral("^Pages:\\s+(\\d+)"), QRegularExpression::MultilineOption).match(info);
    if (match.hasMatch()) return match.captured(1).toInt();
    // No pdfinfo: page objects are "/Type /Page" (the tree's nodes are "/Type /Pages").
    int count = 0;
    QRegularExpressionMatchIterator it =
        QRegularExpression(QStringLiteral("/Type\\s*/Page(?!s)")).globalMatch(QString::fromLatin1(contents(path)));
    for (; it.hasNext(); it.next())
        ++count;
    return count;
}

QString pdfText(const QString& path) {
    return run(QStringLiteral("pdftotext"), {path, QStringLiteral("-")});
}

bool pdfHasImages(const QString& path) {
    const QString list = run(QStringLiteral("pdfimages"), {QStringLiteral("-list"), path});
    if (!list.isEmpty()) return list.split('\n', Qt::SkipEmptyParts).size() > 2; // two header lines
    return contents(path).contains("/Subtype /Image");
}

bool renderPdfPage(const QString& pdfPath, int page, const QString& pngPath, int dpi) {
    const QString executable = QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
    if (executable.isEmpty()) return false;
    QString stem = pngPath;
    stem.chop(4); // pdftoppm -singlefile adds ".png"
    QProcess process;
    process.start(executable, {QStringLiteral("-png"), QStringLiteral("-singlefile"), QStringLiteral("-r"),
                               QString::number(dpi), QStringLiteral("-f"), QString::number(page), QStringLiteral("-l"),
                               QString::number(page), pdfPath, stem});
    return process.waitForFinished(60000) && process.exitCode() == 0 && QFileInfo::exists(pngPath);
}

} // namespace codescope::guitest
