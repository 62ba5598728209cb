#pragma once
// A Theory tab whose figure is partly computed: closed-form curves drawn at once, and series that a core job
// computes in the background (Fig. 1c's toy models, Supplementary Fig. 1's MINE per layer) added when it ends. A
// strip above the figure says what the job does and holds Compute, a progress bar and Cancel, like the app's job
// panel; the GUI thread only draws.
#include <QString>
#include <QWidget>
#include <functional>
#include <vector>

#include "core/common/job_control.h"
#include "widgets/charts/run_plot_series.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace codescope::widgets {
class AlphaDepthView;
}

namespace codescope::gui {

class BackgroundTask;

class TheoryComputePane : public QWidget {
    Q_OBJECT
public:
    /// Runs on a worker thread and returns the computed series by value. Throws Cancelled when cancelled.
    using Compute = std::function<std::vector<widgets::RunPlotSeries>(const ProgressCallback&, const CancelToken*)>;

    explicit TheoryComputePane(QWidget* parent = nullptr);

    widgets::AlphaDepthView* view() const { return m_view; }
    /// The series drawn whatever the job does (closed forms); the computed ones are drawn over them.
    void setBaseSeries(std::vector<widgets::RunPlotSeries> series);
    /// What Compute runs, and a line saying what it is ("Trains 6 toy models…", shown before it runs).
    void setCompute(Compute compute, const QString& description);
    /// One of several versions of the figure a tab offers (e.g. the implementation's quick experiment and the
    /// authors' full one): its axes, closed-form series, job and description.
    struct Preset {
        QString name; ///< shown in the choice box
        widgets::RunPlotAxes axes;
        std::vector<widgets::RunPlotSeries> base;
        Compute compute;
        QString description;
    };
    /// Offers `presets` in a choice box in the strip (hidden without presets) and selects the first.
    void setPresets(std::vector<Preset> presets);
    /// Selects preset `index`: its axes, base series, job and description; the computed series are dropped. False
    /// while a job runs or for an index out of range.
    bool selectPreset(int index);
    int presetIndex() const { return m_presetIndex; }
    QComboBox* presetBox() const { return m_presetBox; }

    /// Start the job the first time the tab is shown (for jobs of a few seconds); otherwise Compute starts it.
    void setComputeOnFirstShow(bool enabled) { m_computeOnFirstShow = enabled; }

    /// Starts the job (what Compute does); false while one runs or without a Compute.
    bool compute();
    void cancel();
    bool isRunning() const;
    /// What the last finished job gave (empty before one finished).
    const std::vector<widgets::RunPlotSeries>& computedSeries() const { return m_computed; }

    QPushButton* computeButton() const { return m_computeButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }
    QProgressBar* progressBar() const { return m_progress; }
    QString statusText() const;

Q_SIGNALS:
    /// The computed series are drawn.
    void computed();
    void failed(const QString& message);
    void cancelled();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void redraw();
    void setRunning(bool running);

    widgets::AlphaDepthView* m_view;
    BackgroundTask* m_task;
    QLabel* m_status;
    QPushButton* m_computeButton;
    QProgressBar* m_progress;
    QPushButton* m_cancelButton;
    QComboBox* m_presetBox;
    std::vector<Preset> m_presets;
    int m_presetIndex = -1;
    Compute m_compute;
    QString m_description;
    std::vector<widgets::RunPlotSeries> m_base;
    std::vector<widgets::RunPlotSeries> m_computed;
    bool m_computeOnFirstShow = false;
    bool m_shownOnce = false;
};

} // namespace codescope::gui
