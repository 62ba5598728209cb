#include "app/gui/open_model_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <limits>

namespace codescope::gui {

OpenModelDialog::OpenModelDialog(QWidget* parent)
    : QDialog(parent), m_model(new QLineEdit), m_isRun(new QCheckBox(tr("This is a run folder trained by Codescope"))),
      m_dataset(new QComboBox), m_samples(new QSpinBox), m_inputShape(new QLineEdit), m_layers(new QLineEdit),
      m_tokenizer(new QLineEdit), m_context(new QSpinBox), m_bootstrap(new QSpinBox), m_fitLo(new QSpinBox),
      m_fitHi(new QSpinBox), m_estimator(new QComboBox), m_spectrum(new QComboBox), m_normalize(new QComboBox),
      m_seed(new QSpinBox),
      m_float32Products(new QCheckBox(tr("float32 products per block (faster on wide layers; eigenvalues ~1e-7 off)"))),
      m_error(new QLabel) {
    const pipeline::AnalysisRequest defaults; // the paper's, as the CLI's
    setWindowTitle(tr("Analyse a model"));
    setObjectName("openModelDialog");

    // Object names let tests (and accessibility tools) find the fields.
    m_model->setObjectName("modelPath");
    m_isRun->setObjectName("isRun");
    m_dataset->setObjectName("dataset");
    m_samples->setObjectName("samples");
    m_inputShape->setObjectName("inputShape");
    m_layers->setObjectName("layers");
    m_bootstrap->setObjectName("bootstrap");
    m_tokenizer->setObjectName("tokenizer");
    m_context->setObjectName("context");
    m_fitLo->setObjectName("fitLo");
    m_fitHi->setObjectName("fitHi");
    m_estimator->setObjectName("estimator");
    m_spectrum->setObjectName("spectrumKind");
    m_normalize->setObjectName("normalize");
    m_seed->setObjectName("seed");
    m_float32Products->setObjectName("float32Products");
    m_model->setPlaceholderText(tr("TorchScript file (.pt) or run folder"));
    auto* browseButton = new QPushButton(tr("Browse…"));
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(browseButton);

    // Editable: any spec data::openDataset accepts (cifar10:PATH, images:PATH, npy:PATH) can be typed in.
    m_dataset->setEditable(true);
    m_dataset->addItems({QStringLiteral("fashion-mnist"), QStringLiteral("fashion-mnist-train"),
                         QStringLiteral("cifar10:"), QStringLiteral("images:"), QStringLiteral("npy:"),
                         QStringLiteral("text:"), QStringLiteral("tokens:")});
    m_dataset->setCurrentIndex(0);
    m_dataset->setToolTip(tr("fashion-mnist (installed test split), or kind:PATH for cifar10, an image folder or "
                             "a .npy stack; for a language model text:FILE (UTF-8) or tokens:FILE.npy (ids)"));
    m_tokenizer->setPlaceholderText(tr("language models: folder with vocab.json + merges.txt (none for tiny-lm)"));
    m_context->setRange(0, 1 << 20);
    m_context->setSpecialValueText(tr("the model's own, or 64"));
    m_context->setSuffix(tr(" tokens"));
    m_context->setToolTip(tr("Tokens per sequence for a language model; every token is one sample"));

    m_samples->setRange(0, 10000000);
    m_samples->setValue(static_cast<int>(defaults.samples));
    m_samples->setSpecialValueText(tr("all"));
    m_samples->setSuffix(tr(" images"));
    m_inputShape->setPlaceholderText(tr("C,H,W — empty: the run's own, or the data set's"));
    m_inputShape->setToolTip(tr("Images are resized and their channels matched to this (e.g. 1,28,28 for a "
                                "Fashion-MNIST model)"));
    m_layers->setPlaceholderText(tr("auto: every ReLU output (a transformer's: every GELU)"));
    m_bootstrap->setRange(0, 10000);
    m_bootstrap->setValue(defaults.spectrum.bootstrapResamples);
    m_bootstrap->setSpecialValueText(tr("none"));
    m_bootstrap->setToolTip(tr("Bootstrap resamples for the 95% confidence interval of α"));
    for (QSpinBox* end : {m_fitLo, m_fitHi})
        end->setRange(1, 100000);
    m_fitLo->setValue(defaults.spectrum.fitLo);
    m_fitHi->setValue(defaults.spectrum.fitHi);
    m_fitLo->setToolTip(tr("The power law is fitted to components lo..hi (1-based; the paper's 10..50)"));
    auto* fitRow = new QHBoxLayout;
    fitRow->addWidget(m_fitLo);
    fitRow->addWidget(new QLabel(tr("to")));
    fitRow->addWidget(m_fitHi);
    fitRow->addStretch(1);
    for (spectrum::AlphaEstimator estimator : spectrum::allAlphaEstimators())
        m_estimator->addItem(QString::fromStdString(spectrum::alphaEstimatorName(estimator)));
    m_estimator->setCurrentText(QString::fromStdString(spectrum::alphaEstimatorName(defaults.spectrum.estimator)));
    m_estimator->setToolTip(tr("huber: the paper's; wls: weights 1/k (Stringer et al. 2019); mle: discrete power "
                               "law on ranks"));
    m_spectrum->addItems({QStringLiteral("pca"), QStringLiteral("cvpca")});
    m_spectrum->setCurrentText(defaults.heldOutSpectrum ? QStringLiteral("cvpca") : QStringLiteral("pca"));
    m_spectrum->setToolTip(tr("pca: the paper's; cvpca: directions from one half of the samples, variances from the "
                              "other (no confidence interval)"));
    m_normalize->addItems({QStringLiteral("none"), QStringLiteral("imagenet")});
    m_normalize->setCurrentText(QString::fromStdString(pipeline::normalizationName(defaults.normalization)));
    m_normalize->setToolTip(tr("imagenet: per-channel mean and std after scaling to [0, 1]"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(static_cast<int>(defaults.spectrum.seed));
    m_seed->setToolTip(tr("Seeds the bootstrap, the randomized eigensolver and the random projections"));
    m_float32Products->setChecked(defaults.spectrum.singlePrecisionProducts);
    m_float32Products->setToolTip(tr("Covariances from float32 products of each centred block, summed in double "
                                     "(the paper's are double); recorded in the result"));

    m_error->setObjectName("dialogError");
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->setWordWrap(true);
    m_error->hide();

    auto* form = new QFormLayout;
    form->addRow(tr("Model:"), modelRow);
    form->addRow(QString(), m_isRun);
    form->addRow(tr("Data set:"), m_dataset);
    form->addRow(tr("Samples:"), m_samples);
    form->addRow(tr("Input shape:"), m_inputShape);
    form->addRow(tr("Layers:"), m_layers);
    form->addRow(tr("Tokenizer:"), m_tokenizer);
    form->addRow(tr("Context:"), m_context);
    form->addRow(tr("Normalisation:"), m_normalize);
    form->addRow(tr("Fit range:"), fitRow);
    form->addRow(tr("Estimator:"), m_estimator);
    form->addRow(tr("Spectrum:"), m_spectrum);
    form->addRow(tr("Bootstrap:"), m_bootstrap);
    form->addRow(tr("Seed:"), m_seed);
    form->addRow(tr("Covariance:"), m_float32Products);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Analyse"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());

    connect(browseButton, &QPushButton::clicked, this, &OpenModelDialog::browse);
    connect(buttons, &QDialogButtonBox::accepted, this, &OpenModelDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &OpenModelDialog::reject);
}

void OpenModelDialog::setModelPath(const QString& path) {
    m_model->setText(path);
    m_isRun->setChecked(QFileInfo(path).isDir());
}

void OpenModelDialog::browse() {
    const QString path = m_isRun->isChecked()
                             ? QFileDialog::getExistingDirectory(this, tr("Run folder"), m_model->text())
                             : QFileDialog::getOpenFileName(this, tr("TorchScript model"), m_model->text(),
                                                            tr("TorchScript (*.pt *.pth *.ts);;All files (*)"));
    if (!path.isEmpty()) m_model->setText(path);
}

QString OpenModelDialog::readFields(pipeline::AnalysisRequest& request) const {
    const QString model = m_model->text().trimmed();
    if (model.isEmpty()) return tr("Choose a model file.");
    const QFileInfo info(model);
    if (!info.exists()) return tr("%1 does not exist.").arg(model);
    if (m_isRun->isChecked() != info.isDir())
        return m_isRun->isChecked() ? tr("%1 is not a folder; untick “run folder” for a TorchScript file.").arg(model)
                                    : tr("%1 is a folder; tick “run folder” to open a Codescope run.").arg(model);
    const std::optional<std::vector<std::int64_t>> shape = parseInputShape(m_inputShape->text());
    if (!shape) return tr("Input shape must be three positive sizes C,H,W, e.g. 1,28,28.");
    const QString dataset = m_dataset->currentText().trimmed();
    if (dataset.isEmpty() || dataset.endsWith(':')) return tr("Complete the data set, e.g. cifar10:/path/to/folder.");

    if (m_fitHi->value() <= m_fitLo->value()) return tr("The fit range must end after it starts.");

    request = pipeline::AnalysisRequest{};
    request.model.path = model.toStdString();
    request.model.isRun = m_isRun->isChecked();
    request.model.inputShape = *shape;
    request.data = pipeline::dataRequestFromSpec(dataset.toStdString(), m_tokenizer->text().trimmed().toStdString(),
                                                 m_context->value());
    request.normalization = pipeline::parseNormalization(m_normalize->currentText().toStdString());
    request.samples = m_samples->value();
    request.spectrum.fitLo = m_fitLo->value();
    request.spectrum.fitHi = m_fitHi->value();
    request.spectrum.estimator = spectrum::parseAlphaEstimator(m_estimator->currentText().toStdString());
    request.heldOutSpectrum = m_spectrum->currentText() == QStringLiteral("cvpca");
    request.spectrum.bootstrapResamples = m_bootstrap->value();
    request.spectrum.seed = static_cast<std::uint64_t>(m_seed->value());
    request.spectrum.singlePrecisionProducts = m_float32Products->isChecked();
    request.coding.seed = request.spectrum.seed;
    const QString layers = m_layers->text().trimmed();
    if (!layers.isEmpty() && layers != QStringLiteral("auto"))
        for (const QString& name : layers.split(',', Qt::SkipEmptyParts))
            request.layers.push_back(name.trimmed().toStdString());
    return {};
}

void OpenModelDialog::accept() {
    // Problems the dialog can see are shown in it, so the user fixes them without starting over.
    const QString error = readFields(m_request);
    if (!error.isEmpty()) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace codescope::gui
