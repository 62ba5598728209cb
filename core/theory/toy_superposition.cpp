#include "core/theory/toy_superposition.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "core/common/input_error.h"
#include "core/theory/coding_theory.h"

namespace codescope::theory {

namespace {

// Larger inputs would need several GiB of temporaries (inputs, pre-activations, gradients) per step.
constexpr long long kMaxElements = 1LL << 25;
constexpr int kCheckEvery = 100; // steps between progress reports and cancel checks
// Elhage et al. draw the held-out batch from the same distribution; a fixed offset keeps it apart from training.
constexpr std::uint64_t kEvaluationSeedOffset = 0x9E3779B97F4A7C15ULL;
constexpr double kRepresentedNorm = 0.5;

constexpr double kBeta1 = 0.9; // torch.optim.Adam defaults
constexpr double kBeta2 = 0.999;
constexpr double kAdamEpsilon = 1e-8;

bool positiveFinite(double value) {
    return std::isfinite(value) && value > 0.0;
}

void validate(const ToySuperpositionOptions& options) {
    if (options.features < 1 || options.hidden < 1)
        throw InputError("toy model: features and hidden dimensions must be >= 1, got " +
                         std::to_string(options.features) + " and " + std::to_string(options.hidden));
    if (options.steps < 1 || options.batch < 1 || options.evaluationSamples < 1)
        throw InputError("toy model: steps, batch and evaluation samples must be >= 1");
    const long long widest = std::max(options.batch, options.evaluationSamples);
    if (static_cast<long long>(options.features) * widest > kMaxElements)
        throw InputError("toy model: features x batch (or evaluation samples) above " + std::to_string(kMaxElements) +
                         " elements");
    if (!positiveFinite(options.importanceDecay))
        throw InputError("toy model: importance decay must be finite and > 0, got " +
                         std::to_string(options.importanceDecay));
    if (!positiveFinite(options.learningRate)) throw InputError("toy model: learning rate must be finite and > 0");
    if (!positiveFinite(options.entropyBits)) throw InputError("toy model: entropy H must be finite and > 0 bits");
    if (options.sparsities.empty()) throw InputError("toy model: no sparsities to sweep");
}

void requireSparsity(double sparsity) {
    if (!(sparsity >= 0.0 && sparsity < 1.0))
        throw InputError("toy model: sparsity must be in [0, 1) (S = 1 leaves nothing to learn), got " +
                         std::to_string(sparsity));
}

// One Adam update of a parameter block (torch.optim.Adam without weight decay).
template <typename Parameter, typename Moment>
void adamStep(Parameter& parameter, const Parameter& gradient, Moment& first, Moment& second, double rate,
              double firstCorrection, double secondCorrection) {
    first = kBeta1 * first + (1.0 - kBeta1) * gradient.array();
    second = kBeta2 * second + (1.0 - kBeta2) * gradient.array().square();
    parameter.array() -= rate * (first / firstCorrection) / ((second / secondCorrection).sqrt() + kAdamEpsilon);
}

} // namespace

double toyDimensionsPerFeatureFloor(int features, int hidden) {
    if (features < 1 || hidden < 1) throw InputError("toy model: features and hidden units must be at least 1");
    return static_cast<double>(hidden) / static_cast<double>(features);
}

bool isAtToyFloor(double dimensionsPerFeature, int features, int hidden) {
    // 5%: trained columns end within a few per cent of unit norm, so a model storing all n features sits this close.
    return dimensionsPerFeature <= 1.05 * toyDimensionsPerFeatureFloor(features, hidden);
}

std::vector<double> defaultToySparsities() {
    std::vector<double> sparsities;
    for (int j = 0; j <= 8; ++j)
        sparsities.push_back(1.0 - std::pow(10.0, -j / 4.0));
    return sparsities;
}

Eigen::VectorXd toyImportance(int features, double decay) {
    if (features < 1) throw InputError("toy model: features must be >= 1");
    if (!positiveFinite(decay)) throw InputError("toy model: importance decay must be finite and > 0");
    Eigen::VectorXd importance(features);
    for (int i = 0; i < features; ++i)
        importance[i] = std::pow(decay, i);
    return importance;
}

Eigen::MatrixXd sampleSparseFeatures(int features, int samples, double sparsity, std::mt19937_64& rng) {
    if (features < 1 || samples < 1) throw InputError("toy model: features and samples must be >= 1");
    requireSparsity(sparsity);
    const double probability = 1.0 - sparsity;
    const double stretch = 1.0 / probability;
    Eigen::MatrixXd inputs(features, samples);
    double* out = inputs.data();
    for (Eigen::Index i = 0; i < inputs.size(); ++i) {
        // The top 53 bits of one draw, a uniform double in [0, 1) (std::uniform_real_distribution's
        // generate_canonical took 40% of a training step).
        const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
        out[i] = static_cast<double>(u < probability) * (u * stretch); // no branch: S = 0.5 mispredicts half
    }
    return inputs;
}

ToyLossGradient toyLossAndGradient(const ToyModel& model, const Eigen::Ref<const Eigen::MatrixXd>& inputs,
                                   const Eigen::Ref<const Eigen::VectorXd>& importance) {
    const Eigen::Index features = model.weights.cols();
    if (model.bias.size() != features || inputs.rows() != features || importance.size() != features ||
        inputs.cols() < 1)
        throw InputError("toy model: W is " + std::to_string(model.weights.rows()) + " x " + std::to_string(features) +
                         ", b has " + std::to_string(model.bias.size()) + " entries, the inputs " +
                         std::to_string(inputs.rows()) + " x " + std::to_string(inputs.cols()) + ", the importance " +
                         std::to_string(importance.size()) + " (need n = features everywhere and >= 1 sample)");
    const double scale = 1.0 / (static_cast<double>(inputs.cols()) * static_cast<double>(features));
    const Eigen::MatrixXd hidden = model.weights * inputs;
    Eigen::MatrixXd preactivation = model.weights.transpose() * hidden;
    preactivation.colwise() += model.bias;
    // residual = x - ReLU(z); G = -2 I residual [z > 0] * scale.
    const Eigen::ArrayXXd residual = inputs.array() - preactivation.array().max(0.0);
    ToyLossGradient result;
    result.loss = (residual.square().colwise() * importance.array()).sum() * scale;
    const Eigen::MatrixXd upstream =
        ((preactivation.array() > 0.0).cast<double>() * residual).colwise() * (-2.0 * scale * importance.array());
    result.bias = upstream.rowwise().sum();
    result.weights = (model.weights * upstream) * inputs.transpose() + hidden * upstream.transpose();
    return result;
}

ToySparsityResult trainToyModel(const ToySuperpositionOptions& options, double sparsity,
                                const ProgressCallback& progress, const CancelToken* cancel) {
    validate(options);
    requireSparsity(sparsity);
    const int n = options.features;
    const int m = options.hidden;
    const Eigen::VectorXd importance = toyImportance(n, options.importanceDecay);

    std::mt19937_64 rng(options.seed);
    std::normal_distribution<double> normal(0.0, std::sqrt(2.0 / (m + n))); // Xavier normal
    ToyModel model{Eigen::MatrixXd(m, n), Eigen::VectorXd::Zero(n)};
    for (Eigen::Index j = 0; j < n; ++j)
        for (Eigen::Index i = 0; i < m; ++i)
            model.weights(i, j) = normal(rng);

    std::mt19937_64 evaluationRng(options.seed + kEvaluationSeedOffset);
    const Eigen::MatrixXd evaluation = sampleSparseFeatures(n, options.evaluationSamples, sparsity, evaluationRng);

    ToySparsityResult result;
    result.sparsity = sparsity;
    result.initialLoss = toyLossAndGradient(model, evaluation, importance).loss;

    Eigen::ArrayXXd firstW = Eigen::ArrayXXd::Zero(m, n);
    Eigen::ArrayXXd secondW = Eigen::ArrayXXd::Zero(m, n);
    Eigen::ArrayXd firstB = Eigen::ArrayXd::Zero(n);
    Eigen::ArrayXd secondB = Eigen::ArrayXd::Zero(n);
    for (int step = 1; step <= options.steps; ++step) {
        if (step % kCheckEvery == 0 && step < options.steps) {
            if (cancel) cancel->throwIfCancelled();
            if (progress) progress(static_cast<double>(step) / options.steps);
        }
        const Eigen::MatrixXd inputs = sampleSparseFeatures(n, options.batch, sparsity, rng);
        const ToyLossGradient gradient = toyLossAndGradient(model, inputs, importance);
        const double firstCorrection = 1.0 - std::pow(kBeta1, step);
        const double secondCorrection = 1.0 - std::pow(kBeta2, step);
        adamStep(model.weights, gradient.weights, firstW, secondW, options.learningRate, firstCorrection,
                 secondCorrection);
        adamStep(model.bias, gradient.bias, firstB, secondB, options.learningRate, firstCorrection, secondCorrection);
    }
    if (progress) progress(1.0);

    result.finalLoss = toyLossAndGradient(model, evaluation, importance).loss;
    result.frobeniusSquared = model.weights.squaredNorm();
    result.dimensionsPerFeature = m / result.frobeniusSquared;
    result.representedFeatures = static_cast<int>((model.weights.colwise().norm().array() > kRepresentedNorm).count());
    result.rateLimit = compressionRateLimit(sparsity);
    result.rate = compressionRate(sparsity, options.entropyBits);
    result.model = std::move(model);
    return result;
}

ToySuperpositionResult runToySuperposition(const ToySuperpositionOptions& options, const ProgressCallback& progress,
                                           const CancelToken* cancel) {
    validate(options);
    for (double sparsity : options.sparsities)
        requireSparsity(sparsity);
    ToySuperpositionResult result;
    result.options = options;
    const double models = static_cast<double>(options.sparsities.size());
    for (std::size_t i = 0; i < options.sparsities.size(); ++i) {
        ProgressCallback modelProgress;
        if (progress) modelProgress = [&progress, i, models](double fraction) { progress((i + fraction) / models); };
        result.rows.push_back(trainToyModel(options, options.sparsities[i], modelProgress, cancel));
    }
    return result;
}

} // namespace codescope::theory
