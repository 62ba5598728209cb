// The only GUI file that sees LibTorch (through the core's model headers): keep it that way, so the rest of the app
// compiles fast and never mixes Qt's keywords with torch's headers.
#include "app/gui/analysis_job.h"

#include <QDir>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStringList>

#include "core/capture/layer_analysis.h"
#include "core/capture/model_analysis.h"
#include "core/results/sweep_folder.h"
#include "core/training/vae_training.h"
#include "core/data/image_dataset.h"
#include "core/models/model_loader.h"

namespace codescope::gui {

std::optional<std::vector<std::int64_t>> parseInputShape(const QString& text) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) return std::vector<std::int64_t>{};
    const QStringList parts = trimmed.split(QRegularExpression(QStringLiteral("\\s*[,xX]\\s*")));
    if (parts.size() != 3) return std::nullopt;
    std::vector<std::int64_t> shape;
    for (const QString& part : parts) {
        bool ok = false;
        const qlonglong size = part.toLongLong(&ok);
        if (!ok || size < 1 || size > 100000) return std::nullopt;
        shape.push_back(size);
    }
    return shape;
}

Analysis runAnalysis(const AnalysisRequest& request, const AnalysisProgressCallback& progress,
                     const CancelToken* cancel) {
    models::ModelSpec spec;
    spec.path = request.modelPath;
    spec.isRun = request.isRun;
    spec.inputShape = request.inputShape;
    models::LoadedModel loaded = models::openModel(spec);
    if (cancel) cancel->throwIfCancelled();
    const std::unique_ptr<data::ImageDataset> dataset = data::openDataset(request.dataset);

    data::Preprocessing preprocessing;
    preprocessing.channels = loaded.inputShape.at(0);
    preprocessing.height = loaded.inputShape.at(1);
    preprocessing.width = loaded.inputShape.at(2);

    capture::CaptureOptions options;
    options.samples = request.samples;
    options.spectrum.bootstrapResamples = request.bootstrapResamples;

    Analysis analysis;
    analysis.model = loaded.model->name();
    analysis.dataset = dataset->name();
    analysis.samples = request.samples > 0 ? std::min(request.samples, dataset->size()) : dataset->size();
    analysis.layers = capture::analyzeLayers(
        *loaded.model, *dataset, preprocessing, request.layers, options,
        [&](const capture::CaptureProgress& p) {
            if (progress) progress(0.95 * p.fraction, p.samplesPerSecond);
        },
        cancel);
    // The moving dot through the model once: the coding plots' action and explained variance.
    capture::addLayerCoding(*loaded.model, preprocessing, analysis.layers, capture::CodingOptions{}, {}, cancel);
    return analysis;
}

QString demoSweepFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath("demo-sweep");
}

void runDemo(const std::string& folder, const AnalysisProgressCallback& progress, const CancelToken* cancel) {
    constexpr double kTrainingShare = 0.9;
    const training::TrainOptions options; // the CLI's defaults: ten minutes on two cores for the five runs
    const std::vector<double> dropouts = {0.0, 0.2, 0.4, 0.6, 0.8};
    training::validateOptions(options);
    const training::TrainingData data = training::loadTrainingData(options);
    training::trainDropoutSweep(options, dropouts, data, folder,
                                [&](const training::TrainingProgress& p) {
                                    if (progress) progress(kTrainingShare * p.fraction, p.samplesPerSecond);
                                },
                                cancel);
    const std::vector<results::SweepRun> runs = results::readSweepFolder(folder);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        capture::ModelAnalysisRequest request;
        request.model.path = runs[i].directory;
        request.model.isRun = true;
        // The defaults of `codescope-cli analyze --sweep DIR --dataset fashion-mnist`, so the CLI and the app share
        // the cache.
        request.capture.samples = 1000;
        request.capture.spectrum.bootstrapResamples = 200;
        const double start = kTrainingShare + (1 - kTrainingShare) * static_cast<double>(i) / runs.size();
        capture::analyzeModelCached(
            request,
            [&](const capture::CaptureProgress& p) {
                if (progress) progress(start + (1 - kTrainingShare) * p.fraction / runs.size(), p.samplesPerSecond);
            },
            cancel);
    }
}

} // namespace codescope::gui
