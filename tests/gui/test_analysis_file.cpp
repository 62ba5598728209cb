// The analysis JSON (codescope-cli analyze --json) read into the core's structs, its errors as values with file,
// offset and reason, the round trip through the writer, and what the views are given for it.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include "core/results/layer_report_reader.h"
#include <cmath>

#include "app/figures/analysis_file.h"
#include "app/figures/analysis_view_models.h"
#include "app/figures/theory_view_models.h"
#include "tests/gui/gui_test_registry.h"

using namespace codescope;
using namespace codescope::gui;

namespace {
QString fixture() {
    return QDir(guitest::testDataDir()).filePath("small_analysis.json");
}
} // namespace

class AnalysisFileTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsTheFixture() {
        const AnalysisReadResult read = readAnalysisFile(fixture());
        QVERIFY2(read.ok(), qPrintable(read.error.message()));
        const Analysis& a = *read.analysis;
        QCOMPARE(a.sourcePath, fixture());
        QCOMPARE(a.dataset, std::string("fashion-mnist"));
        QCOMPARE(a.samples, std::int64_t(1000));
        QCOMPARE(a.layers.size(), std::size_t(4));
        QCOMPARE(a.layers[0].layer.name, std::string("conv1.relu"));
        QCOMPARE(a.layers[3].layer.kind, std::string("Linear"));
        QCOMPARE(a.layers[0].layer.shape, (std::vector<std::int64_t>{8, 13, 13}));
        for (std::size_t i = 1; i < a.layers.size(); ++i)
            QVERIFY(a.layers[i - 1].layer.depth < a.layers[i].layer.depth);
        const spectrum::SpectrumResult& first = a.layers[0].spectrum;
        QCOMPARE(first.eigenvalues.size(), Eigen::Index(120));
        QCOMPARE(first.alpha, -0.72);
        QCOMPARE(first.alphaCiLo, -0.78);
        QCOMPARE(first.fitLo, 10);
        QCOMPARE(first.fitHi, 50);
        QCOMPARE(first.features, std::int64_t(1352));
        // The fixture's generator: lambda_1 = exp(0.5) * 1^alpha * (1 + 0.03 sin 1).
        QVERIFY(std::abs(first.eigenvalues[0] - std::exp(0.5) * (1 + 0.03 * std::sin(1.0))) < 1e-5);
        QVERIFY(std::isnan(a.layers[3].spectrum.alphaCiLo)); // null in the file
    }

    void errorsNameTheFileThePlaceAndTheReason() {
        const AnalysisReadResult missing = readAnalysisFile("/no/such/analysis.json");
        QVERIFY(!missing.ok());
        QVERIFY(missing.error.message().contains("/no/such/analysis.json"));
        QVERIFY(missing.error.message().contains("no such file"));

        QVERIFY(!readAnalysisFile(guitest::testDataDir()).ok()); // a folder

        const AnalysisReadResult broken = parseAnalysisJson("{\"layers\": [1, 2,, 3]}", "broken.json");
        QVERIFY(!broken.ok());
        QCOMPARE(broken.error.offset, qint64(18)); // nlohmann counts bytes read: the second comma is the 18th
        QVERIFY2(broken.error.message().startsWith("broken.json: byte 18: not valid JSON"),
                 qPrintable(broken.error.message()));

        const AnalysisReadResult other = parseAnalysisJson("{\"name\": \"something else\"}", "other.json");
        QVERIFY(!other.ok());
        QVERIFY(other.error.reason.contains("codescope-cli analyze"));

        const AnalysisReadResult noEigenvalues =
            parseAnalysisJson(R"({"layers": [{"name": "fc1", "depth": 2, "alpha": -1}]})", "partial.json");
        QVERIFY(!noEigenvalues.ok());
        QVERIFY2(noEigenvalues.error.reason.contains("fc1") && noEigenvalues.error.reason.contains("eigenvalues"),
                 qPrintable(noEigenvalues.error.reason));

        const AnalysisReadResult wrongType = parseAnalysisJson(
            R"({"layers": [{"name": "fc1", "depth": "deep", "alpha": -1, "eigenvalues": []}]})", "t.json");
        QVERIFY(!wrongType.ok());
        QVERIFY(wrongType.error.reason.contains("'depth' must be an integer"));

        QVERIFY(!parseAnalysisJson(R"({"layers": []})", "empty.json").ok());
    }

    void writesWhatItReads() {
        const AnalysisReadResult read = readAnalysisFile(fixture());
        QVERIFY(read.ok());
        QTemporaryDir dir;
        const QString path = dir.filePath("copy.json");
        QCOMPARE(writeAnalysisFile(*read.analysis, path), QString());
        const AnalysisReadResult again = readAnalysisFile(path);
        QVERIFY2(again.ok(), qPrintable(again.error.message()));
        QCOMPARE(again.analysis->layers.size(), read.analysis->layers.size());
        for (std::size_t i = 0; i < again.analysis->layers.size(); ++i) {
            const auto& x = again.analysis->layers[i];
            const auto& y = read.analysis->layers[i];
            QCOMPARE(x.layer.name, y.layer.name);
            QCOMPARE(x.spectrum.alpha, y.spectrum.alpha);
            QVERIFY(x.spectrum.eigenvalues.isApprox(y.spectrum.eigenvalues));
            QCOMPARE(std::isnan(x.spectrum.alphaCiHi), std::isnan(y.spectrum.alphaCiHi));
        }
        QVERIFY(!writeAnalysisFile(*read.analysis, dir.filePath("missing/folder/a.json")).isEmpty());
    }

    void howToReopenTheModelSurvivesTheRoundTrip() {
        AnalysisReadResult read = readAnalysisFile(fixture());
        QVERIFY(read.ok());
        QVERIFY(!canReopenModel(*read.analysis)); // a file of an older version records no request
        Analysis analysis = *read.analysis;
        pipeline::AnalysisRequest request;
        request.model.path = "/runs/tiny-lm";
        request.model.isRun = true;
        request.data = pipeline::dataRequestFromSpec("text:/corpus.txt", "/tok", 32);
        request.spectrum.fitLo = 5;
        analysis.request = request;
        QTemporaryDir dir;
        const QString path = dir.filePath("reopen.json");
        QCOMPARE(writeAnalysisFile(analysis, path), QString());
        const AnalysisReadResult again = readAnalysisFile(path);
        QVERIFY2(again.ok(), qPrintable(again.error.message()));
        QVERIFY(canReopenModel(*again.analysis));
        QCOMPARE(again.analysis->request->model.path, std::string("/runs/tiny-lm"));
        QVERIFY(again.analysis->request->model.isRun);
        QCOMPARE(pipeline::dataSpecText(again.analysis->request->data), std::string("text:/corpus.txt"));
        QCOMPARE(again.analysis->request->data.tokens.tokenizerDir, std::string("/tok"));
        QCOMPARE(again.analysis->request->data.tokens.contextLength, std::int64_t(32));
        QCOMPARE(again.analysis->request->spectrum.fitLo, 5);
        QVERIFY(isLanguageAnalysis(*again.analysis));
        // The core's reader (codescope-cli report) still reads the file.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(results::parseLayerReport(file.readAll().toStdString(), "reopen.json").layers.size(),
                 read.analysis->layers.size());
    }

    void codingRecordsSurviveTheRoundTrip() {
        Analysis analysis;
        analysis.model = "m";
        analysis.dataset = "d";
        analysis.samples = 10;
        results::LayerSpectrum entry;
        entry.layer.name = "relu";
        entry.spectrum.eigenvalues = Eigen::VectorXd::LinSpaced(5, 5.0, 1.0);
        entry.spectrum.alpha = -1.5;
        entry.spectrum.alphaBootstrapBias = -0.02;
        entry.spectrum.alphaStandardError = 0.01;
        results::LayerCoding coding;
        coding.units = 7;
        coding.frames = 100;
        coding.projections = 1000;
        coding.actionMean = 2.5;
        coding.actionSd = 0.25;
        coding.stimulusR2Mean = 0.4;
        coding.latentR2Mean = 0.9;
        coding.eq3CapacityBits = 123.0;
        entry.coding = coding;
        analysis.layers.push_back(entry);
        entry.layer.name = "divergent";
        entry.layer.depth = 1;
        entry.coding->eq4ExpectedAction = std::nullopt;
        analysis.layers.front().coding->eq4ExpectedAction = 0.82;
        analysis.layers.push_back(entry);

        QTemporaryDir dir;
        QCOMPARE(writeAnalysisFile(analysis, dir.filePath("c.json")), QString());
        const AnalysisReadResult read = readAnalysisFile(dir.filePath("c.json"));
        QVERIFY2(read.ok(), qPrintable(read.error.message()));
        const auto& layers = read.analysis->layers;
        QCOMPARE(layers.size(), std::size_t(2));
        QVERIFY(layers[0].coding.has_value());
        QCOMPARE(layers[0].coding->units, std::int64_t(7));
        QCOMPARE(layers[0].coding->actionMean, 2.5);
        QCOMPARE(layers[0].coding->actionSd, 0.25);
        QCOMPARE(layers[0].coding->stimulusR2Mean, 0.4);
        QCOMPARE(layers[0].coding->latentR2Mean, 0.9);
        QCOMPARE(layers[0].coding->eq3CapacityBits, 123.0);
        QCOMPARE(*layers[0].coding->eq4ExpectedAction, 0.82);
        QVERIFY(!layers[1].coding->eq4ExpectedAction.has_value()); // written as null: the series diverges
        QCOMPARE(layers[0].spectrum.alphaBootstrapBias, -0.02);
        QCOMPARE(layers[0].spectrum.alphaStandardError, 0.01);
    }

    void projectionCurvesFollowTheSelection() {
        Analysis analysis;
        for (int layer = 0; layer < 3; ++layer) {
            results::LayerSpectrum entry;
            entry.layer.name = "layer" + std::to_string(layer);
            entry.layer.depth = layer;
            if (layer != 1) { // the middle layer has no coding record
                results::LayerCoding coding;
                coding.averageActivation = 0.5 * layer;
                coding.curves = Eigen::MatrixXd::Random(40, 6); // 2 curves of 40 frames
                entry.coding = coding;
            }
            analysis.layers.push_back(entry);
        }
        const auto views = projectionCurvesOf(analysis, {"layer2", "layer1", "layer0"});
        QCOMPARE(views.size(), std::size_t(2)); // layer1 has nothing to draw
        QCOMPARE(views[0].layer, QString("layer0"));
        QCOMPARE(views[1].averageActivation, 1.0);
        QCOMPARE(views[1].curves.size(), std::size_t(2));
        QCOMPARE(views[1].curves[1].size(), std::size_t(40));
        QCOMPARE(views[1].curves[1][7][2], analysis.layers[2].coding->curves(7, 5));
        QCOMPARE(views[1].times.size(), std::size_t(40));
        QVERIFY(views[1].times.back() < 2 * M_PI && views[1].times.back() > 6.0);
        QCOMPARE(projectionCurvesOf(analysis, {"layer0", "layer2"}, 1).size(), std::size_t(1));
    }

    void theoryPlotsFollowTheClosedForms() {
        const auto dropout = dropoutCapacitySeries({0.2, 0.5}, 4);
        QCOMPARE(dropout.size(), std::size_t(4)); // without and with correction per rate
        QCOMPARE(dropout[0].points.size(), std::size_t(4));
        QCOMPARE(dropout[0].points[2].x, 3.0);
        QVERIFY(std::abs(dropout[0].points[2].y - 0.8 * 0.8 * 0.8) < 1e-12); // (1 - D)^N
        QVERIFY(std::abs(dropout[1].points[3].y - 0.8) < 1e-12);             // (1 - D), any N
        QVERIFY(std::abs(dropout[2].points[0].y - 0.5) < 1e-12);
        const auto compression = compressionSeries({32}, 11);
        QCOMPARE(compression.size(), std::size_t(2));
        // R(0.5, 32) = 0.5 + h(0.5)/32 = 0.5 + 1/32; the limit is 1 - S.
        QVERIFY(std::abs(compression[0].points[5].y - (0.5 + 1.0 / 32)) < 1e-12);
        QVERIFY(std::abs(compression[1].points[10].y - 0.0) < 1e-12);
        QCOMPARE(compressionAxes().integerX, false);
    }

    void viewModelsCarryTheFitAndTheIntervals() {
        const Analysis a = *readAnalysisFile(fixture()).analysis;
        const std::vector<widgets::SpectrumSeries> spectra = spectrumSeriesOf(a);
        QCOMPARE(spectra.size(), std::size_t(4));
        QCOMPARE(spectra[1].layerName, QStringLiteral("conv2.relu"));
        QCOMPARE(spectra[1].depth, 3);
        QCOMPARE(spectra[1].eigenvalues.size(), std::size_t(120));
        QCOMPARE(spectra[1].alpha, -0.95);
        QCOMPARE(spectra[1].intercept, 0.0);
        QCOMPARE(spectra[1].fitLo, 10);
        QCOMPARE(spectra[1].fitHi, 50);

        const widgets::RunPlotSeries run = alphaDepthSeriesOf(a, "fixture", 0.2);
        QCOMPARE(run.runLabel, QStringLiteral("fixture"));
        QCOMPARE(run.dropout, 0.2);
        QCOMPARE(run.points.size(), std::size_t(4));
        QCOMPARE(run.points[2].x, 5.0);
        QCOMPARE(run.points[2].lo, -1.27);
        QCOMPARE(run.points[2].hi, -1.10);
        QVERIFY(!widgets::hasInterval(run.points[3]));
    }

    void titleShortensPaths() {
        Analysis a;
        a.model = "/runs/sweep/dropout-0.3/model.pt";
        a.dataset = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
        a.samples = 500;
        QCOMPARE(analysisTitle(a), QStringLiteral("model.pt on t10k-images-idx3-ubyte.gz (500 images)"));
    }
};

CODESCOPE_GUI_TEST(AnalysisFileTest)
#include "test_analysis_file.moc"
