#include "app/figures/theory_view_models.h"

#include <QObject>
#include <QStringList>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/theory/coding_theory.h"
#include "core/theory/toy_superposition.h"

namespace codescope::gui {

std::vector<widgets::RunPlotSeries> dropoutCapacitySeries(const std::vector<double>& dropouts, int maxLayers) {
    std::vector<widgets::RunPlotSeries> series;
    for (double dropout : dropouts) {
        widgets::RunPlotSeries without, with;
        without.runLabel = QObject::tr("no error correction");
        with.runLabel = QObject::tr("error correction");
        without.dropout = with.dropout = dropout;
        for (int layers = 1; layers <= maxLayers; ++layers) {
            widgets::RunPlotPoint p;
            p.x = layers;
            p.layerName = QObject::tr("%1 dropout layers").arg(layers);
            p.y = theory::dropoutCapacityWithoutCorrection(1.0, dropout, layers);
            without.points.push_back(p);
            p.y = theory::dropoutCapacityWithCorrection(1.0, dropout);
            with.points.push_back(p);
        }
        series.push_back(std::move(without));
        series.push_back(std::move(with));
    }
    return series;
}

widgets::RunPlotAxes dropoutCapacityAxes() {
    widgets::RunPlotAxes axes = widgets::alphaDepthAxes();
    axes.xTitle = QObject::tr("dropout layers N");
    axes.xName = QObject::tr("N");
    axes.yTitle = QObject::tr("capacity left, C~ / C");
    axes.yName = QObject::tr("C~/C");
    axes.reference = std::numeric_limits<double>::quiet_NaN();
    axes.shadeName = QObject::tr("D =");
    return axes;
}

std::vector<widgets::RunPlotSeries> compressionSeries(const std::vector<double>& entropyBits, int points) {
    std::vector<widgets::RunPlotSeries> series;
    auto curve = [points](const QString& label, double shade, auto rate) {
        widgets::RunPlotSeries s;
        s.runLabel = label;
        s.dropout = shade; // the views colour series by this value
        s.lineOnly = true; // a closed form, sampled at `points` sparsities
        for (int i = 0; i < points; ++i) {
            widgets::RunPlotPoint p;
            p.x = static_cast<double>(i) / (points - 1);
            p.layerName = QObject::tr("S = %1").arg(p.x, 0, 'g', 3);
            p.y = rate(p.x);
            s.points.push_back(p);
        }
        return s;
    };
    for (std::size_t i = 0; i < entropyBits.size(); ++i) {
        const double bits = entropyBits[i];
        series.push_back(curve(QObject::tr("R(S, H = %1 bits)").arg(bits), static_cast<double>(i),
                               [bits](double s) { return theory::compressionRate(s, bits); }));
    }
    series.push_back(curve(QObject::tr("limit 1 − S"), static_cast<double>(entropyBits.size()),
                           [](double s) { return theory::compressionRateLimit(s); }));
    return series;
}

widgets::RunPlotAxes compressionAxes() {
    widgets::RunPlotAxes axes = widgets::alphaDepthAxes();
    axes.xTitle = QObject::tr("sparsity S (fraction of zero inputs)");
    axes.xName = QObject::tr("S");
    axes.yTitle = QObject::tr("compression rate R (hidden units per input)");
    axes.yName = QObject::tr("R");
    axes.integerX = false;
    axes.reference = std::numeric_limits<double>::quiet_NaN();
    axes.shadeName.clear();
    return axes;
}

theory::ToySuperpositionOptions toySuperpositionGuiOptions() {
    theory::ToySuperpositionOptions options;
    options.sparsities = {0.0, 0.5, 0.8, 0.9, 0.95, 0.99};
    options.steps = 1500;
    options.batch = 256;
    options.learningRate = 0.01;
    options.evaluationSamples = 4096;
    return options;
}

widgets::RunPlotSeries toySuperpositionSeries(const theory::ToySuperpositionResult& result, double shade) {
    widgets::RunPlotSeries series;
    series.runLabel =
        QObject::tr("toy models m/‖W‖², n = %1, m = %2").arg(result.options.features).arg(result.options.hidden);
    series.dropout = shade;
    series.pointsOnly = true;
    for (const theory::ToySparsityResult& row : result.rows) {
        widgets::RunPlotPoint p;
        p.x = row.sparsity;
        p.y = row.dimensionsPerFeature;
        p.layerName = QObject::tr("toy model at S = %1 (%2 of %3 features stored)")
                          .arg(row.sparsity, 0, 'g', 3)
                          .arg(row.representedFeatures)
                          .arg(result.options.features);
        series.points.push_back(p);
    }
    return series;
}

widgets::RunPlotSeries toySuperpositionFloorSeries(int features, int hidden, double shade) {
    const double floor = theory::toyDimensionsPerFeatureFloor(features, hidden);
    widgets::RunPlotSeries series;
    series.runLabel = QObject::tr("floor m/n = %1: the model's size, not eq. 1").arg(floor, 0, 'g', 3);
    series.dropout = shade;
    series.lineOnly = true;
    for (double s : {0.0, 1.0}) {
        widgets::RunPlotPoint p;
        p.x = s;
        p.y = floor;
        p.layerName = QObject::tr("floor m/n = %1/%2").arg(hidden).arg(features);
        series.points.push_back(p);
    }
    return series;
}

QString toySuperpositionFloorNote(int features, int hidden) {
    return QObject::tr("Flat line: the floor m/n = %1/%2 = %3 that a toy model of n = %2 features and m = %1 units "
                       "cannot go below (it stores at most n features); points on it show the model's size, not "
                       "eq. 1.")
        .arg(hidden)
        .arg(features)
        .arg(theory::toyDimensionsPerFeatureFloor(features, hidden), 0, 'g', 3);
}

std::vector<widgets::RunPlotSeries> computeToySuperpositionSeries(const theory::ToySuperpositionOptions& options,
                                                                  double shade, const ProgressCallback& progress,
                                                                  const CancelToken* cancel) {
    return {toySuperpositionSeries(theory::runToySuperposition(options, progress, cancel), shade)};
}

mine::DropoutMlpOptions mineLayersGuiOptions() {
    mine::DropoutMlpOptions options;
    options.bits = 4;
    options.depth = 6;
    options.width = 16;
    options.trainSteps = 600;
    options.batchSize = 128;
    options.mine.steps = 200;
    options.mine.evaluationSamples = 2048;
    return options;
}

std::vector<double> mineLayersGuiDropouts() {
    return {0.1, 0.3, 0.5};
}

std::vector<widgets::RunPlotSeries> mineLayerSeries(const std::vector<mine::DropoutMlpResult>& results) {
    std::vector<widgets::RunPlotSeries> series;
    for (const mine::DropoutMlpResult& result : results) {
        widgets::RunPlotSeries s;
        s.runLabel = QObject::tr("trained MLP");
        s.dropout = result.options.dropout;
        for (std::size_t l = 0; l < result.trainedNats.size(); ++l) {
            widgets::RunPlotPoint p;
            p.x = static_cast<double>(l + 1);
            p.layerName = QObject::tr("hidden layer %1").arg(l + 1);
            p.y = result.trainedNats[l] / std::log(2.0); // nats to bits
            s.points.push_back(p);
        }
        series.push_back(std::move(s));
    }
    return series;
}

widgets::RunPlotAxes mineLayerAxes(double inputBits) {
    widgets::RunPlotAxes axes = widgets::alphaDepthAxes();
    axes.xTitle = QObject::tr("hidden layer l");
    axes.xName = QObject::tr("layer");
    axes.yTitle = QObject::tr("mutual information I(X; h_l), bits (MINE lower bound)");
    axes.yName = QObject::tr("I");
    axes.intervalName.clear();
    axes.reference = inputBits;
    axes.referenceName = QObject::tr("H(X) = %1 bits").arg(inputBits, 0, 'g', 3);
    axes.shadeName = QObject::tr("dropout");
    return axes;
}

std::vector<widgets::RunPlotSeries> computeMineLayerSeries(const mine::DropoutMlpOptions& options,
                                                           const std::vector<double>& dropouts,
                                                           const ProgressCallback& progress,
                                                           const CancelToken* cancel) {
    std::vector<mine::DropoutMlpResult> results;
    const double runs = static_cast<double>(std::max<std::size_t>(1, dropouts.size()));
    for (std::size_t i = 0; i < dropouts.size(); ++i) {
        mine::DropoutMlpOptions run = options;
        run.dropout = dropouts[i];
        const ProgressCallback scaled = [&progress, i, runs](double fraction) {
            if (progress) progress((static_cast<double>(i) + fraction) / runs);
        };
        results.push_back(mine::runDropoutMlpExperiment(run, scaled, cancel));
    }
    return mineLayerSeries(results);
}

} // namespace codescope::gui

namespace codescope::gui {

mine::PaperMlpOptions minePaperGuiOptions() {
    return mine::PaperMlpOptions();
}

std::vector<widgets::RunPlotSeries> minePaperSeries(const mine::PaperMlpResult& result) {
    const double ln2 = std::log(2.0);
    const auto line = [&result, ln2](const QString& label, double shade, const std::vector<double>& nats,
                                     bool closedForm) {
        widgets::RunPlotSeries s;
        s.runLabel = label;
        s.dropout = shade;
        s.lineOnly = closedForm;
        for (std::size_t l = 0; l < nats.size() && l < result.layers.size(); ++l) {
            widgets::RunPlotPoint p;
            p.x = static_cast<double>(result.layers[l].index);
            p.layerName = result.layers[l].dropoutAfter
                              ? QObject::tr("tanh layer %1, dropout after it").arg(result.layers[l].index)
                              : QObject::tr("tanh layer %1").arg(result.layers[l].index);
            p.y = nats[l] / ln2; // nats to bits
            s.points.push_back(p);
        }
        return s;
    };
    const double d = result.options.dropout;
    return {line(QObject::tr("trained network"), 0, result.trainedNats, false),
            line(QObject::tr("untrained network"), 1, result.untrainedNats, false),
            line(QObject::tr("eq. 2, error correction: C(1−D), D = %1").arg(d), 2, result.reference.withCorrectionNats,
                 true),
            line(QObject::tr("no error correction: C(1−D)^N"), 3, result.reference.withoutCorrectionNats, true)};
}

widgets::RunPlotAxes minePaperAxes() {
    widgets::RunPlotAxes axes = mineLayerAxes(std::numeric_limits<double>::quiet_NaN());
    axes.xTitle = QObject::tr("tanh layer l");
    axes.referenceName.clear();
    axes.shadeName.clear(); // the series' shade is an index, not a dropout rate
    return axes;
}

QString minePaperDescription(const mine::PaperMlpOptions& o) {
    const double minutes = mine::estimatedSeconds(o) / 60.0;
    QString text =
        QObject::tr("The authors' run: %1 inputs U(−1, 1) regressed onto themselves through %2 Dense(%3, tanh) layers "
                    "with Dropout(%4) after every %5th, %6 epochs of %7 samples; MINE %8 + %9 epochs, trained and "
                    "untrained, with eq. 2's lines (C = %3 units × %10 bit). Takes about %11 min on one core.")
            .arg(o.inputs)
            .arg(o.depth)
            .arg(o.width)
            .arg(o.dropout)
            .arg(o.dropoutEvery)
            .arg(o.epochs)
            .arg(o.samples)
            .arg(o.mineEpochs)
            .arg(o.mineFineEpochs)
            .arg(o.unitBits)
            .arg(minutes, 0, 'f', 0);
    const std::vector<std::string> differences = mine::differencesFromTheAuthors(o);
    if (!differences.empty()) {
        QStringList lines;
        for (const std::string& line : differences)
            lines << QString::fromStdString(line);
        text += QObject::tr(" Differs from the paper: %1.").arg(lines.join(QStringLiteral("; ")));
    }
    QStringList choices;
    for (const std::string& line : mine::implementationChoices(o))
        choices << QString::fromStdString(line);
    return text + QObject::tr(" The implementation's own: %1.").arg(choices.join(QStringLiteral("; ")));
}

std::vector<widgets::RunPlotSeries> computeMinePaperSeries(const mine::PaperMlpOptions& options,
                                                           const ProgressCallback& progress,
                                                           const CancelToken* cancel) {
    return minePaperSeries(mine::runPaperMlpExperiment(options, progress, cancel));
}

} // namespace codescope::gui
