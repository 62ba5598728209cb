#pragma once
// The analysed layers in depth order (depth, name, output shape, alpha with its 95% CI, or for a layer without alpha
// the kind of its status with the reason as tooltip); the user's selection here drives every view through the session.
#include <QWidget>

class QTreeWidget;

namespace codescope::gui {

class AnalysisSession;

class LayerListPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayerListPanel(AnalysisSession* session, QWidget* parent = nullptr);

    QTreeWidget* tree() const { return m_tree; }

private:
    void fill();
    void showSelection(const QStringList& layerNames);

    AnalysisSession* m_session;
    QTreeWidget* m_tree;
    bool m_updating = false; // true while the panel mirrors the session, so that it does not echo the change back
};

} // namespace codescope::gui
