#include "app/gui/error_dialog.h"

#include <QMessageBox>

namespace codescope::gui {

QMessageBox* showErrorDialog(QWidget* parent, const QString& title, const QString& message, const QString& advice) {
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, parent);
    box->setObjectName("errorDialog");
    box->setInformativeText(advice);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return box;
}

} // namespace codescope::gui
