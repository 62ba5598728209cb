#pragma once
// The figures of an analysis that are drawn from its result alone: the spectra (Fig. 3b), alpha against depth
// (Fig. 3c, 6b), the comparison of a sweep's extreme runs (Fig. 5) and the coding plots (Fig. 4c-d, 6c-e). They follow
// the session, and they are what a report holds, in the app (as tabs of AnalysisViews) and in `codescope-cli report`
// (offscreen, without the app's interactive panes).
#include <QObject>
#include <QPointer>
#include <QWidget>
#include <vector>

#include "widgets/export/figure_export.h"

namespace codescope::widgets {
class AlphaDepthView;
class SpectrumView;
} // namespace codescope::widgets

namespace codescope::gui {

class AnalysisSession;

class AnalysisFigures : public QObject {
    Q_OBJECT
public:
    /// Makes the figures, without a parent: whoever shows them (a tab widget) adopts them; the ones nobody adopted
    /// are deleted with this object.
    explicit AnalysisFigures(AnalysisSession* session, QObject* parent = nullptr);
    ~AnalysisFigures() override;

    widgets::SpectrumView* spectrumView() const { return m_spectrum; }
    widgets::AlphaDepthView* alphaDepthView() const { return m_alphaDepth; }
    /// Fig. 5: the lowest- and highest-dropout runs' spectra side by side, in one widget.
    QWidget* comparisonView() const { return m_compare; }
    widgets::SpectrumView* lowDropoutSpectrum() const { return m_compareLow; }
    widgets::SpectrumView* highDropoutSpectrum() const { return m_compareHigh; }
    /// The coding plots, in allCodingPlots() order.
    const std::vector<widgets::AlphaDepthView*>& codingViews() const { return m_coding; }

    /// Whether the session has what the comparison (a sweep of two or more runs) and the coding plots (coding
    /// records) need; the views that lack it keep their last content and are disabled by whoever shows them.
    bool hasComparison() const;
    bool hasCoding() const;

    /// Every figure here with a title ("Figure N") and a caption that says what it shows and of which data.
    std::vector<widgets::ReportPage> reportPages() const;

private:
    void makeComparison();
    void makeCodingViews();
    void connectSelection();
    void show();
    void showComparison();
    void showRunPlots(const QString& runsTitle);

    AnalysisSession* m_session;
    widgets::SpectrumView* m_spectrum;
    widgets::AlphaDepthView* m_alphaDepth;
    QWidget* m_compare = nullptr;
    widgets::SpectrumView* m_compareLow = nullptr;
    widgets::SpectrumView* m_compareHigh = nullptr;
    std::vector<widgets::AlphaDepthView*> m_coding;
    std::vector<QPointer<QWidget>> m_owned; ///< every figure, deleted here unless a parent adopted it
    bool m_comparisonsStale = true;         ///< the sweep changed since the comparison plots were drawn
};

} // namespace codescope::gui
