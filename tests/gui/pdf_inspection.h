#pragma once
// What the tests check in an exported PDF, without trusting our own writer: poppler's pdfinfo/pdftotext where
// installed (poppler-utils), else a count of the page objects in the file.
#include <QString>

namespace codescope::guitest {

/// True if the file starts with the PDF signature "%PDF-".
bool hasPdfHeader(const QString& path);
/// Number of pages (pdfinfo's "Pages:", or the "/Type /Page" objects); -1 if unreadable.
int pdfPageCount(const QString& path);
/// The PDF's text as pdftotext extracts it; empty if pdftotext is missing.
QString pdfText(const QString& path);
/// True if the PDF embeds raster images (a screenshot instead of vector drawing would).
bool pdfHasImages(const QString& path);
/// Renders page 1 to `pngPath` with pdftoppm at `dpi` (for people to look at); false if pdftoppm is missing.
bool renderPdfPage(const QString& pdfPath, int page, const QString& pngPath, int dpi);

} // namespace codescope::guitest
