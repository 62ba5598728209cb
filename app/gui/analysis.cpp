#include "app/gui/analysis.h"

#include <QFileInfo>

namespace codescope::gui {

QString analysisTitle(const Analysis& analysis) {
    // A path is shortened to its file name; names like "tiny_cnn.pt (fixture)" that are not paths stay as they are.
    const QString model = QFileInfo(QString::fromStdString(analysis.model)).fileName();
    QString dataset = QString::fromStdString(analysis.dataset);
    if (dataset.contains('/')) dataset = QFileInfo(dataset).fileName();
    return QObject::tr("%1 on %2 (%3 images)")
        .arg(model.isEmpty() ? QObject::tr("unnamed model") : model, dataset.isEmpty() ? QObject::tr("?") : dataset)
        .arg(analysis.samples);
}

} // namespace codescope::gui
