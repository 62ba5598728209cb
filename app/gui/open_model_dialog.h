#pragma once
// "Analyse a model": which model, which data set (Fashion-MNIST by default), how many images, the model's input
// shape, normalisation, and the spectrum's settings (fit range, estimator, PCA or cvPCA, bootstrap, seed); the
// choices of `codescope-cli analyze`, made into the same pipeline::pipeline::AnalysisRequest with the same defaults.
#include <QDialog>

#include "app/gui/analysis_job.h"
#include "core/pipeline/analysis_request.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace codescope::gui {

class OpenModelDialog : public QDialog {
    Q_OBJECT
public:
    explicit OpenModelDialog(QWidget* parent = nullptr);

    /// Prefills the model field (e.g. from a dropped file).
    void setModelPath(const QString& path);
    /// The request as entered; valid once the dialog was accepted.
    pipeline::AnalysisRequest request() const { return m_request; }

    void accept() override;

private:
    void browse();
    /// The request from the fields, or an error message for the first bad field.
    QString readFields(pipeline::AnalysisRequest& request) const;

    QLineEdit* m_model;
    QCheckBox* m_isRun;
    QComboBox* m_dataset;
    QSpinBox* m_samples;
    QLineEdit* m_inputShape;
    QLineEdit* m_layers;
    QLineEdit* m_tokenizer;
    QSpinBox* m_context;
    QSpinBox* m_bootstrap;
    QSpinBox* m_fitLo;
    QSpinBox* m_fitHi;
    QComboBox* m_estimator;
    QComboBox* m_spectrum;
    QComboBox* m_normalize;
    QSpinBox* m_seed;
    QCheckBox* m_float32Products;
    QLabel* m_error;
    pipeline::AnalysisRequest m_request;
};

} // namespace codescope::gui
