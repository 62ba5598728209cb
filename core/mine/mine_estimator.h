#pragma once
// MINE, mutual information neural estimation (Belghazi et al. 2018, the paper's ref. 3 and Supplementary Fig. 1).
//
// A statistics network T(x, y) is trained to maximise the Donsker-Varadhan lower bound of the Kullback-Leibler
// divergence between the joint distribution and the product of the marginals,
//     I(X; Y) >= I_T = E_{p(x,y)}[T(x, y)] - ln E_{p(x)p(y)}[exp T(x, y)]       (nats),
// with marginal pairs made by pairing each x row of a batch with the y row a random non-zero number of rows further
// on (cyclically; rows are independent, so these pairs are draws of p(x)p(y), and unlike a shuffle no row keeps its
// own y). The gradient of the log term is the MINE paper's bias-corrected one (its Sec. 3.2): E[grad T e^T] / a,
// where a is an exponential moving average of the batch means E[e^T] (rate movingAverageRate), not the batch's own,
// biased, E[e^T]. After training the bound is evaluated once on evaluationSamples fresh joint rows (and their
// marginal pairs) that training never saw; that number is the estimate. It is a lower bound up to sampling noise: a
// statistics network that is too small or too briefly trained underestimates, it never legitimately overestimates.
//
// Inputs are standardised per column (mean and standard deviation of a first calibration sample of
// max(batchSize, min(evaluationSamples, 8192)) rows; a column's scale is floored at 1e-3 of its matrix's mean column
// scale) and clamped to +-clampSigma: an invertible map followed by a clamp is a function of x (or of y), so by the
// data-processing inequality it can only lower the information, and it keeps rare large activations from blowing
// up exp T.
//
// Two ways of training and evaluating, chosen by the options (the defaults are the first):
//  - fresh rows for every step, a cosine-decayed rate, and the bound once on all evaluation rows pooled;
//  - as the paper's authors ran Supplementary Fig. 1 (their Keras script): a fixed training set of trainingRows rows
//    gone through in shuffled batches for a number of epochs, constant rates phase by phase (`phases`), and the
//    estimate the mean of the bound over held-out batches of batchSize rows (batchMeanEvaluation; Keras' evaluate
//    reports this running mean). A per-batch bound is the lower one: ln of a small batch's mean of e^T is on average
//    below ln of the pooled mean (Jensen), so this estimate sits a little under the pooled one.
//
// Several problems I(X; Y_1), ..., I(X; Y_G) that share X are estimated at once, each with its own statistics
// network (batched matrix products; the same as G separate runs, only faster): the layer experiment measures every
// layer of a network in one go. No LibTorch type appears here.
#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "core/common/job_control.h"

namespace codescope::mine {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Joint samples: row i of x goes with row i of every y[g]. All y[g] have the same number of columns.
struct JointBatch {
    RowMatrixF x;              ///< rows x dx
    std::vector<RowMatrixF> y; ///< G matrices, rows x dy
};

/// Fills `out` with `rows` fresh, independent joint samples, drawing its random numbers from `rng` (seeded by the
/// estimator from MineOptions::seed, so runs repeat exactly). Must return the same G and column counts every call.
using JointSampler = std::function<void(std::int64_t rows, std::mt19937_64& rng, JointBatch& out)>;

/// A stretch of training at a constant learning rate.
struct MinePhase {
    std::int64_t steps = 0;  ///< Adam steps, >= 1
    double learningRate = 0; ///< finite, > 0
};

/// Settings of one estimate. The defaults estimate the known channels of known_channels.h (up to about 3 nats)
/// within a few per cent in a few seconds on one CPU core.
struct MineOptions {
    std::int64_t steps = 1500;              ///< Adam steps on the statistics network
    std::int64_t batchSize = 256;           ///< joint rows per step (as many shuffled marginal pairs)
    std::int64_t hiddenUnits = 128;         ///< units of each of T's hidden layers
    std::int64_t hiddenLayers = 2;          ///< T: [x, y] -> hidden x hiddenLayers -> 1, ReLU
    double learningRate = 2e-3;             ///< Adam; cosine-decayed to 0 over the steps
    double movingAverageRate = 0.01;        ///< rate of the moving average of E[e^T] (MINE's bias correction)
    std::int64_t evaluationSamples = 32768; ///< fresh joint rows for the final bound
    double clampSigma = 6.0;                ///< standardised inputs are clamped to [-clampSigma, clampSigma]
    /// When not empty, the training runs these phases in order at their constant rates, replacing `steps` and the
    /// cosine-decayed `learningRate` (see totalSteps).
    std::vector<MinePhase> phases;
    /// 0: fresh rows from the sampler for every step. > 0: one training set of this many rows, drawn once, gone
    /// through in epochs of shuffled batches (a last partial batch of an epoch is dropped); >= batchSize.
    std::int64_t trainingRows = 0;
    /// false: the bound once on all evaluationSamples rows pooled; true: the mean of the bound on each batch of
    /// batchSize held-out rows (evaluationSamples / batchSize whole batches, at least one).
    bool batchMeanEvaluation = false;
    std::uint64_t seed = 0; ///< network initialisation, sampler rng, shuffles (and LibTorch's rng)
    int threads = 1;        ///< LibTorch intra-op threads during the call; 0 = leave as is. The
                            ///< networks are too small to gain from more, and a busy machine
                            ///< makes more threads many times slower
};

/// Throws InputError unless steps, batchSize >= 2, hiddenUnits, hiddenLayers >= 1, evaluationSamples >= 2 (and >=
/// batchSize with batchMeanEvaluation) are in range, learningRate > 0, movingAverageRate in (0, 1], clampSigma > 0
/// (all finite), threads >= 0, every phase has steps >= 1 and a finite rate > 0, and trainingRows is 0 or from
/// batchSize to 1e9.
void validateOptions(const MineOptions& options);

/// The Adam steps the options train for: the sum of the phases' steps, or `steps` without phases.
std::int64_t totalSteps(const MineOptions& options);

/// One problem's result.
struct MineEstimate {
    double mutualInformation = 0;      ///< nats: the DV bound on the held-out evaluation sample
    std::vector<double> trainingCurve; ///< nats: the DV bound on each training batch, one value per step
    /// nats, with batchMeanEvaluation: the running mean of the bound over the held-out batches, one value per batch
    /// (the last is mutualInformation); empty otherwise.
    std::vector<double> evaluationRunningMean;
};

struct MineResult {
    std::vector<MineEstimate> estimates; ///< one per y[g], in order
    double seconds = 0;                  ///< wall time of calibration, training and evaluation
    MineOptions options;
};

/// Estimates I(X; Y_g) for every g of the sampler's batches. Reports progress in [0, 1] and polls `cancel` between
/// steps. The LibTorch thread count is restored on return. Throws InputError for bad options or a sampler that
/// returns the wrong shape, no y, or a non-finite value; Cancelled when cancelled.
MineResult estimateMutualInformation(const JointSampler& sampler, const MineOptions& options,
                                     const ProgressCallback& progress = {}, const CancelToken* cancel = nullptr);

/// For benchmarks, the floor of a MINE estimate: seconds of options.steps plain Adam steps of the same statistics
/// networks (G = problems, dx = xColumns, dy = yColumns) on one fixed random batch, each step two forward passes of
/// batchSize rows (as MINE's joint and marginal passes), the mean of T as the loss, backward and Adam. No sampling,
/// standardisation, shuffling, moving average, curve or evaluation. Throws InputError for bad options or sizes.
double statisticsNetworkSeconds(std::int64_t problems, std::int64_t xColumns, std::int64_t yColumns,
                                const MineOptions& options);

/// Sets LibTorch's intra-op thread count for the lifetime of the object when `threads` > 0 and restores the
/// previous count on destruction; does nothing for 0.
class ScopedTorchThreads {
public:
    explicit ScopedTorchThreads(int threads);
    ~ScopedTorchThreads();
    ScopedTorchThreads(const ScopedTorchThreads&) = delete;
    ScopedTorchThreads& operator=(const ScopedTorchThreads&) = delete;

private:
    int m_previous = 0;
};

} // namespace codescope::mine
