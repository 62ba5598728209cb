#pragma once
// Fig. 1c: the toy model of superposition of Elhage et al. 2022 (ref. 12, "Toy Models of Superposition"),
// x' = ReLU(W^T W x + b), trained on sparse features, and its dimensions per feature m / ||W||_F^2 next to eq. 1's
// optimal compression rate R(S). Pure Eigen with analytic gradients and Adam: the model has m n + n parameters, and
// keeping LibTorch out keeps this file light to compile.
//
// Conventions (Elhage et al.'s, section "Demonstrating Superposition" and "Feature Dimensionality"):
//  - feature i (i = 0..n-1) is 0 with probability S and U[0, 1] otherwise, independently;
//  - loss = mean over a batch and over the n features of I_i (x_i - x'_i)^2 with importance I_i = decay^i;
//  - W starts Xavier-normal (std sqrt(2 / (m + n))), b at 0; Adam (beta 0.9, 0.999, eps 1e-8), constant rate.
// The default importance is uniform (decay 1): eq. 1 treats every feature alike, and Elhage et al.'s feature-
// dimensionality experiment, the one Fig. 1c re-plots, gives every feature the same importance. decay = 0.7 gives
// their introductory n = 20, m = 5 demonstration.
#include <Eigen/Core>
#include <cstdint>
#include <random>
#include <vector>

#include "core/common/implementation_defaults.h"
#include "core/common/job_control.h"

namespace codescope::theory {

/// 1 - S = 10^(-j/4), j = 0..8: S from 0 (dense) to 0.99, evenly spaced on a log axis of the feature probability.
std::vector<double> defaultToySparsities();

struct ToySuperpositionOptions {
    int features = implementation::kToyFeatures; ///< n, input (and output) features (Codescope's own default)
    int hidden = implementation::kToyHidden;     ///< m, hidden dimensions (Codescope's own default)
    double importanceDecay = 1.0; ///< I_i = decay^i; 1 = uniform (see the file comment), Elhage's demo uses 0.7
    std::vector<double> sparsities = defaultToySparsities(); ///< S of each model of the sweep, each in [0, 1)
    int steps = 10000;                                       ///< Adam steps per model (Elhage et al.: 10,000)
    int batch = 1024;                                        ///< samples per step (Elhage et al.: 1024)
    double learningRate = 1e-3;                              ///< Adam step size (Elhage et al.: 1e-3)
    std::uint64_t seed = 0;        ///< every model starts from the same W and sees the same uniform draws
    int evaluationSamples = 16384; ///< held-out samples for the reported initial and final loss
    double entropyBits = 32.0;     ///< H of eq. 1 for the reported R(S, H): the paper's "16 or 32 bits", a float32
};

/// The floor of the dimensions per feature, m / n: a model that stores all n features at unit norm has ||W||_F^2 = n,
/// and it cannot store more than n, so m / ||W||_F^2 levels off here (it dips under only by the amount its columns'
/// norms grow past 1). A model on the floor shows its own size, m hidden units shared by n features, not eq. 1's
/// optimal rate, which keeps falling with S below it. Throws InputError for features or hidden < 1.
double toyDimensionsPerFeatureFloor(int features, int hidden);

/// True when `dimensionsPerFeature` is within 5% of the floor m / n (or below it): the point shows the model's size.
bool isAtToyFloor(double dimensionsPerFeature, int features, int hidden);

/// The toy model's parameters.
struct ToyModel {
    Eigen::MatrixXd weights; ///< W, hidden x features (m x n)
    Eigen::VectorXd bias;    ///< b, features (n)
};

/// The loss and its gradient with respect to W and b.
struct ToyLossGradient {
    double loss = 0;
    Eigen::MatrixXd weights; ///< dL/dW, m x n
    Eigen::VectorXd bias;    ///< dL/db, n
};

/// One trained model of the sweep.
struct ToySparsityResult {
    double sparsity = 0;             ///< S
    double dimensionsPerFeature = 0; ///< m / ||W||_F^2 (Elhage et al.'s D*): 1 when m features are stored
                                     ///< orthogonally, below 1 in superposition (can dip under m/n: norms > 1)
    double frobeniusSquared = 0;     ///< ||W||_F^2
    int representedFeatures = 0;     ///< columns of W with norm > 0.5, the features the model stores
    double rateLimit = 0;            ///< eq. 1 for large H: 1 - S, hidden units per feature an optimal code needs
    double rate = 0;                 ///< eq. 1: R(S, H) = 1 - S + h(S)/H with H = options.entropyBits
    double initialLoss = 0;          ///< held-out loss of the initial model
    double finalLoss = 0;            ///< held-out loss of the trained model (same held-out samples)
    ToyModel model;
};

struct ToySuperpositionResult {
    ToySuperpositionOptions options;
    std::vector<ToySparsityResult> rows; ///< one per options.sparsities, in that order
};

/// I_i = decay^i for i = 0..features-1. Throws InputError for features < 1 or a decay that is not finite and > 0.
Eigen::VectorXd toyImportance(int features, double decay);

/// features x samples inputs, each element 0 with probability `sparsity` and U[0, 1) otherwise (one uniform draw u
/// per element: x = u / (1 - S) if u < 1 - S, else 0, which has exactly that distribution). Throws InputError for
/// sizes < 1 or a sparsity outside [0, 1).
Eigen::MatrixXd sampleSparseFeatures(int features, int samples, double sparsity, std::mt19937_64& rng);

/// The importance-weighted MSE of `model` on `inputs` (features x samples), mean over samples and features, and its
/// analytic gradient: with Z = W^T W X + b, G = dL/dZ = -2 I (X - ReLU(Z)) [Z > 0] / (samples n),
/// dL/db = G 1 and dL/dW = (W G) X^T + (W X) G^T. importance: features long. Throws InputError on mismatched shapes.
ToyLossGradient toyLossAndGradient(const ToyModel& model, const Eigen::Ref<const Eigen::MatrixXd>& inputs,
                                   const Eigen::Ref<const Eigen::VectorXd>& importance);

/// Trains one model at `sparsity` (options.sparsities is ignored). progress: fraction of this model's steps, polled
/// with cancel every 100 steps. Throws InputError for invalid options (see runToySuperposition), Cancelled if
/// cancelled.
ToySparsityResult trainToyModel(const ToySuperpositionOptions& options, double sparsity,
                                const ProgressCallback& progress = {}, const CancelToken* cancel = nullptr);

/// Fig. 1c: trains one model per sparsity and reports dimensions per feature next to eq. 1. progress: fraction of
/// the whole sweep. Deterministic for a given options.seed. Throws InputError for features, hidden, steps, batch or
/// evaluationSamples < 1, features x max(batch, evaluationSamples) above 2^25 elements, an empty sparsity list, a
/// sparsity outside [0, 1), a non-positive or non-finite decay, learning rate or entropyBits; Cancelled if cancelled.
ToySuperpositionResult runToySuperposition(const ToySuperpositionOptions& options,
                                           const ProgressCallback& progress = {}, const CancelToken* cancel = nullptr);

} // namespace codescope::theory
