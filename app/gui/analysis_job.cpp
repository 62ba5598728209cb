// The GUI's jobs, each a call into core/pipeline (whose headers hold no LibTorch type).
#include "app/gui/analysis_job.h"

#include <QDir>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStringList>

#include "core/common/input_error.h"
#include "core/language/token_html.h"
#include "core/pipeline/layer_jobs.h"
#include "core/pipeline/model_analysis.h"
#include "core/pipeline/sweep_analysis.h"

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

Analysis runAnalysis(const pipeline::AnalysisRequest& request, const AnalysisProgressCallback& progress,
                     const CancelToken* cancel) {
    pipeline::ModelAnalysis computed = pipeline::analyzeModel(
        request, pipeline::CacheUse::Off,
        [&](double fraction, double samplesPerSecond) {
            if (progress) progress(0.95 * fraction, samplesPerSecond);
        },
        cancel);
    return analysisOfReport(std::move(computed.report));
}

namespace {

/// The request of a language analysis, for a job on `layers` of it. Throws InputError for another analysis.
pipeline::AnalysisRequest languageRequest(const Analysis& analysis, const std::vector<std::string>& layers,
                                          const char* what) {
    if (!canReopenModel(analysis) || !isLanguageAnalysis(analysis))
        throw InputError(std::string(what) + " need a language model analysed in the app (File > Analyse a model "
                                             "with data set text:FILE or tokens:FILE.npy)");
    pipeline::AnalysisRequest request = *analysis.request;
    request.layers = layers;
    return request;
}

} // namespace

TokenTrajectoryResult runTokenTrajectories(const Analysis& analysis, const std::vector<std::string>& layers,
                                           std::int64_t sequence, const language::TokenTrajectoryOptions& options,
                                           const CancelToken* cancel) {
    if (layers.empty()) throw InputError("select at least one layer for its token trajectories");
    pipeline::TokenTrajectoryRun run = pipeline::tokenTrajectoriesOf(
        languageRequest(analysis, layers, "token trajectories"), sequence, 1, options, cancel);
    TokenTrajectoryResult result;
    result.analysisKey = reopenKey(analysis);
    result.sequence = sequence;
    result.layers = std::move(run.layers);
    result.html = language::tokenTrajectoriesHtml(result.layers, run.model, run.data);
    return result;
}

std::vector<explain::UnitExplanation> runExplanations(const Analysis& analysis, const std::vector<std::string>& layers,
                                                      const language::RecordOptions& records,
                                                      const explain::EndpointSettings& endpoint,
                                                      const ProgressCallback& progress, const CancelToken* cancel) {
    if (layers.empty()) throw InputError("the analysis has no layers to explain");
    // Records are one pass over the data; the requests to the endpoint take most of the time.
    const pipeline::ActivationRecordRun run = pipeline::activationRecordsOf(
        languageRequest(analysis, layers, "explanation scores"), records,
        [&](double fraction) {
            if (progress) progress(0.1 * fraction);
        },
        cancel);
    return explain::explainUnits(
        run.units, endpoint,
        [&](double fraction) {
            if (progress) progress(0.1 + 0.9 * fraction);
        },
        cancel);
}

EigenfilterResult runEigenfilters(const Analysis& analysis, const std::string& layer, int components,
                                  const AnalysisProgressCallback& progress, const CancelToken* cancel) {
    if (!canReopenModel(analysis))
        throw InputError("this analysis does not record the request that made it (a file of an older version); "
                         "analyse the model again (File > Analyse a model) or open its sweep folder");
    if (isLanguageAnalysis(analysis)) throw InputError("eigenfilters are images: this analysis is of token data");
    const pipeline::AnalysisRequest& request = *analysis.request;
    capture::EigenfilterOptions options; // over the images the spectrum was computed on (request.samples)
    options.components = components;
    options.maxFeatures = request.spectrum.maxFeatures; // the units the analysis's spectrum kept
    QElapsedTimer clock;
    clock.start();
    const capture::LayerEigenfilters computed =
        pipeline::layerEigenfiltersOf(
            request, layer, options,
            [&](double fraction) {
                const double seconds = clock.elapsed() / 1000.0;
                if (progress)
                    progress(fraction, seconds > 0 ? fraction * static_cast<double>(request.samples) / seconds : 0.0);
            },
            cancel)
            .filters;

    EigenfilterResult result;
    result.analysisKey = reopenKey(analysis);
    result.datasetSpec = pipeline::dataSpecText(request.data);
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
        for (Eigen::Index p = 0; p < filters.cols(); ++p)
            image[static_cast<std::size_t>(p)] = filters(k, p);
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
    return analysisOfReport(pipeline::runLanguageDemo(folder, options, progress, cancel).report);
}

void runDemo(const std::string& folder, const AnalysisProgressCallback& progress, const CancelToken* cancel) {
    pipeline::runDemoSweep(folder, progress, cancel);
}

std::vector<std::string> analyseSweepRuns(const std::vector<std::string>& runFolders,
                                          const AnalysisProgressCallback& progress, const CancelToken* cancel) {
    std::vector<std::string> failures;
    for (const pipeline::SweepRunAnalysis& outcome :
         pipeline::analyzeSweepRuns(pipeline::sweepRunsOfFolders(runFolders), pipeline::AnalysisRequest{},
                                    pipeline::CacheUse::ReadWrite, progress, cancel))
        if (!outcome.analysis) failures.push_back(outcome.run.name + ": " + outcome.failure);
    return failures;
}

} // namespace codescope::gui
