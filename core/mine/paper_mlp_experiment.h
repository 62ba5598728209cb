#pragma once
// Supplementary Fig. 1 as the paper's authors ran it (their script Estimate-MI-of-NN-Layers.py, in Keras): a deep
// tanh network learns to pass 3 continuous inputs through 40 layers while dropout erases units every 4th layer, and
// MINE (mine_estimator.h) measures I(X; h_l) for every layer of the trained network and of an untrained copy.
//
//   data       x ~ U(-1, 1)^inputs (3), regressed onto itself (MSE, mean over the outputs)
//   network    depth (40) x Dense(width = 32, tanh), Dropout(D = 0.2) after layers 4, 8, ..., then Dense(inputs)
//              linear; Keras' initialisation (Glorot-uniform weights, zero biases)
//   training   Adam (rate 1e-3, Keras' default), epochs (4) over one training set of `samples` (10^6) rows,
//              shuffled each epoch, batches of 32 (Keras' default)
//   MINE       statistics network of 3 hidden layers of 64 units, 100 epochs at rate 1e-4, then 50 at 5e-6, over a
//              fixed set of mineSamples joint rows; the estimate is the running mean of the bound over held-out
//              batches (Keras' evaluate)
//
// What the authors' record leaves open, and this implementation chooses (named as its own wherever shown): the batch
// size of the network (32, Keras' default), the size of MINE's training and held-out sets and its batch (16384,
// 16384, 256), ReLU in the statistics network, MINE's bias-corrected gradient, and that dropout stays on while the
// layers are measured (measureWithDropout: dropout is the noise the figure is about; with it off a layer is a
// deterministic function of a continuous input, whose information is unbounded).
//
// The reference lines are those of eq. 2 for the layer's width and rate: a layer of `width` units of unitBits bits
// each has capacity C = width x unitBits bits (Supplementary 2.1); behind N_l >= 1 dropout layers a code with error
// correction keeps C (1 - D) (eq. 2), one without keeps C (1 - D)^N_l (text above eq. 2). Before the first dropout
// layer (N_l = 0) both are C.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/common/job_control.h"
#include "core/mine/mine_estimator.h"

namespace codescope::mine {

struct PaperMlpOptions {
    std::int64_t inputs = 3;           ///< input (and output) dimensions, x ~ U(-1, 1)
    std::int64_t depth = 40;           ///< Dense(width, tanh) layers
    std::int64_t width = 32;           ///< units per layer
    double dropout = 0.2;              ///< D of every dropout layer, in [0, 1)
    std::int64_t dropoutEvery = 4;     ///< a Dropout(D) after layers dropoutEvery, 2 dropoutEvery, ...
    std::int64_t epochs = 4;           ///< passes over the training set
    std::int64_t samples = 1'000'000;  ///< rows of the training set
    std::int64_t batchSize = 32;       ///< rows per Adam step (Keras' default; the implementation's own choice)
    double learningRate = 1e-3;        ///< Adam, constant (Keras' default)
    std::int64_t mineHiddenLayers = 3; ///< statistics network's hidden layers
    std::int64_t mineHiddenUnits = 64; ///< units of each
    std::int64_t mineEpochs = 100;     ///< first phase, at mineLearningRate
    double mineLearningRate = 1e-4;
    std::int64_t mineFineEpochs = 50; ///< second phase, at mineFineLearningRate; 0 = none
    double mineFineLearningRate = 5e-6;
    std::int64_t mineSamples = 16384;    ///< MINE's training set (joint rows; implementation's own)
    std::int64_t mineBatchSize = 256;    ///< MINE's batch (implementation's own)
    std::int64_t heldOutSamples = 16384; ///< held-out rows of the estimate (implementation's own)
    bool measureWithDropout = true;      ///< dropout on while the layers are measured (implementation's own)
    double unitBits = 1.0;               ///< C_base of the reference lines, bits per unit
    std::uint64_t seed = 0;              ///< weights, data, dropout masks and MINE
    int threads = 1;                     ///< LibTorch intra-op threads for the whole run; 0 = leave as is
};

/// Throws InputError unless the sizes are >= 1 and in range (inputs, depth, dropoutEvery, epochs, mineEpochs up to
/// 1e6; width, hidden units up to 65536; counts up to 1e9), dropout is in [0, 1), mineFineEpochs >= 0, the rates are
/// finite and > 0, mineSamples and heldOutSamples are >= mineBatchSize >= 2, unitBits is finite and > 0 and
/// threads >= 0.
void validateOptions(const PaperMlpOptions& options);

/// One Dense(width, tanh) layer of the network, l = 1..depth.
struct PaperLayer {
    std::int64_t index = 0;             ///< l, from 1
    std::int64_t units = 0;             ///< width
    bool dropoutAfter = false;          ///< a Dropout(D) follows it (l a multiple of dropoutEvery)
    std::int64_t dropoutLayersUpTo = 0; ///< N_l: dropout layers the signal has passed by h_l (its own included)
};

/// The hidden layers in order (the linear read-out is not among them). Throws what validateOptions throws.
std::vector<PaperLayer> paperLayerPlan(const PaperMlpOptions& options);

/// Eq. 2's reference lines per layer (header comment), in nats (bits x ln 2).
struct Eq2Reference {
    double capacityNats = 0;                   ///< C = width x unitBits x ln 2
    std::vector<double> withCorrectionNats;    ///< C (1 - D) where N_l >= 1, else C; one per layer
    std::vector<double> withoutCorrectionNats; ///< C (1 - D)^N_l; one per layer
};

/// The reference lines for `options`' width, rate and layer plan. Throws what validateOptions throws.
Eq2Reference eq2ReferenceLines(const PaperMlpOptions& options);

/// The MINE options the run uses: phases of mineEpochs and mineFineEpochs epochs of mineSamples / mineBatchSize
/// steps, the statistics network's size, batch-mean evaluation on heldOutSamples rows, seed and threads.
MineOptions paperMineOptions(const PaperMlpOptions& options);

/// Where `options` depart from the authors' run, one line each, e.g. "1 training epoch instead of 4"; empty for the
/// defaults. Only the settings the authors' record fixes are compared (see implementationChoices for the rest).
std::vector<std::string> differencesFromTheAuthors(const PaperMlpOptions& options);

/// The settings this implementation chose where the authors' record is silent, one line each, with their values.
std::vector<std::string> implementationChoices(const PaperMlpOptions& options);

/// About how long runPaperMlpExperiment takes with `options` on one CPU core, in seconds: the measured cost of the
/// defaults' training step and MINE step (header of the .cpp) scaled by the number of steps, layers and rows.
double estimatedSeconds(const PaperMlpOptions& options);

struct PaperMlpResult {
    std::vector<PaperLayer> layers;    ///< paperLayerPlan(options)
    std::vector<double> trainedNats;   ///< I(X; h_l) of the trained network, one per layer, nats (MINE)
    std::vector<double> untrainedNats; ///< the same for the untrained copy (same initial weights)
    Eq2Reference reference;
    std::vector<double> epochLoss; ///< mean training MSE of each epoch (dropout on)
    double trainedHeldOutMse = 0;  ///< MSE on 16384 fresh rows, dropout off (Keras' evaluate)
    double untrainedHeldOutMse = 0;
    std::vector<double> epochSeconds; ///< wall time of each training epoch
    double trainSeconds = 0;          ///< the whole training, data set included
    double mineSecondsPerEpoch = 0;   ///< mean wall time of one MINE epoch (all layers of one copy at once)
    double mineSeconds = 0;           ///< both MINE runs
    PaperMlpOptions options;
};

/// Trains the network, then estimates I(X; h_l) for every layer of the trained and the untrained copy. Progress in
/// [0, 1] over the whole job, a training step weighted against a MINE step by their typical cost; `cancel` is polled
/// between steps; `epochDone` is called after each training epoch. Restores the LibTorch thread count. Throws
/// InputError (bad options), Cancelled. Called after each training epoch with its number (from 1) and its wall time in
/// seconds, for a log as it runs.
using EpochCallback = std::function<void(std::int64_t epoch, double seconds)>;

PaperMlpResult runPaperMlpExperiment(const PaperMlpOptions& options, const ProgressCallback& progress = {},
                                     const CancelToken* cancel = nullptr, const EpochCallback& epochDone = {});

} // namespace codescope::mine
