#pragma once
// Errors shown to the user: what failed, why, and what to do about it. The dialog is window-modal but does not block
// the event loop (QDialog::open, not exec), so a running job keeps reporting and tests can read and close it.
#include <QString>

class QMessageBox;
class QWidget;

namespace codescope::gui {

/// Opens a warning over `parent` titled `title`, with `message` (what happened) and `advice` (what to do).
QMessageBox* showErrorDialog(QWidget* parent, const QString& title, const QString& message, const QString& advice);

} // namespace codescope::gui
