// The language-model tabs: what the explanation-score plot is given (Fig. 7b) from a file of codescope-cli explain,
// and the token trajectories of a real (fixture) language model computed in the background and exported as a PDF
// (Fig. 7c). Waits on signals only.
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBrowser>
#include <cmath>
#include <utility>

#include "app/gui/analysis_job_runner.h"
#include "app/figures/analysis_session.h"
#include "app/gui/main_window.h"
#include "app/gui/analysis_views.h"
#include "app/gui/explanation_pane.h"
#include "app/gui/theory_compute_pane.h"
#include "app/gui/token_pane.h"
#include "core/explain/explanations_file.h"
#include "tests/gui/gui_test_registry.h"
#include "tests/gui/pdf_inspection.h"
#include "widgets/charts/alpha_depth_view.h"
#include "widgets/export/figure_export.h"

using namespace codescope;
using namespace codescope::gui;

namespace {

std::vector<explain::UnitExplanation> someExplanations() {
    return {{"blocks.0.mlp.gelu", 0, "neuron 3", false, "commas", 0.2, ""},
            {"blocks.0.mlp.gelu", 0, "neuron 9", false, "the word 'the'", 0.4, ""},
            {"blocks.0.mlp.gelu", 0, "projection 0", true, "spaces", 0.1, ""},
            {"blocks.1.mlp.gelu", 1, "neuron 1", false, "digits", 0.5, ""},
            {"blocks.1.mlp.gelu", 1, "projection 2", true, "", std::nan(""), "endpoint down"}};
}

} // namespace

class LanguageViewsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void explanationPlotGetsOneSeriesPerKindWithMeansAtTheirDepth() {
        const auto series = explanationSeries(explain::scoresByDepth(someExplanations()));
        QCOMPARE(series.size(), std::size_t(2));
        QCOMPARE(series[0].runLabel, QStringLiteral("single neurons"));
        QCOMPARE(series[0].points.size(), std::size_t(2));
        QCOMPARE(series[0].points[0].x, 0.0);
        QVERIFY(std::abs(series[0].points[0].y - 0.3) < 1e-12);
        QVERIFY(std::isfinite(series[0].points[0].lo));    // two neurons: an interval
        QVERIFY(std::isnan(series[0].points[1].lo));       // one neuron: none
        QCOMPARE(series[1].points.size(), std::size_t(1)); // the failed projection has no score
        QCOMPARE(series[1].points[0].y, 0.1);
        QCOMPARE(explanationAxes().reference, 0.0);
    }

    void openedScoresAreReadInTheBackgroundAndPlotted() {
        const QString path = QDir(guitest::artifactsDir()).filePath("explanations.json");
        QDir().mkpath(guitest::artifactsDir());
        explain::EndpointSettings settings;
        settings.baseUrl = "http://127.0.0.1:9/v1";
        std::vector<explain::UnitExplanation> units = someExplanations();
        for (explain::UnitExplanation& unit : units)
            unit.parsedValueTokens = 6; // an endpoint without logprobs
        explain::writeExplanationsJson(path.toStdString(), units, settings, 5);
        AnalysisSession session;
        ExplanationPane pane(&session);
        QSignalSpy computed(pane.computePane(), &TheoryComputePane::computed);
        QVERIFY(pane.openScores(path));
        QVERIFY(computed.wait(10000));
        const auto& series = pane.computePane()->computedSeries();
        QCOMPARE(series.size(), std::size_t(2));
        QCOMPARE(series[0].points.size(), std::size_t(2));
        QCOMPARE(pane.computePane()->view()->runLines().size(), std::size_t(2));
        // The tab says how the simulated activations were read: here not as Bills et al. (no log-probabilities).
        QVERIFY2(pane.simulationNote().contains("returned no log-probabilities"), qPrintable(pane.simulationNote()));
        for (explain::UnitExplanation& unit : units)
            std::swap(unit.parsedValueTokens, unit.expectedValueTokens);
        explain::writeExplanationsJson(path.toStdString(), units, settings, 5);
        QVERIFY(pane.openScores(path));
        QVERIFY(computed.wait(10000));
        QVERIFY2(pane.simulationNote().contains("expected values over 0-10 from the simulator's log-probabilities"),
                 qPrintable(pane.simulationNote()));

        QSignalSpy failed(pane.computePane(), &TheoryComputePane::failed);
        QVERIFY(pane.openScores(path + ".missing"));
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.first().first().toString().contains("explanations.json.missing"));
    }

    void tokenTrajectoriesOfATracedTransformerAreComputedAndExported() {
        const QDir data(QDir(guitest::testDataDir()).filePath("../../data"));
        Analysis analysis;
        analysis.model = "lm_traced.pt";
        analysis.dataset = "tokens:lm_tokens.npy context:8";
        pipeline::AnalysisRequest request;
        request.model.path = data.filePath("torchscript/lm_traced.pt").toStdString();
        request.data = pipeline::dataRequestFromSpec("tokens:" + data.filePath("language/lm_tokens.npy").toStdString());
        analysis.request = request;
        results::LayerSpectrum layer;
        layer.layer = {"blocks.1.mlp.gelu#1", "gelu", 17, {64}};
        analysis.layers.push_back(layer);
        AnalysisSession session;
        session.setAnalysis(analysis);
        session.setSelectedLayers({"blocks.1.mlp.gelu#1"});
        TokenPane pane(&session);
        QVERIFY(pane.computeButton()->isEnabled());
        QSignalSpy computed(&pane, &TokenPane::computed);
        QVERIFY(pane.compute());
        QVERIFY(computed.wait(60000));
        QCOMPARE(computed.first().first().toBool(), true);
        QVERIFY(pane.html().contains("blocks.1.mlp.gelu#1"));
        QVERIFY(pane.html().count("background-color") >= 8 * 6); // 8 tokens x (5 lowest + 1 typical)
        QVERIFY(pane.browser()->toPlainText().contains("lowest action #1"));
        pane.resize(900, 700);
        QVERIFY(pane.grab().save(QDir(guitest::artifactsDir()).filePath("tokens_tab.png")));
        const QString pdf = QDir(guitest::artifactsDir()).filePath("token-trajectories.pdf");
        QVERIFY(widgets::exportHtmlPdf(pane.html(), pdf).ok());
        QVERIFY(guitest::hasPdfHeader(pdf));
        QVERIFY(guitest::pdfPageCount(pdf) >= 1);
        const QString text = guitest::pdfText(pdf);
        QVERIFY(text.isEmpty() || text.contains("lowest action"));

        // A layer the model does not have: the error is shown, the pane stays usable.
        session.setSelectedLayers({"blocks.1.mlp.gelu#1"});
        analysis.layers[0].layer.name = "no.such.layer";
        session.setAnalysis(analysis);
        session.setSelectedLayers({"no.such.layer"});
        QSignalSpy failed(&pane, &TokenPane::computed);
        QVERIFY(pane.compute());
        QVERIFY(failed.wait(60000));
        QCOMPARE(failed.first().first().toBool(), false);
        QVERIFY(pane.computeButton()->isEnabled());
    }

    // The language demo end to end in the window, made small: a 20-step tiny LM, 40 sequences of GPL-3.
    void languageDemoTrainsAnalysesAndThenReusesTheRun() {
        QTemporaryDir dir;
        const QString folder = dir.filePath("tiny-lm");
        MainWindow window;
        window.show();
        AnalysisJobRunner* jobs = window.jobRunner();
        LanguageDemoOptions options;
        options.steps = 20;
        options.sequences = 40;
        QSignalSpy finished(jobs, &AnalysisJobRunner::finished);
        QVERIFY(window.startLanguageDemo(folder, options));
        QVERIFY(!window.startLanguageDemo(folder, options)); // one job at a time
        QVERIFY(finished.wait(240000));
        const Analysis analysis = finished.first().first().value<Analysis>();
        QCOMPARE(analysis.layers.size(), std::size_t(4)); // every block's GELU
        QCOMPARE(QString::fromStdString(analysis.layers.front().layer.kind), QStringLiteral("gelu"));
        QCOMPARE(analysis.samples, std::int64_t(40 * 64));
        QVERIFY(isLanguageAnalysis(analysis));
        QVERIFY(canReopenModel(analysis));
        QVERIFY(std::isfinite(analysis.layers.front().spectrum.alpha));
        QVERIFY(window.views()->tokenPane()->computeButton()->isEnabled());
        const QDateTime trained = QFileInfo(QDir(folder).filePath("model.pt")).lastModified();

        // Again: the run and its analysis are reused (the cache beside the run), nothing is retrained.
        QSignalSpy again(jobs, &AnalysisJobRunner::finished);
        QVERIFY(window.startLanguageDemo(folder, options));
        QVERIFY(again.wait(240000));
        QCOMPARE(QFileInfo(QDir(folder).filePath("model.pt")).lastModified(), trained);
        QCOMPARE(again.first().first().value<Analysis>().layers.size(), std::size_t(4));
    }

    void withoutALanguageAnalysisTheTabsSayWhatTheyNeed() {
        AnalysisSession session;
        AnalysisViews views(&session);
        QVERIFY(!views.tokenPane()->computeButton()->isEnabled());
        QVERIFY(!views.tokenPane()->compute());
        QVERIFY(views.explanationPane()->computePane()->statusText().contains("language model"));
    }
};

CODESCOPE_GUI_TEST(LanguageViewsTest)
#include "test_language_views.moc"
