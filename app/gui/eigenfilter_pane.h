#pragma once
// The "Eigenfilters" tab (paper, Fig. 3d): the gallery of the selected layer's first principal components as
// input-space images, computed on demand by the job runner (they need the model and the data set again) and kept in
// memory per analysis and layer, so selecting a layer again shows its filters at once.
#include <QString>
#include <QWidget>
#include <map>
#include <vector>

#include "app/gui/analysis_job.h"
#include "widgets/gallery/eigenfilter_gallery.h"

class QLabel;
class QPushButton;
class QSpinBox;

namespace codescope::gui {

class AnalysisJobRunner;
class AnalysisSession;

/// The gallery's tiles for `result`: its resolved components, titled "PC k, λ = ...".
std::vector<widgets::GalleryImage> eigenfilterGalleryImages(const EigenfilterResult& result);

class EigenfilterPane : public QWidget {
    Q_OBJECT
public:
    /// `jobs` may be null (no computing: the button stays disabled).
    EigenfilterPane(AnalysisSession* session, AnalysisJobRunner* jobs, QWidget* parent = nullptr);

    widgets::EigenfilterGallery* gallery() const { return m_gallery; }
    QPushButton* computeButton() const { return m_compute; }
    QSpinBox* componentsBox() const { return m_components; }
    /// The layer the tab is about: the first selected layer of the session's analysis; empty if none.
    QString currentLayer() const;
    /// Starts the eigenfilter job for currentLayer() (what the button does); false if it cannot start.
    bool compute();
    /// Whether the filters of `layer` of the current analysis are in memory.
    bool hasCached(const QString& layer) const;

private:
    void refresh();
    void store(const EigenfilterResult& result);
    static QString cacheKey(const std::string& analysisKey, const std::string& layer);

    AnalysisSession* m_session;
    AnalysisJobRunner* m_jobs;
    QLabel* m_layerLabel;
    QSpinBox* m_components;
    QPushButton* m_compute;
    widgets::EigenfilterGallery* m_gallery;
    std::map<QString, EigenfilterResult> m_cache; ///< by cacheKey
    QString m_shownKey;                           ///< the cached filters the gallery shows; empty for a hint
};

} // namespace codescope::gui
