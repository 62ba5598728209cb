#include "core/language/record_collection.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <set>

#include "core/capture/input_source.h"
#include "core/capture/layer_analysis.h"
#include "core/common/input_error.h"
#include "core/projection/random_projection.h"

namespace codescope::language {

namespace {

struct Candidate {
    double max = 0;
    std::int64_t sequence = 0;
    std::vector<double> values;
};

// What one unit has seen so far: its best sequences (a min-heap on max) and its values on the random candidates.
struct UnitState {
    UnitRecords records;
    std::vector<Candidate> top;
    std::map<std::int64_t, std::vector<double>> randomValues;
    double maxActivation = -std::numeric_limits<double>::infinity();
};

bool greaterMax(const Candidate& a, const Candidate& b) {
    return a.max > b.max;
}

struct LayerUnits {
    std::string name;
    Eigen::MatrixXf weights; // units x ... : m x u, neurons' unit vectors then projection directions
    std::vector<UnitState> units;
};

LayerUnits chooseUnits(const models::LayerInfo& layer, int depth, const RecordOptions& options) {
    const Eigen::Index m = layer.features();
    std::vector<Eigen::Index> neurons(static_cast<std::size_t>(m));
    std::iota(neurons.begin(), neurons.end(), Eigen::Index{0});
    std::mt19937_64 engine(options.seed + static_cast<std::uint64_t>(depth) * 7919u);
    std::shuffle(neurons.begin(), neurons.end(), engine);
    neurons.resize(std::min<std::size_t>(neurons.size(), static_cast<std::size_t>(std::max(0, options.neurons))));
    Eigen::MatrixXf projections(m, 0);
    if (options.projections > 0) {
        projection::RandomProjectionOptions draw;
        draw.projections = options.projections;
        draw.dimensions = 1;
        draw.seed = options.seed;
        projections = projection::randomProjectionMatrix(m, draw);
    }
    LayerUnits result;
    result.name = layer.name;
    result.weights = Eigen::MatrixXf::Zero(m, static_cast<Eigen::Index>(neurons.size()) + projections.cols());
    for (std::size_t i = 0; i < neurons.size(); ++i) {
        result.weights(neurons[i], static_cast<Eigen::Index>(i)) = 1.0f;
        UnitState state;
        state.records.unit = "neuron " + std::to_string(neurons[i]);
        result.units.push_back(std::move(state));
    }
    result.weights.rightCols(projections.cols()) = projections;
    for (Eigen::Index k = 0; k < projections.cols(); ++k) {
        UnitState state;
        state.records.unit = "projection " + std::to_string(k);
        state.records.isProjection = true;
        result.units.push_back(std::move(state));
    }
    for (UnitState& state : result.units) {
        state.records.layer = layer.name;
        state.records.depth = depth;
    }
    return result;
}

ActivationRecord makeRecord(const TokenData& data, std::int64_t sequence, std::vector<double> values) {
    ActivationRecord record;
    record.sequence = sequence;
    record.firstPosition = 0;
    record.activations = std::move(values);
    for (std::int64_t t = 0; t < data.sequences.contextLength; ++t)
        record.tokens.push_back(data.tokenText(data.sequences.at(sequence, t)));
    return record;
}

void finishUnit(UnitState& state, const TokenData& data, const RecordOptions& options,
                const std::vector<std::int64_t>& randomOrder) {
    std::sort(state.top.begin(), state.top.end(), greaterMax);
    std::set<std::int64_t> inTop;
    // Bills et al.: the top-activating records alternate, even ranks (0, 2, ...) to the explainer and odd ranks
    // (1, 3, ...) held out, each list taking its first trainTop / validationTop.
    for (std::size_t rank = 0; rank < state.top.size(); ++rank) {
        Candidate& candidate = state.top[rank];
        inTop.insert(candidate.sequence);
        const bool even = rank % 2 == 0;
        std::vector<ActivationRecord>& list = even ? state.records.trainTop : state.records.validationTop;
        const int wanted = even ? options.trainTop : options.validationTop;
        if (static_cast<int>(list.size()) < wanted)
            list.push_back(makeRecord(data, candidate.sequence, std::move(candidate.values)));
    }
    for (std::int64_t sequence : randomOrder) {
        if (static_cast<int>(state.records.validationRandom.size()) >= options.validationRandom) break;
        if (inTop.count(sequence)) continue;
        state.records.validationRandom.push_back(makeRecord(data, sequence, std::move(state.randomValues[sequence])));
    }
    state.records.maxActivation = state.maxActivation;
}

} // namespace

int topRecordsNeeded(const RecordOptions& options) {
    // Even ranks 0 .. 2 (trainTop - 1) and odd ranks 1 .. 2 validationTop - 1.
    return std::max({0, 2 * options.trainTop - 1, 2 * options.validationTop});
}

std::vector<UnitRecords> collectActivationRecords(models::CapturableModel& model, const TokenData& data,
                                                  const std::vector<std::string>& layerNames,
                                                  const RecordOptions& options, const ProgressCallback& progress,
                                                  const CancelToken* cancel) {
    const std::int64_t length = data.sequences.contextLength;
    const std::int64_t count =
        options.sequences > 0 ? std::min(options.sequences, data.sequences.count()) : data.sequences.count();
    const int topCount = topRecordsNeeded(options);
    const int randomCount = std::max(0, options.validationRandom);
    if (count < topCount + randomCount)
        throw InputError(data.sequences.name + ": " + std::to_string(count) + " sequences of " +
                         std::to_string(length) + " tokens are too few for " + std::to_string(topCount) + " top and " +
                         std::to_string(randomCount) + " random records per unit");
    if (options.batchSize < 1) throw InputError("activation records: the batch size must be >= 1");

    const std::unique_ptr<capture::InputSource> inputs = capture::tokenInputs(data.sequences);
    const std::vector<models::LayerInfo> chosen = capture::chooseLayers(
        model.discoverLayers(inputs->batch(0, std::min<std::int64_t>(2, count))), layerNames, model.name());

    std::vector<std::int64_t> randomOrder(static_cast<std::size_t>(count));
    std::iota(randomOrder.begin(), randomOrder.end(), std::int64_t{0});
    std::mt19937_64 engine(options.seed ^ 0x5eedf00dULL);
    std::shuffle(randomOrder.begin(), randomOrder.end(), engine);
    // Every unit keeps its values on the first topCount + randomCount random sequences: enough to find randomCount
    // outside its top list.
    const std::set<std::int64_t> randomCandidates(
        randomOrder.begin(), randomOrder.begin() + std::min<std::int64_t>(count, topCount + randomCount));

    std::vector<LayerUnits> layers;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        layers.push_back(chooseUnits(chosen[i], static_cast<int>(i), options));
        names.push_back(chosen[i].name);
    }

    for (std::int64_t first = 0; first < count; first += options.batchSize) {
        if (cancel) cancel->throwIfCancelled();
        const std::int64_t batch = std::min(options.batchSize, count - first);
        const std::vector<Eigen::MatrixXf> activations =
            capture::captureActivations(model, inputs->batch(first, batch), names);
        for (std::size_t l = 0; l < layers.size(); ++l) {
            if (!activations[l].allFinite())
                throw InputError(model.name() + ": layer " + names[l] + ": activations contain NaN or Inf");
            const Eigen::MatrixXd values = (activations[l] * layers[l].weights).cast<double>();
            for (std::size_t u = 0; u < layers[l].units.size(); ++u) {
                UnitState& state = layers[l].units[u];
                for (std::int64_t s = 0; s < batch; ++s) {
                    const auto column = values.col(static_cast<Eigen::Index>(u)).segment(s * length, length);
                    const double max = column.maxCoeff();
                    state.maxActivation = std::max(state.maxActivation, max);
                    const std::int64_t sequence = first + s;
                    auto copy = [&] { return std::vector<double>(column.data(), column.data() + length); };
                    if (randomCandidates.count(sequence)) state.randomValues[sequence] = copy();
                    if (static_cast<int>(state.top.size()) < topCount) {
                        state.top.push_back({max, sequence, copy()});
                        std::push_heap(state.top.begin(), state.top.end(), greaterMax);
                    } else if (topCount > 0 && max > state.top.front().max) {
                        std::pop_heap(state.top.begin(), state.top.end(), greaterMax);
                        state.top.back() = {max, sequence, copy()};
                        std::push_heap(state.top.begin(), state.top.end(), greaterMax);
                    }
                }
            }
        }
        if (progress) progress(static_cast<double>(first + batch) / static_cast<double>(count));
    }

    std::vector<UnitRecords> result;
    for (LayerUnits& layer : layers)
        for (UnitState& state : layer.units) {
            finishUnit(state, data, options, randomOrder);
            result.push_back(std::move(state.records));
        }
    return result;
}

namespace {

nlohmann::json recordsJson(const std::vector<ActivationRecord>& records) {
    nlohmann::json list = nlohmann::json::array();
    for (const ActivationRecord& record : records)
        list.push_back({{"sequence", record.sequence},
                        {"first_position", record.firstPosition},
                        {"max_activation", record.maxActivation()},
                        {"tokens", record.tokens},
                        {"activations", record.activations}});
    return list;
}

} // namespace

std::string unitRecordsJson(const std::vector<UnitRecords>& units) {
    nlohmann::json list = nlohmann::json::array();
    for (const UnitRecords& unit : units)
        list.push_back({{"layer", unit.layer},
                        {"depth", unit.depth},
                        {"unit", unit.unit},
                        {"is_projection", unit.isProjection},
                        {"max_activation", unit.maxActivation},
                        {"train_top", recordsJson(unit.trainTop)},
                        {"validation_top", recordsJson(unit.validationTop)},
                        {"validation_random", recordsJson(unit.validationRandom)}});
    // Byte-level tokens may split a UTF-8 character: invalid sequences are replaced rather than refused.
    return nlohmann::json{{"units", list}}.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace codescope::language
