#include "core/mine/mine_estimator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/optim/adam.h>

#include "core/common/input_error.h"
#include "core/common/wall_clock.h"

namespace codescope::mine {

namespace {

using Clock = std::chrono::steady_clock;

// Rows of the calibration sample that fixes the standardisation (at most; never fewer than a batch).
constexpr std::int64_t kCalibrationRows = 8192;
// Rows per forward pass of the final evaluation (no gradients, so larger than a training batch).
constexpr std::int64_t kEvaluationChunk = 4096;
// A column's scale is at least this fraction of its problem's mean column scale: a unit that is almost always 0
// must not turn its rare non-zero values into huge standardised inputs.
constexpr double kRelativeScaleFloor = 1e-3;

// G independent statistics networks T_g: [x, y_g] -> H -> ... -> H -> 1 (`layers` hidden layers) with ReLU, held as
// batched weights [G, in, out] so that one batched product serves all of them; initialised like torch.nn.Linear
// (weights and biases uniform in +-1/sqrt(fan_in)).
class StatisticsNetworks {
public:
    StatisticsNetworks(std::int64_t problems, std::int64_t inputs, std::int64_t hidden, std::int64_t layers) {
        std::vector<std::pair<std::int64_t, std::int64_t>> shapes = {{inputs, hidden}};
        for (std::int64_t l = 1; l < layers; ++l)
            shapes.emplace_back(hidden, hidden);
        shapes.emplace_back(hidden, 1);
        for (const auto& [in, out] : shapes) {
            const double bound = 1.0 / std::sqrt(static_cast<double>(in));
            m_parameters.push_back(at::empty({problems, in, out}).uniform_(-bound, bound).requires_grad_());
            m_parameters.push_back(at::empty({problems, 1, out}).uniform_(-bound, bound).requires_grad_());
        }
    }

    // x: [B, dx], y: [G, B, dy] -> T: [G, B].
    at::Tensor operator()(const at::Tensor& x, const at::Tensor& y) const {
        at::Tensor h = at::cat({x.unsqueeze(0).expand({y.size(0), x.size(0), x.size(1)}), y}, 2);
        const std::size_t last = m_parameters.size() - 2;
        for (std::size_t i = 0; i < last; i += 2)
            h = at::relu(at::baddbmm(m_parameters[i + 1], h, m_parameters[i]));
        return at::baddbmm(m_parameters[last + 1], h, m_parameters[last]).squeeze(2);
    }

    const std::vector<at::Tensor>& parameters() const { return m_parameters; }

private:
    std::vector<at::Tensor> m_parameters;
};

// The shape every batch of one estimate must have: set by the first (calibration) batch.
struct BatchShape {
    std::int64_t xColumns = 0, yColumns = 0;
    std::size_t problems = 0;
};

BatchShape shapeOf(const JointBatch& batch, std::int64_t rows) {
    if (batch.y.empty()) throw InputError("MINE: the sampler returned no y matrix");
    BatchShape shape{batch.x.cols(), batch.y.front().cols(), batch.y.size()};
    if (shape.xColumns < 1 || shape.yColumns < 1)
        throw InputError("MINE: the sampler returned a matrix without columns");
    if (batch.x.rows() != rows)
        throw InputError("MINE: the sampler returned " + std::to_string(batch.x.rows()) + " x rows, not " +
                         std::to_string(rows));
    return shape;
}

void checkBatch(const JointBatch& batch, std::int64_t rows, const BatchShape& shape) {
    const BatchShape got = shapeOf(batch, rows);
    if (got.xColumns != shape.xColumns || got.problems != shape.problems)
        throw InputError("MINE: the sampler changed the number of x columns or of y matrices between batches");
    if (!batch.x.allFinite()) throw InputError("MINE: the sampler returned a non-finite x value");
    for (const RowMatrixF& y : batch.y) {
        if (y.rows() != rows || y.cols() != shape.yColumns)
            throw InputError("MINE: every y matrix must have " + std::to_string(rows) + " rows and " +
                             std::to_string(shape.yColumns) + " columns, got " + std::to_string(y.rows()) + " x " +
                             std::to_string(y.cols()));
        if (!y.allFinite()) throw InputError("MINE: the sampler returned a non-finite y value");
    }
}

// A row-major Eigen matrix as a [rows, cols] tensor that shares its memory (valid while the matrix lives).
at::Tensor view(const RowMatrixF& m) {
    return at::from_blob(const_cast<float*>(m.data()), {m.rows(), m.cols()}, at::kFloat);
}

// Column standardisation and clamp, fixed by the calibration batch (see the header: it can only lower I(X; Y)).
class Standardisation {
public:
    Standardisation(const JointBatch& calibration, double clampSigma) : m_clamp(clampSigma) {
        std::tie(m_xMean, m_xScale) = moments(view(calibration.x));
        std::tie(m_yMean, m_yScale) = moments(stackY(calibration));
    }

    at::Tensor x(const JointBatch& batch) const { return apply(view(batch.x), m_xMean, m_xScale); }
    at::Tensor y(const JointBatch& batch) const { return apply(stackY(batch), m_yMean, m_yScale); }

private:
    static at::Tensor stackY(const JointBatch& batch) {
        std::vector<at::Tensor> ys;
        for (const RowMatrixF& y : batch.y)
            ys.push_back(view(y));
        return at::stack(ys); // copies: [G, rows, dy]
    }

    // Mean and floored standard deviation over the rows (dim -2), per problem.
    static std::pair<at::Tensor, at::Tensor> moments(const at::Tensor& values) {
        const at::Tensor mean = values.mean({-2}, /*keepdim=*/true);
        const at::Tensor deviation = values.std({-2}, /*unbiased=*/false, /*keepdim=*/true);
        const at::Tensor floor = deviation.mean({-1}, /*keepdim=*/true) * kRelativeScaleFloor + 1e-12;
        return {mean, at::maximum(deviation, floor)};
    }

    at::Tensor apply(const at::Tensor& values, const at::Tensor& mean, const at::Tensor& scale) const {
        return ((values - mean) / scale).clamp(-m_clamp, m_clamp);
    }

    double m_clamp;
    at::Tensor m_xMean, m_xScale, m_yMean, m_yScale;
};

// The learning rate of step `step` of `steps`: `initial` decayed to 0 along half a cosine.
double cosineDecay(double initial, std::int64_t step, std::int64_t steps) {
    constexpr double kPi = 3.14159265358979323846;
    return initial * 0.5 * (1.0 + std::cos(kPi * static_cast<double>(step) / static_cast<double>(steps)));
}

// The learning rate of step `step`: its phase's, or the cosine-decayed one without phases.
double learningRateAt(const MineOptions& o, std::int64_t step, std::int64_t steps) {
    if (o.phases.empty()) return cosineDecay(o.learningRate, step, steps);
    for (const MinePhase& phase : o.phases) {
        if (step < phase.steps) return phase.learningRate;
        step -= phase.steps;
    }
    return o.phases.back().learningRate;
}

// A fixed training set, standardised once: x [N, dx], y [G, N, dy], drawn chunk by chunk after the calibration rows.
struct TrainingSet {
    at::Tensor x, y;
};

void setLearningRate(torch::optim::Adam& optimizer, double rate) {
    for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(rate);
}

} // namespace

ScopedTorchThreads::ScopedTorchThreads(int threads) {
    if (threads <= 0) return;
    m_previous = at::get_num_threads();
    at::set_num_threads(threads);
}

ScopedTorchThreads::~ScopedTorchThreads() {
    if (m_previous > 0) at::set_num_threads(m_previous);
}

void validateOptions(const MineOptions& o) {
    constexpr std::int64_t kMaxCount = 1'000'000'000;
    if (o.steps < 1 || o.steps > kMaxCount) throw InputError("MINE: steps must be from 1 to 1e9");
    if (o.batchSize < 2 || o.batchSize > kMaxCount) throw InputError("MINE: the batch size must be from 2 to 1e9");
    if (o.hiddenUnits < 1 || o.hiddenUnits > 65536) throw InputError("MINE: hidden units must be from 1 to 65536");
    if (o.hiddenLayers < 1 || o.hiddenLayers > 64) throw InputError("MINE: hidden layers must be from 1 to 64");
    if (o.evaluationSamples < 2 || o.evaluationSamples > kMaxCount)
        throw InputError("MINE: evaluation samples must be from 2 to 1e9");
    if (!(o.learningRate > 0) || !std::isfinite(o.learningRate))
        throw InputError("MINE: the learning rate must be a finite number > 0");
    if (!(o.movingAverageRate > 0 && o.movingAverageRate <= 1))
        throw InputError("MINE: the moving-average rate must be in (0, 1]");
    if (!(o.clampSigma > 0) || !std::isfinite(o.clampSigma))
        throw InputError("MINE: the clamp must be a finite number of standard deviations > 0");
    if (o.threads < 0) throw InputError("MINE: threads must be >= 0");
    std::int64_t phaseSteps = 0;
    for (const MinePhase& phase : o.phases) {
        if (phase.steps < 1 || phase.steps > kMaxCount) throw InputError("MINE: a phase's steps must be from 1 to 1e9");
        if (!(phase.learningRate > 0) || !std::isfinite(phase.learningRate))
            throw InputError("MINE: a phase's learning rate must be a finite number > 0");
        phaseSteps += phase.steps;
        if (phaseSteps > kMaxCount) throw InputError("MINE: the phases' steps must add up to at most 1e9");
    }
    if (o.trainingRows != 0 && (o.trainingRows < o.batchSize || o.trainingRows > kMaxCount))
        throw InputError("MINE: training rows must be 0 (fresh rows every step) or from the batch size to 1e9");
    if (o.batchMeanEvaluation && o.evaluationSamples < o.batchSize)
        throw InputError("MINE: held-out batches need at least one batch of evaluation samples");
}

std::int64_t totalSteps(const MineOptions& o) {
    if (o.phases.empty()) return o.steps;
    std::int64_t steps = 0;
    for (const MinePhase& phase : o.phases)
        steps += phase.steps;
    return steps;
}

MineResult estimateMutualInformation(const JointSampler& sampler, const MineOptions& o,
                                     const ProgressCallback& progress, const CancelToken* cancel) {
    validateOptions(o);
    if (!sampler) throw InputError("MINE: no sampler");
    const auto start = Clock::now();
    const ScopedTorchThreads threads(o.threads);
    at::manual_seed(o.seed);
    std::mt19937_64 rng(o.seed);

    JointBatch batch;
    const std::int64_t calibrationRows = std::max(o.batchSize, std::min(o.evaluationSamples, kCalibrationRows));
    sampler(calibrationRows, rng, batch);
    const BatchShape shape = shapeOf(batch, calibrationRows);
    checkBatch(batch, calibrationRows, shape);
    const Standardisation standardise(batch, o.clampSigma);
    const auto problems = static_cast<std::int64_t>(shape.problems);

    const StatisticsNetworks networks(problems, shape.xColumns + shape.yColumns, o.hiddenUnits, o.hiddenLayers);
    torch::optim::Adam optimizer(networks.parameters(), torch::optim::AdamOptions(o.learningRate));
    const std::int64_t steps = totalSteps(o);
    const std::int64_t chunks = o.batchMeanEvaluation ? std::max<std::int64_t>(1, o.evaluationSamples / o.batchSize)
                                                      : (o.evaluationSamples + kEvaluationChunk - 1) / kEvaluationChunk;
    const std::int64_t trainingChunks = (o.trainingRows + kEvaluationChunk - 1) / kEvaluationChunk;
    const double work = static_cast<double>(trainingChunks + steps + chunks);
    const std::int64_t reportEvery = std::max<std::int64_t>(1, steps / 200);

    MineResult result;
    result.options = o;
    result.estimates.resize(shape.problems);
    for (MineEstimate& estimate : result.estimates)
        estimate.trainingCurve.reserve(static_cast<std::size_t>(steps));

    // The fixed training set, when there is one: drawn once after the calibration rows, standardised once.
    TrainingSet training;
    if (o.trainingRows > 0) {
        std::vector<at::Tensor> xs, ys;
        for (std::int64_t c = 0; c < trainingChunks; ++c) {
            if (cancel) cancel->throwIfCancelled();
            const std::int64_t rows = std::min(kEvaluationChunk, o.trainingRows - c * kEvaluationChunk);
            sampler(rows, rng, batch);
            checkBatch(batch, rows, shape);
            xs.push_back(standardise.x(batch)); // a new tensor: it does not share the batch's memory
            ys.push_back(standardise.y(batch));
            if (progress) progress(static_cast<double>(c + 1) / work);
        }
        training.x = at::cat(xs, 0);
        training.y = at::cat(ys, 1);
    }
    const std::int64_t batchesPerEpoch = o.trainingRows > 0 ? o.trainingRows / o.batchSize : 0;
    at::Tensor order; // the current epoch's shuffled row order

    // Marginal pairs: y rolled against x by a random non-zero shift, so no row is paired with its own y (a plain
    // shuffle leaves about one joint pair per batch among the "marginal" ones, which biases E[e^T] up).
    const auto shift = [&rng](std::int64_t rows) {
        return std::uniform_int_distribution<std::int64_t>(1, rows - 1)(rng);
    };
    const double logRate = std::log(o.movingAverageRate);
    const double logKeep = std::log1p(-o.movingAverageRate);
    const double logBatch = std::log(static_cast<double>(o.batchSize));
    at::Tensor logAverage; // ln of the moving average of the batch means E[e^T] on marginal pairs, [G]
    for (std::int64_t step = 0; step < steps; ++step) {
        if (cancel) cancel->throwIfCancelled();
        at::Tensor x, y;
        if (o.trainingRows > 0) {
            const std::int64_t position = step % batchesPerEpoch;
            if (position == 0) order = at::randperm(o.trainingRows, at::kLong);
            const at::Tensor rows = order.narrow(0, position * o.batchSize, o.batchSize);
            x = training.x.index_select(0, rows);
            y = training.y.index_select(1, rows);
        } else {
            sampler(o.batchSize, rng, batch);
            checkBatch(batch, o.batchSize, shape);
            x = standardise.x(batch);
            y = standardise.y(batch);
        }
        const at::Tensor joint = networks(x, y);
        const at::Tensor marginal = networks(x, at::roll(y, {shift(o.batchSize)}, {1}));
        const at::Tensor logMeanExp = at::logsumexp(marginal, {1}) - logBatch;
        const at::Tensor observed = logMeanExp.detach();
        logAverage = step == 0 ? observed : at::logaddexp(logAverage + logKeep, observed + logRate);
        // MINE's bias-corrected gradient: with a = the moving average held fixed, the gradient of
        // exp(ln E[e^T] - ln a) is E[grad T e^T] / a, which replaces the gradient of ln E[e^T].
        const at::Tensor loss = -(joint.mean({1}) - at::exp(logMeanExp - logAverage)).sum();
        setLearningRate(optimizer, learningRateAt(o, step, steps));
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();

        const at::Tensor bound = (joint.detach().mean({1}) - observed).to(at::kDouble).contiguous();
        for (std::int64_t g = 0; g < problems; ++g)
            result.estimates[static_cast<std::size_t>(g)].trainingCurve.push_back(bound.data_ptr<double>()[g]);
        if (progress && (step + 1) % reportEvery == 0) progress(static_cast<double>(trainingChunks + step + 1) / work);
    }
    training = {};

    const at::NoGradGuard noGrad;
    at::Tensor estimate;
    if (o.batchMeanEvaluation) {
        // The bound on each held-out batch, and the running mean of those bounds.
        at::Tensor sum = at::zeros({problems}, at::kDouble);
        for (std::int64_t c = 0; c < chunks; ++c) {
            if (cancel) cancel->throwIfCancelled();
            sampler(o.batchSize, rng, batch);
            checkBatch(batch, o.batchSize, shape);
            const at::Tensor x = standardise.x(batch), y = standardise.y(batch);
            const at::Tensor joint = networks(x, y).to(at::kDouble);
            const at::Tensor marginal = networks(x, at::roll(y, {shift(o.batchSize)}, {1})).to(at::kDouble);
            sum += joint.mean({1}) - (at::logsumexp(marginal, {1}) - logBatch);
            const at::Tensor mean = (sum / static_cast<double>(c + 1)).contiguous();
            for (std::int64_t g = 0; g < problems; ++g)
                result.estimates[static_cast<std::size_t>(g)].evaluationRunningMean.push_back(
                    mean.data_ptr<double>()[g]);
            if (progress) progress(static_cast<double>(trainingChunks + steps + c + 1) / work);
        }
        estimate = (sum / static_cast<double>(chunks)).contiguous();
    } else {
        // The bound on fresh rows, chunk by chunk: sum of T over joint rows, log-sum-exp of T over marginal pairs.
        at::Tensor jointSum = at::zeros({problems}, at::kDouble);
        std::vector<at::Tensor> logSums;
        for (std::int64_t c = 0; c < chunks; ++c) {
            if (cancel) cancel->throwIfCancelled();
            const std::int64_t rows = o.evaluationSamples * (c + 1) / chunks - o.evaluationSamples * c / chunks;
            sampler(rows, rng, batch);
            checkBatch(batch, rows, shape);
            const at::Tensor x = standardise.x(batch), y = standardise.y(batch);
            jointSum += networks(x, y).to(at::kDouble).sum({1});
            logSums.push_back(at::logsumexp(networks(x, at::roll(y, {shift(rows)}, {1})).to(at::kDouble), {1}));
            if (progress) progress(static_cast<double>(trainingChunks + steps + c + 1) / work);
        }
        const double n = static_cast<double>(o.evaluationSamples);
        estimate = (jointSum / n - (at::logsumexp(at::stack(logSums), {0}) - std::log(n))).contiguous();
    }
    for (std::int64_t g = 0; g < problems; ++g)
        result.estimates[static_cast<std::size_t>(g)].mutualInformation = estimate.data_ptr<double>()[g];
    result.seconds = secondsSince(start);
    return result;
}

double statisticsNetworkSeconds(std::int64_t problems, std::int64_t xColumns, std::int64_t yColumns,
                                const MineOptions& o) {
    validateOptions(o);
    if (problems < 1 || xColumns < 1 || yColumns < 1)
        throw InputError("MINE: problems, x columns and y columns must be at least 1");
    const ScopedTorchThreads threads(o.threads);
    at::manual_seed(o.seed);
    const StatisticsNetworks networks(problems, xColumns + yColumns, o.hiddenUnits, o.hiddenLayers);
    torch::optim::Adam optimizer(networks.parameters(), torch::optim::AdamOptions(o.learningRate));
    const at::Tensor x = at::randn({o.batchSize, xColumns});
    const at::Tensor y1 = at::randn({problems, o.batchSize, yColumns});
    const at::Tensor y2 = at::randn({problems, o.batchSize, yColumns});
    const auto start = Clock::now();
    for (std::int64_t step = 0; step < totalSteps(o); ++step) {
        const at::Tensor loss = -(networks(x, y1).mean() - networks(x, y2).mean());
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }
    return secondsSince(start);
}

} // namespace codescope::mine
