// "How this was made": the panel above the figures and the block on every report page show the analysis's
// provenance (model, training, data, differences from the paper, Codescope's own defaults); a result file without
// one (an older version's) still opens and says it is missing.
#include <QDir>
#include <QTest>

#include "app/figures/analysis_session.h"
#include "app/gui/analysis_views.h"
#include "app/gui/main_window.h"
#include "app/gui/provenance_panel.h"
#include "app/figures/report_pages.h"
#include "core/pipeline/provenance.h"
#include "core/results/layer_report_reader.h"
#include "tests/gui/gui_test_registry.h"
#include "tests/gui/open_analysis.h"

using namespace codescope;
using namespace codescope::gui;

namespace {

// The fixture analysis with the provenance of a demo run (3 epochs of 12000 Fashion-MNIST images).
Analysis analysisWithDemoProvenance() {
    Analysis analysis = analysisOfReport(
        results::readLayerReport(QDir(guitest::testDataDir()).filePath("small_analysis.json").toStdString()));
    training::VaeRunRecord run;
    run.model = "resnet-vae-small";
    run.preset = "demo";
    run.dataset = "fashion-mnist";
    run.trainSamples = 12000;
    run.epochs = run.epochsCompleted = 3;
    run.batchSize = 50;
    run.learningRate = 1e-3;
    run.dropout = 0.2;
    run.dropoutPlacement = models::DropoutPlacement::Encoder;
    run.dropoutPlacementRecorded = run.lossRecorded = true;
    run.inputChannels = 1;
    run.inputSize = 28;
    run.widthDivisor = 8;
    run.hidden = run.hidden2 = 128;
    run.latent = 32;
    pipeline::AnalysisRequest request;
    request.model.path = "runs/dropout-0.2";
    request.model.isRun = true;
    analysis.provenance = pipeline::makeProvenance(request, run);
    return analysis;
}

} // namespace

class ProvenancePanelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void panelShowsTheProvenanceAndItsDifferences() {
        AnalysisSession session;
        ProvenancePanel panel(&session);
        session.setAnalysis(analysisWithDemoProvenance());
        QVERIFY2(
            panel.headerText().startsWith(QStringLiteral("How this was made — differs from the paper in 5 points")),
            qPrintable(panel.headerText()));
        QVERIFY(!panel.expanded());
        panel.setExpanded(true);
        QVERIFY(panel.expanded());
        const QString details = panel.detailsText();
        QVERIFY2(details.contains("Trained: preset demo, resnet-vae-small"), qPrintable(details));
        QVERIFY(details.contains("3 epochs instead of 20"));
        QVERIFY(details.contains("28 x 28 Fashion-MNIST instead of 224 x 224 CIFAR-10"));
        QVERIFY(details.contains("Codescope's own defaults: moving dot: 100 frames, radius 3 px"));
        QVERIFY(details.contains("explained variance: pooled R^2"));
        QVERIFY(details.contains("toy model of Fig. 1c: n = 20 features, m = 5 hidden"));
    }

    void oldResultFileOpensAndSaysProvenanceIsMissing() {
        MainWindow window;
        auto* panel = window.findChild<ProvenancePanel*>(QStringLiteral("provenancePanel"));
        QVERIFY(panel);
        QVERIFY(guitest::openAnalysisAndWait(window, QDir(guitest::testDataDir()).filePath("small_analysis.json")));
        QVERIFY2(panel->headerText().contains("provenance missing"), qPrintable(panel->headerText()));
        QVERIFY(panel->detailsText().contains("Provenance missing"));
    }

    void everyReportPageCarriesTheProvenance() {
        AnalysisSession session;
        AnalysisViews views(&session);
        views.resize(1000, 700);
        session.setAnalysis(analysisWithDemoProvenance());
        {
            const ReportPages report(session, views.reportSources());
            QVERIFY(!report.pages().empty());
            for (const widgets::ReportPage& page : report.pages()) {
                QVERIFY2(page.caption.contains("How this was made."), qPrintable(page.caption));
                QVERIFY2(page.caption.contains("Differs from the paper: "), qPrintable(page.caption));
                QVERIFY(page.caption.contains("3 epochs instead of 20"));
            }
        }
        Analysis old = session.analysis();
        old.provenance.reset();
        session.setAnalysis(old);
        const ReportPages report(session, views.reportSources());
        for (const widgets::ReportPage& page : report.pages())
            QVERIFY2(page.caption.contains("Provenance missing"), qPrintable(page.caption));
    }
};

CODESCOPE_GUI_TEST(ProvenancePanelTest)
#include "test_provenance_panel.moc"
