#pragma once
// "How this was made": a panel above the figures naming the open analysis's model, how it was trained, its data and
// samples, how the experiment differs from the paper, and the defaults that are Codescope's own
// (pipeline/provenance.h). Collapsed it is one line with the number of differences; a click unfolds the rest.
#include <QWidget>

class QLabel;
class QToolButton;

namespace codescope::gui {

class AnalysisSession;

class ProvenancePanel : public QWidget {
    Q_OBJECT
public:
    explicit ProvenancePanel(AnalysisSession* session, QWidget* parent = nullptr);

    /// The header line ("How this was made — differs from the paper in N points") and the full text, as shown.
    QString headerText() const;
    QString detailsText() const;
    bool expanded() const;
    void setExpanded(bool expanded);

private:
    void showAnalysis();

    AnalysisSession* m_session;
    QToolButton* m_header;
    QLabel* m_details;
};

} // namespace codescope::gui
