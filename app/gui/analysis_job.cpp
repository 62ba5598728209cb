// The only GUI file that sees LibTorch (through the core's model headers): keep it that way, so the rest of the app
// compiles fast and never mixes Qt's keywords with torch's headers.
#include "app/gui/analysis_job.h"

#include <QDir>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStringList>

#include "core/capture/layer_analysis.h"
#include "core/capture/layer_eigenfilters.h"
#include "core/common/input_error.h"
#include "core/capture/model_analysis.h"
#include "core/language/model_trajectories.h"
#include "core/language/token_html.h"
#include "core/results/sweep_folder.h"
#include "core/training/tiny_lm_training.h"
#include "core/training/vae_training.h"
#include <filesystem>
#include "core/data/image_dataset.h"
#include "core/models/model_loader.h"
#include "core/models/recording_model.h"

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

namespace {

/// A model and a data set opened for a capture, with the preprocessing that fits the model's input.
struct OpenedCapture {
    models::LoadedModel loaded;
    std::unique_ptr<data::ImageDataset> dataset;
    data::Preprocessing preprocessing;
};

OpenedCapture openCapture(const std::string& modelPath, bool isRun, const std::vector<std::int64_t>& inputShape,
                          const std::string& datasetSpec, const CancelToken* cancel) {
    models::ModelSpec spec;
    spec.path = modelPath;
    spec.isRun = isRun;
    spec.inputShape = inputShape;
    OpenedCapture opened;
    opened.loaded = models::openModel(spec);
    if (cancel) cancel->throwIfCancelled();
    opened.dataset = data::openDataset(datasetSpec);
    opened.preprocessing = models::inputPreprocessing(opened.loaded);
    return opened;
}

} // namespace

Analysis runAnalysis(const AnalysisRequest& request, const AnalysisProgressCallback& progress,
                     const CancelToken* cancel) {
    // The CLI's analysis (spectra, then the moving dot's coding records), without its cache: the app keeps its
    // results in the session and saves them where the user asks.
    capture::ModelAnalysisRequest analysisRequest;
    analysisRequest.model.path = request.modelPath;
    analysisRequest.model.isRun = request.isRun;
    analysisRequest.model.inputShape = request.inputShape;
    analysisRequest.dataset = request.dataset;
    analysisRequest.tokens.tokenizerDir = request.tokenizer;
    analysisRequest.tokens.contextLength = request.contextLength;
    // The dialog splits its comma-separated list, so joining it again loses nothing.
    if (!request.layers.empty()) {
        analysisRequest.layers.clear();
        for (const std::string& name : request.layers)
            analysisRequest.layers += (analysisRequest.layers.empty() ? "" : ",") + name;
    }
    analysisRequest.useCache = false;
    analysisRequest.capture.samples = request.samples;
    analysisRequest.capture.spectrum.bootstrapResamples = request.bootstrapResamples;
    std::vector<std::int64_t> inputShape;
    analysisRequest.preprocessing = [&inputShape](const models::LoadedModel& loaded) {
        inputShape = loaded.inputShape;
        return models::inputPreprocessing(loaded);
    };
    capture::ModelAnalysis computed = capture::analyzeModelCached(
        analysisRequest,
        [&](const capture::CaptureProgress& p) {
            if (progress) progress(0.95 * p.fraction, p.samplesPerSecond);
        },
        cancel);

    Analysis analysis = analysisOfReport(std::move(computed.report));
    analysis.modelSpecPath = request.modelPath;
    analysis.modelIsRun = request.isRun;
    analysis.inputShape = inputShape;
    analysis.datasetSpec = request.dataset;
    analysis.tokenizerDir = request.tokenizer;
    analysis.contextLength = request.contextLength;
    return analysis;
}

namespace {

/// A language analysis's model and token data, opened again for a job on its layers.
struct OpenedLanguage {
    models::LoadedModel loaded;
    language::TokenData data;
};

OpenedLanguage openLanguage(const Analysis& analysis, const char* what, const CancelToken* cancel) {
    if (!canReopenModel(analysis) || !isLanguageAnalysis(analysis))
        throw InputError(std::string(what) + " need a language model analysed in the app (File > Analyse a model "
                                             "with data set text:FILE or tokens:FILE.npy)");
    models::ModelSpec spec;
    spec.path = analysis.modelSpecPath;
    spec.isRun = analysis.modelIsRun;
    spec.takesTokens = true;
    language::TokenDataSpec tokens;
    tokens.dataset = analysis.datasetSpec;
    tokens.tokenizerDir = analysis.tokenizerDir;
    tokens.contextLength = analysis.contextLength;
    const std::int64_t context = language::requestedContextLength(tokens);
    spec.contextLength = context > 0 ? context : language::kDefaultContextLength;
    OpenedLanguage opened;
    opened.loaded = models::openModel(spec);
    if (cancel) cancel->throwIfCancelled();
    opened.data = language::openTokenData(tokens, opened.loaded);
    return opened;
}

} // namespace

TokenTrajectoryResult runTokenTrajectories(const Analysis& analysis, const std::vector<std::string>& layers,
                                           std::int64_t sequence, const language::TokenTrajectoryOptions& options,
                                           const CancelToken* cancel) {
    if (layers.empty()) throw InputError("select at least one layer for its token trajectories");
    OpenedLanguage opened = openLanguage(analysis, "token trajectories", cancel);
    TokenTrajectoryResult result;
    result.modelSpecPath = analysis.modelSpecPath;
    result.datasetSpec = analysis.datasetSpec;
    result.sequence = sequence;
    result.layers =
        language::modelTokenTrajectories(*opened.loaded.model, opened.data, layers, sequence, 1, options, cancel);
    result.html = language::tokenTrajectoriesHtml(result.layers, opened.loaded.model->name(), opened.data.description);
    return result;
}

std::vector<explain::UnitExplanation> runExplanations(const Analysis& analysis, const std::vector<std::string>& layers,
                                                      const language::RecordOptions& records,
                                                      const explain::EndpointSettings& endpoint,
                                                      const ProgressCallback& progress, const CancelToken* cancel) {
    if (layers.empty()) throw InputError("the analysis has no layers to explain");
    OpenedLanguage opened = openLanguage(analysis, "explanation scores", cancel);
    // Records are one pass over the data; the requests to the endpoint take most of the time.
    const std::vector<language::UnitRecords> units = language::collectActivationRecords(
        *opened.loaded.model, opened.data, layers, records,
        [&](double fraction) {
            if (progress) progress(0.1 * fraction);
        },
        cancel);
    return explain::explainUnits(
        units, endpoint,
        [&](double fraction) {
            if (progress) progress(0.1 + 0.9 * fraction);
        },
        cancel);
}

EigenfilterResult runEigenfilters(const Analysis& analysis, const std::string& layer, int components,
                                  const AnalysisProgressCallback& progress, const CancelToken* cancel) {
    if (!canReopenModel(analysis))
        throw InputError("this analysis does not say how to reopen its model and data set; analyse the model in the "
                         "app (File > Analyse a model) or open its sweep folder");
    OpenedCapture opened =
        openCapture(analysis.modelSpecPath, analysis.modelIsRun, analysis.inputShape, analysis.datasetSpec, cancel);
    capture::EigenfilterOptions options;
    options.samples = analysis.samples > 0 ? analysis.samples : 1000; // the images the spectrum was computed on
    options.components = components;
    QElapsedTimer clock;
    clock.start();
    const capture::LayerEigenfilters computed = capture::layerEigenfilters(
        *opened.loaded.model, *opened.dataset, opened.preprocessing, layer, options,
        [&](double fraction) {
            const double seconds = clock.elapsed() / 1000.0;
            if (progress)
                progress(fraction, seconds > 0 ? fraction * static_cast<double>(options.samples) / seconds : 0.0);
        },
        cancel);

    EigenfilterResult result;
    result.modelSpecPath = analysis.modelSpecPath;
    result.datasetSpec = analysis.datasetSpec;
    result.layer = layer;
    result.channels = static_cast<int>(computed.channels);
    result.height = static_cast<int>(computed.height);
    result.width = static_cast<int>(computed.width);
    result.samples = computed.samples;
    result.features = computed.features;
    result.stride = computed.stride;
    result.resolvedComponents = static_cast<int>(computed.filters.resolvedComponents);
    const Eigen::MatrixXd& filters = computed.filters.filters;
    for (Eigen::Index k = 0; k < filters.rows(); ++k) {
        result.eigenvalues.push_back(computed.filters.eigenvalues(k));
        std::vector<double> image(static_cast<std::size_t>(filters.cols()));
        for (Eigen::Index p = 0; p < filters.cols(); ++p) image[static_cast<std::size_t>(p)] = filters(k, p);
        result.filters.push_back(std::move(image));
    }
    return result;
}

QString demoSweepFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath("demo-sweep");
}

QString languageDemoFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath("demo-tiny-lm");
}

Analysis runLanguageDemo(const std::string& folder, const LanguageDemoOptions& options,
                         const AnalysisProgressCallback& progress, const CancelToken* cancel) {
    constexpr double kTrainingShare = 0.85;
    const std::vector<std::string> corpus = training::defaultCorpusFiles();
    // A finished run is reused; training writes the folder only when it completes, so one that is there is whole.
    if (!std::filesystem::exists(std::filesystem::path(folder) / models::kRunManifestFile)) {
        training::TinyLmTrainOptions train;
        train.steps = options.steps;
        training::trainTinyLmRun(train, training::readCorpus(corpus), corpus, folder,
                                 [&](const training::TinyLmProgress& p) {
                                     if (progress) progress(kTrainingShare * p.fraction, 0.0);
                                 },
                                 cancel);
    }
    capture::ModelAnalysisRequest request;
    request.model.path = folder;
    request.model.isRun = true;
    request.tokens.textFile = corpus.front(); // GPL-3
    request.capture.samples = options.sequences;
    request.capture.spectrum.bootstrapResamples = 200;
    capture::ModelAnalysis computed = capture::analyzeModelCached(
        request,
        [&](const capture::CaptureProgress& p) {
            if (progress) progress(kTrainingShare + (1 - kTrainingShare) * p.fraction, p.samplesPerSecond);
        },
        cancel);
    Analysis analysis = analysisOfReport(std::move(computed.report));
    analysis.modelSpecPath = folder;
    analysis.modelIsRun = true;
    analysis.datasetSpec = "text:" + corpus.front();
    return analysis;
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
    std::vector<std::string> usable;
    for (const results::SweepRun& run : results::readSweepFolder(folder))
        if (run.problem.empty()) usable.push_back(run.directory);
    // A run that cannot be analysed is left without analysis: the sweep view names it and offers to analyse it,
    // showing why it fails.
    analyseSweepRuns(
        usable,
        [&](double fraction, double samplesPerSecond) {
            if (progress) progress(kTrainingShare + (1 - kTrainingShare) * fraction, samplesPerSecond);
        },
        cancel);
}

std::vector<std::string> analyseSweepRuns(const std::vector<std::string>& runFolders,
                                          const AnalysisProgressCallback& progress, const CancelToken* cancel) {
    std::vector<std::string> failures;
    for (std::size_t i = 0; i < runFolders.size(); ++i) {
        capture::ModelAnalysisRequest request;
        request.model.path = runFolders[i];
        request.model.isRun = true;
        // The defaults of `codescope-cli analyze --sweep DIR --dataset fashion-mnist` (the dataset is the request's
        // default), so the CLI and the app share the cache.
        request.capture.samples = 1000;
        request.capture.spectrum.bootstrapResamples = 200;
        const double start = static_cast<double>(i) / static_cast<double>(runFolders.size());
        try {
            capture::analyzeModelCached(
                request,
                [&](const capture::CaptureProgress& p) {
                    if (progress)
                        progress(start + p.fraction / static_cast<double>(runFolders.size()), p.samplesPerSecond);
                },
                cancel);
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& error) { // InputError, or a library's own error from a damaged model
            const std::string message = error.what();
            failures.push_back(std::filesystem::path(runFolders[i]).filename().string() + ": " +
                               message.substr(0, message.find('\n')));
        }
    }
    return failures;
}

} // namespace codescope::gui
