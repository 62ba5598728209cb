// The only GUI file that sees LibTorch (through the core's model headers): keep it that way, so the rest of the app
// compiles fast and never mixes Qt's keywords with torch's headers.
#include "app/gui/analysis_job.h"

#include <QRegularExpression>
#include <QStringList>

#include "core/capture/layer_analysis.h"
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
            if (progress) progress(p.fraction, p.samplesPerSecond);
        },
        cancel);
    return analysis;
}

} // namespace codescope::gui
