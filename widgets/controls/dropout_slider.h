#pragma once
// The dropout slider (issue: "dragging across the runs of a sweep switches every view to that run at once"): one
// stop per run of a sweep, labelled by its dropout rate. It only reports the index; whoever owns the runs switches.
#include <QWidget>
#include <vector>

class QLabel;
class QSlider;

namespace codescope::widgets {

class DropoutSlider : public QWidget {
    Q_OBJECT
public:
    explicit DropoutSlider(QWidget* parent = nullptr);
    /// One stop per rate, in the order given (the caller sorts); resets to `current`. Empty hides the slider.
    void setRates(const std::vector<double>& rates, int current = 0);
    const std::vector<double>& rates() const { return m_rates; }
    int currentIndex() const;
    /// Moves the handle (signals currentIndexChanged when it moves).
    void setCurrentIndex(int index);
    QSlider* slider() const { return m_slider; }
    /// "dropout 0.2 (run 2 of 5)".
    QString currentText() const;

Q_SIGNALS:
    void currentIndexChanged(int index);

private:
    void updateLabel();

    std::vector<double> m_rates;
    QSlider* m_slider;
    QLabel* m_value;
    QLabel* m_ends;
};

} // namespace codescope::widgets
