#include "app/gui/layer_list_panel.h"

#include <QFont>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <cmath>

#include "app/figures/analysis_session.h"
#include "app/figures/analysis_view_models.h"

namespace codescope::gui {

namespace {

enum Column { DepthColumn, NameColumn, ShapeColumn, AlphaColumn, IntervalColumn, ColumnCount };

QString shapeText(const std::vector<std::int64_t>& shape) {
    QStringList sizes;
    for (std::int64_t size : shape)
        sizes << QString::number(size);
    return sizes.join(QStringLiteral(" × "));
}

} // namespace

LayerListPanel::LayerListPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_tree(new QTreeWidget) {
    m_tree->setObjectName("layerList");
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Depth"), tr("Layer"), tr("Shape"), tr("α"), tr("95% CI")});
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);

    auto* hint = new QLabel(tr("Select layers to draw their fits (Ctrl/Shift for several)."));
    hint->setWordWrap(true);
    hint->setContentsMargins(4, 2, 4, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tree, 1);
    layout->addWidget(hint);

    connect(m_session, &AnalysisSession::analysisChanged, this, &LayerListPanel::fill);
    connect(m_session, &AnalysisSession::selectionChanged, this, &LayerListPanel::showSelection);
    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, [this] {
        if (m_updating) return;
        QStringList names;
        for (QTreeWidgetItem* item : m_tree->selectedItems())
            names << item->text(NameColumn);
        m_session->setSelectedLayers(names);
    });
}

void LayerListPanel::fill() {
    m_updating = true;
    m_tree->clear();
    for (const results::LayerSpectrum& entry : m_session->analysis().layers) {
        const spectrum::SpectrumResult& r = entry.spectrum;
        auto* item = new QTreeWidgetItem(m_tree);
        item->setText(DepthColumn, QString::number(entry.layer.depth));
        item->setText(NameColumn, QString::fromStdString(entry.layer.name));
        item->setText(ShapeColumn, shapeText(entry.layer.shape));
        // A layer without an exponent is a result too: the kind of its status where alpha would be, the reason in
        // the tooltip.
        const QString noAlpha = noAlphaReason(entry);
        item->setText(AlphaColumn, noAlpha.isEmpty()
                                       ? QString::number(r.alpha, 'f', 3)
                                       : QString::fromStdString(spectrum::statusKind(noAlpha.toStdString())));
        if (!noAlpha.isEmpty()) {
            QFont italic = item->font(AlphaColumn);
            italic.setItalic(true);
            item->setFont(AlphaColumn, italic);
            item->setForeground(AlphaColumn, m_tree->palette().color(QPalette::PlaceholderText));
        }
        item->setText(IntervalColumn, std::isfinite(r.alphaCiLo) && std::isfinite(r.alphaCiHi)
                                          ? tr("[%1, %2]").arg(r.alphaCiLo, 0, 'f', 3).arg(r.alphaCiHi, 0, 'f', 3)
                                          : tr("—"));
        for (int column : {DepthColumn, AlphaColumn, IntervalColumn})
            item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
        QStringList tip{tr("%1 (%2), depth %3")
                            .arg(QString::fromStdString(entry.layer.name), QString::fromStdString(entry.layer.kind))
                            .arg(entry.layer.depth),
                        tr("%1 features, stride %2, %3 components, fit k = %4–%5")
                            .arg(r.features)
                            .arg(r.stride)
                            .arg(r.eigenvalues.size())
                            .arg(r.fitLo)
                            .arg(r.fitHi)};
        if (!noAlpha.isEmpty()) tip << tr("no α: %1").arg(noAlpha);
        for (const std::string& warning : r.warnings)
            tip << tr("warning: %1").arg(QString::fromStdString(warning));
        for (int column = 0; column < ColumnCount; ++column)
            item->setToolTip(column, tip.join('\n'));
        if (!noAlpha.isEmpty()) item->setToolTip(AlphaColumn, tr("No α: %1").arg(noAlpha));
    }
    m_updating = false;
}

void LayerListPanel::showSelection(const QStringList& layerNames) {
    m_updating = true;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_tree->topLevelItem(i);
        item->setSelected(layerNames.contains(item->text(NameColumn)));
    }
    if (!layerNames.isEmpty()) {
        const QList<QTreeWidgetItem*> found = m_tree->findItems(layerNames.front(), Qt::MatchExactly, NameColumn);
        if (!found.isEmpty()) m_tree->scrollToItem(found.front());
    }
    m_updating = false;
}

} // namespace codescope::gui
