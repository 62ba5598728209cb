// The language path of the core on a stand-in token model whose activations are known in closed form: token inputs,
// per-token spectra, token trajectories, their HTML, and activation records.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "core/capture/input_source.h"
#include "core/capture/layer_analysis.h"
#include "core/common/input_error.h"
#include "core/io/matrix_source.h"
#include "core/language/record_collection.h"
#include "core/language/token_html.h"
#include "core/language/token_trajectories.h"
#include "core/projection/random_projection.h"
#include "core/results/layer_report.h"
#include "core/results/layer_report_reader.h"
#include "core/spectrum/spectrum_analysis.h"

using namespace codescope;

namespace {

constexpr std::int64_t kVocabulary = 40;
constexpr std::int64_t kWidth = 20;

// "embed" = row E[id] of a fixed table (E has a decaying spectrum); "embed.gelu" (kind gelu) = max(E[id], 0).
// Token inputs (B, T) give (B*T, kWidth) rows, token by token: the contract of a token model's capture().
class EmbeddingModel final : public models::CapturableModel {
public:
    EmbeddingModel() : m_table(kVocabulary, kWidth) {
        std::mt19937 rng(3);
        std::normal_distribution<float> normal;
        for (Eigen::Index i = 0; i < kVocabulary; ++i)
            for (Eigen::Index j = 0; j < kWidth; ++j)
                m_table(i, j) = normal(rng) / static_cast<float>(1 + j);
    }
    std::vector<models::LayerInfo> discoverLayers(const at::Tensor& input) override {
        EXPECT_EQ(input.scalar_type(), at::kLong);
        return {{"embed", "Embedding", 0, {kWidth}}, {"embed.gelu", "gelu", 1, {kWidth}}};
    }
    std::vector<at::Tensor> capture(const at::Tensor& input, const std::vector<std::string>& layers) override {
        const at::Tensor ids = input.reshape({-1}).contiguous();
        Eigen::MatrixXf rows(ids.size(0), kWidth);
        for (std::int64_t r = 0; r < ids.size(0); ++r)
            rows.row(r) = m_table.row(ids.data_ptr<std::int64_t>()[r]);
        std::vector<at::Tensor> out;
        for (const std::string& name : layers)
            out.push_back(toTensor(name == "embed" ? rows : rows.cwiseMax(0.f)));
        return out;
    }
    std::string name() const override { return "embedding"; }

    Eigen::MatrixXf rows(const data::TokenSequences& tokens, std::int64_t sequences, bool rectified) const {
        Eigen::MatrixXf out(sequences * tokens.contextLength, kWidth);
        for (std::int64_t r = 0; r < out.rows(); ++r)
            out.row(r) = m_table.row(tokens.ids[static_cast<std::size_t>(r)]);
        return rectified ? Eigen::MatrixXf(out.cwiseMax(0.f)) : out;
    }
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m_table;

private:
    static at::Tensor toTensor(const Eigen::MatrixXf& m) {
        const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rowMajor = m;
        return at::from_blob(const_cast<float*>(rowMajor.data()), {m.rows(), m.cols()}, at::kFloat).clone();
    }
};

data::TokenSequences randomTokens(std::int64_t sequences, std::int64_t length, unsigned seed = 11) {
    data::TokenSequences tokens;
    tokens.name = "random tokens";
    tokens.contextLength = length;
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::int64_t> id(0, kVocabulary - 1);
    for (std::int64_t i = 0; i < sequences * length; ++i)
        tokens.ids.push_back(id(rng));
    return tokens;
}

language::TokenData tokenData(const data::TokenSequences& sequences) {
    language::TokenData data;
    data.sequences = sequences;
    data.tokenText = [](std::int64_t id) { return "t" + std::to_string(id); };
    return data;
}

} // namespace

TEST(TokenInputs, BatchesAreInt64SequencesAndRangesAreChecked) {
    const data::TokenSequences tokens = randomTokens(5, 7);
    const auto inputs = capture::tokenInputs(tokens);
    EXPECT_EQ(inputs->size(), 5);
    EXPECT_EQ(inputs->samplesPerInput(), 7);
    const at::Tensor batch = inputs->batch(2, 3);
    ASSERT_EQ(batch.scalar_type(), at::kLong);
    ASSERT_EQ(batch.size(0), 3);
    ASSERT_EQ(batch.size(1), 7);
    EXPECT_EQ(batch[1][4].item<std::int64_t>(), tokens.at(3, 4));
    EXPECT_THROW(inputs->batch(4, 2), std::out_of_range);
}

TEST(LanguageAnalysis, PerTokenSpectrumEqualsTheEngineOnAllTokenRows) {
    const data::TokenSequences tokens = randomTokens(60, 9);
    EmbeddingModel model;
    capture::CaptureOptions options;
    options.batchSize = 7; // ragged last batch
    options.samples = 50;  // sequences
    options.spectrum.fitLo = 2;
    options.spectrum.fitHi = 10;
    options.spectrum.bootstrapResamples = 0;
    const auto results = capture::analyzeLayers(model, *capture::tokenInputs(tokens), {}, options);
    // auto = the GELU layer, there being no ReLU.
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].layer.name, "embed.gelu");
    EXPECT_EQ(results[0].spectrum.samples, 50 * 9);
    const Eigen::MatrixXf reference = model.rows(tokens, 50, true);
    io::InMemoryMatrixSource<Eigen::MatrixXf> source(reference, "reference");
    const spectrum::SpectrumResult expected = spectrum::analyzeSpectrum(source, options.spectrum);
    ASSERT_EQ(results[0].spectrum.eigenvalues.size(), expected.eigenvalues.size());
    for (Eigen::Index k = 0; k < expected.eigenvalues.size(); ++k)
        EXPECT_NEAR(results[0].spectrum.eigenvalues[k], expected.eigenvalues[k], 1e-9 * expected.eigenvalues[0]);
    EXPECT_NEAR(results[0].spectrum.alpha, expected.alpha, 1e-9);
}

TEST(LanguageAnalysis, HeldOutSpectrumSplitsTokenRowsAtTheMiddle) {
    const data::TokenSequences tokens = randomTokens(40, 5);
    EmbeddingModel model;
    capture::CaptureOptions options;
    options.batchSize = 3;
    options.heldOutSpectrum = true;
    options.spectrum.fitLo = 2;
    options.spectrum.fitHi = 10;
    options.spectrum.bootstrapResamples = 0;
    const auto results = capture::analyzeLayers(model, *capture::tokenInputs(tokens), {"embed"}, options);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].spectrum.samples, 200);
    EXPECT_TRUE(results[0].spectrum.eigenvalues.allFinite());
}

TEST(LanguageAnalysis, BootstrapResamplesWholeSequencesOnBothSides) {
    // Sequences of 9 copies of one random token: the 9 rows of a sequence are one sample repeated. Both sides of the
    // engine must resample whole sequences (the engine's interval with 9 rows per unit on the same rows, to float
    // rounding), which is wider than the interval that treats the 540 rows as independent.
    constexpr std::int64_t kSequences = 60, kLength = 9;
    data::TokenSequences tokens = randomTokens(kSequences, kLength, 5);
    for (std::int64_t i = 0; i < kSequences * kLength; ++i)
        tokens.ids[static_cast<std::size_t>(i)] = tokens.ids[static_cast<std::size_t>(i - i % kLength)];
    EmbeddingModel model;
    capture::CaptureOptions options;
    options.batchSize = 7; // ragged last batch
    options.spectrum.fitLo = 2;
    options.spectrum.fitHi = 10;
    options.spectrum.bootstrapResamples = 120;
    options.spectrum.seed = 3;
    const Eigen::MatrixXf reference = model.rows(tokens, kSequences, false);
    for (const spectrum::SpectrumSide side : {spectrum::SpectrumSide::Covariance, spectrum::SpectrumSide::Gram}) {
        options.spectrum.side = side;
        const auto results = capture::analyzeLayers(model, *capture::tokenInputs(tokens), {"embed"}, options);
        ASSERT_EQ(results.size(), 1u);
        const spectrum::SpectrumResult& got = results[0].spectrum;
        EXPECT_EQ(got.gramSide, side == spectrum::SpectrumSide::Gram);
        EXPECT_EQ(got.bootstrapRowsPerUnit, kLength);

        spectrum::SpectrumOptions engine = options.spectrum;
        engine.bootstrapRowsPerUnit = kLength;
        io::InMemoryMatrixSource<Eigen::MatrixXf> bySequence(reference, "reference");
        const spectrum::SpectrumResult expected = spectrum::analyzeSpectrum(bySequence, engine);
        EXPECT_NEAR(got.alphaCiLo, expected.alphaCiLo, 1e-4);
        EXPECT_NEAR(got.alphaCiHi, expected.alphaCiHi, 1e-4);

        engine.bootstrapRowsPerUnit = 1;
        io::InMemoryMatrixSource<Eigen::MatrixXf> byToken(reference, "reference");
        const spectrum::SpectrumResult tokenInterval = spectrum::analyzeSpectrum(byToken, engine);
        EXPECT_EQ(tokenInterval.bootstrapRowsPerUnit, 1);
        EXPECT_GT(got.alphaCiHi - got.alphaCiLo, 1.5 * (tokenInterval.alphaCiHi - tokenInterval.alphaCiLo))
            << "sequence CI [" << got.alphaCiLo << ", " << got.alphaCiHi << "], token CI [" << tokenInterval.alphaCiLo
            << ", " << tokenInterval.alphaCiHi << "]";
    }

    // The report names the unit; an image analysis resamples samples.
    spectrum::SpectrumResult images;
    images.bootstrapRowsPerUnit = 1;
    spectrum::SpectrumResult sequences;
    sequences.bootstrapRowsPerUnit = kLength;
    const std::string json = results::layerSpectraJson(
        "m", "d", 1, {{{"a", "relu", 0, {1}}, images, std::nullopt}, {{"b", "relu", 1, {1}}, sequences, std::nullopt}});
    const nlohmann::json report = nlohmann::json::parse(json);
    EXPECT_EQ(report["layers"][0]["bootstrap_unit"], "sample");
    EXPECT_EQ(report["layers"][1]["bootstrap_unit"], "sequence");
    EXPECT_EQ(report["layers"][1]["bootstrap_unit_rows"], kLength);
    EXPECT_EQ(results::parseLayerReport(json, "report").layers.at(1).spectrum.bootstrapRowsPerUnit, kLength);
}

TEST(TokenTrajectories, ActionsAreHalfTheSquaredStepsOfTheProjectionsAndTheLowestComeFirst) {
    Eigen::MatrixXf activations(4, 3);
    activations << 1, 0, 2, //
        2, 1, 0,            //
        0, 1, 1,            //
        3, 3, 3;
    const std::vector<std::string> tokens = {"a", "b", "c", "d"};
    language::TokenTrajectoryOptions options;
    options.draws = 50;
    options.shown = 4;
    options.seed = 7;
    const auto result = language::tokenTrajectories(activations, tokens, options);
    projection::RandomProjectionOptions draw;
    draw.projections = 50;
    draw.dimensions = 1;
    draw.seed = 7;
    const Eigen::MatrixXf directions = projection::randomProjectionMatrix(3, draw);
    ASSERT_EQ(result.lowestAction.size(), 4u);
    double previous = -1;
    double sum = 0;
    for (int k = 0; k < 50; ++k) {
        const Eigen::VectorXf z = activations * directions.col(k);
        double action = 0;
        for (int t = 0; t + 1 < 4; ++t)
            action += 0.5 * double(z(t + 1) - z(t)) * double(z(t + 1) - z(t));
        sum += action;
        for (const auto& line : result.lowestAction)
            if (line.projection == k) {
                EXPECT_NEAR(line.action, action, 1e-5);
                EXPECT_NEAR(line.values[3], z(3), 1e-5);
            }
    }
    EXPECT_NEAR(result.meanAction, sum / 50, 1e-5);
    for (const auto& line : result.lowestAction) {
        EXPECT_GE(line.action, previous);
        EXPECT_LE(line.action, result.meanAction);
        previous = line.action;
    }
    EXPECT_EQ(result.typical.projection, 0);
    EXPECT_THROW(language::tokenTrajectories(activations, {"a"}, options), InputError);
}

TEST(TokenHtml, TokensAreEscapedAndColouredBySign) {
    EXPECT_EQ(language::divergingColour(0, 1), "#ffffff");
    EXPECT_EQ(language::divergingColour(2, 1), "#d7301f");
    EXPECT_EQ(language::divergingColour(-1, 1), "#2166ac");
    language::LayerTokenTrajectories layer;
    layer.layer = "blocks.0.mlp.gelu";
    layer.tokens = {"<b>", " a&b", "\n", std::string("\xe2\x82", 2)};
    layer.lowestAction.push_back({3, 0.5, {1, -1, 0, 0.5}});
    layer.typical = {0, 2.0, {0, 0, 0, 0}};
    const std::string html = language::tokenTrajectoriesHtml({layer}, "/models/lm.pt", "text:a.txt");
    EXPECT_NE(html.find("&lt;b&gt;"), std::string::npos);
    EXPECT_NE(html.find("&nbsp;a&amp;b"), std::string::npos);
    EXPECT_NE(html.find("&#xFFFD;"), std::string::npos);
    EXPECT_NE(html.find("background-color:#d7301f\" title=\"1\">&lt;b&gt;"), std::string::npos);
    EXPECT_NE(html.find("background-color:#2166ac"), std::string::npos);
    EXPECT_EQ(html.find("<b>"), std::string::npos);
    EXPECT_NE(html.find("<h1>Token trajectories: lm.pt</h1>"), std::string::npos);
    EXPECT_NE(html.find("/models/lm.pt on text:a.txt"), std::string::npos);
}

TEST(ActivationRecords, TopSequencesAreThoseWithTheLargestActivationAlternatingExplainerAndHeldOut) {
    const data::TokenSequences tokens = randomTokens(80, 6, 21);
    EmbeddingModel model;
    language::RecordOptions options;
    options.neurons = 3;
    options.projections = 2;
    options.trainTop = 6;
    options.validationTop = 3;
    options.validationRandom = 4;
    options.batchSize = 7;
    const auto units = language::collectActivationRecords(model, tokenData(tokens), {"embed"}, options);
    ASSERT_EQ(units.size(), 5u);
    const Eigen::MatrixXf rows = model.rows(tokens, 80, false);
    for (const language::UnitRecords& unit : units) {
        ASSERT_EQ(unit.trainTop.size(), 6u);
        ASSERT_EQ(unit.validationTop.size(), 3u);
        ASSERT_EQ(unit.validationRandom.size(), 4u);
        if (unit.isProjection) continue;
        const int neuron = std::stoi(unit.unit.substr(7));
        // Independent ranking of the 80 sequences by their largest value of this neuron.
        std::vector<std::pair<float, std::int64_t>> ranked;
        for (std::int64_t s = 0; s < 80; ++s)
            ranked.push_back({rows.col(neuron).segment(s * 6, 6).maxCoeff(), s});
        std::sort(ranked.rbegin(), ranked.rend());
        EXPECT_NEAR(unit.maxActivation, ranked[0].first, 1e-6);
        // Sequences often tie on their largest value (40 token ids), so ranks are compared by value.
        // Bills et al.'s alternation: even ranks to the explainer, odd ranks held out.
        EXPECT_FLOAT_EQ(unit.trainTop[0].maxActivation(), ranked[0].first);
        EXPECT_FLOAT_EQ(unit.validationTop[0].maxActivation(), ranked[1].first);
        EXPECT_FLOAT_EQ(unit.trainTop[1].maxActivation(), ranked[2].first);
        EXPECT_FLOAT_EQ(unit.validationTop[1].maxActivation(), ranked[3].first);
        EXPECT_FLOAT_EQ(unit.validationTop[2].maxActivation(), ranked[5].first);
        EXPECT_FLOAT_EQ(unit.trainTop[5].maxActivation(), ranked[10].first);
        EXPECT_EQ(language::topRecordsNeeded(options), 11);
        std::set<std::int64_t> chosen;
        for (const auto* list : {&unit.trainTop, &unit.validationTop, &unit.validationRandom})
            for (const auto& record : *list)
                chosen.insert(record.sequence);
        EXPECT_EQ(chosen.size(), 13u); // no sequence twice
        for (const auto& record : unit.validationRandom)
            EXPECT_LE(record.maxActivation(), ranked[10].first);
        const auto& record = unit.trainTop[0];
        ASSERT_EQ(record.tokens.size(), 6u);
        EXPECT_EQ(record.tokens[2], "t" + std::to_string(tokens.at(record.sequence, 2)));
        EXPECT_NEAR(record.activations[2], rows(record.sequence * 6 + 2, neuron), 1e-6);
    }
    EXPECT_NE(language::unitRecordsJson(units).find("\"validation_random\""), std::string::npos);
    options.trainTop = 80;
    EXPECT_THROW(language::collectActivationRecords(model, tokenData(tokens), {"embed"}, options), InputError);
    options.trainTop = 6;
    EXPECT_THROW(language::collectActivationRecords(model, tokenData(tokens), {"nope"}, options), InputError);
}

#include <fstream>

#include "core/explain/explanations_file.h"

TEST(ExplanationsFile, ScoresByDepthAverageEachKindWithANormalInterval) {
    std::vector<explain::UnitExplanation> units(5);
    units[0] = {"b0", 0, "neuron 1", false, "x", 0.2, ""};
    units[1] = {"b0", 0, "neuron 2", false, "y", 0.4, ""};
    units[2] = {"b0", 0, "projection 0", true, "z", 0.1, ""};
    units[3] = {"b1", 1, "neuron 3", false, "w", std::nan(""), ""};
    units[4] = {"b1", 1, "projection 1", true, "v", 0.5, ""};
    const auto scores = explain::scoresByDepth(units);
    ASSERT_EQ(scores.size(), 3u); // b1 has no finite neuron score
    EXPECT_EQ(scores[0].layer, "b0");
    EXPECT_FALSE(scores[0].projections);
    EXPECT_NEAR(scores[0].mean, 0.3, 1e-12);
    // sd of {0.2, 0.4} = 0.1414..., standard error 0.1, interval +-0.196.
    EXPECT_NEAR(scores[0].hi - scores[0].mean, 0.196, 1e-12);
    EXPECT_TRUE(scores[1].projections);
    EXPECT_EQ(scores[2].depth, 1);
    EXPECT_NEAR(scores[2].lo, 0.5, 1e-12);

    const std::string path = ::testing::TempDir() + "/explanations.json";
    explain::EndpointSettings settings;
    settings.baseUrl = "http://127.0.0.1:1/v1";
    explain::writeExplanationsJson(path, units, settings, units.size());
    const auto read = explain::readExplanationsJson(path);
    ASSERT_EQ(read.size(), 5u);
    EXPECT_EQ(read[2].unit, "projection 0");
    EXPECT_TRUE(read[2].isProjection);
    EXPECT_NEAR(read[1].score, 0.4, 1e-12);
    EXPECT_TRUE(std::isnan(read[3].score));
    std::ofstream(path) << "{\"units\": 3}";
    EXPECT_THROW(explain::readExplanationsJson(path), InputError);
    EXPECT_THROW(explain::readExplanationsJson(path + ".missing"), InputError);
}
