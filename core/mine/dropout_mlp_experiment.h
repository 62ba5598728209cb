#pragma once
// The layer experiment of Supplementary Fig. 1: does a deep network under dropout learn an error-correcting code?
//
// X is `bits` independent uniform bits, fed as a vector in {-1, +1}^bits, so H(X) = bits x ln 2 nats. The network is
// a plain MLP of `depth` hidden layers of `width` units, h_l = dropout_D(relu(W_l h_{l-1} + b_l)) with h_0 = X, and
// a linear read-out of the bits from h_depth. One copy is trained with Adam to reconstruct X (binary cross-entropy
// per bit, dropout on); an untrained copy keeps the same initial weights (torch.nn.Linear's initialisation). For both
// MINE (mine_estimator.h) estimates I(X; h_l) for every layer, in nats, with dropout on, as in training: dropout is
// the noise that makes the information finite (without it a layer is a deterministic function of 2^bits inputs).
//
// What to expect: I(X; h_l) <= H(X) = bits ln 2 (and it cannot grow with l: data-processing inequality), and a layer
// of width units of C bits each behind dropout D carries at most ln 2 x width x (1 - D) x C nats (eq. 2, Theorem 3;
// the limit reported is that of one-bit units, ln 2 x width x (1 - D)). Without error correction information decays
// about as (1 - D)^l (text above eq. 2): the untrained copy loses it within a few layers; the trained copy keeps a
// steady amount through all of them. MINE's numbers are lower bounds (see mine_estimator.h), not equally tight for
// every layer: where a later layer's estimate exceeds an earlier one's, the earlier estimate is below its true value.
#include <cstdint>
#include <vector>

#include "core/common/job_control.h"
#include "core/mine/mine_estimator.h"

namespace codescope::mine {

/// MINE settings for the layers: a smaller statistics network per layer than the channels' (all layers of a copy
/// are estimated at once) and 16384 evaluation rows.
inline MineOptions layerMineOptions() {
    MineOptions options;
    options.hiddenUnits = 64;
    options.evaluationSamples = 16384;
    return options;
}

/// Defaults: about two minutes on one CPU core (training ~45 s, two MINE runs of ~25 s).
struct DropoutMlpOptions {
    std::int64_t bits = 6;   ///< k: input bits carried through the network
    std::int64_t depth = 20; ///< hidden layers
    std::int64_t width = 32; ///< units per hidden layer
    double dropout = 0.25;   ///< D after every hidden layer, in [0, 1)
    std::int64_t trainSteps = 6000;
    std::int64_t batchSize = 256;
    double learningRate = 3e-3; ///< Adam, constant
    std::uint64_t seed = 0;     ///< initial weights, training bits and dropout masks (MINE uses mine.seed)
    MineOptions mine = layerMineOptions();
    int threads = 1; ///< LibTorch intra-op threads for the whole experiment; 0 = leave as is
};

/// Throws InputError unless bits, depth, width, trainSteps >= 1 and batchSize >= 2 are in range, dropout is in
/// [0, 1), the learning rate is finite and > 0 and threads >= 0, and the MINE options are valid.
void validateOptions(const DropoutMlpOptions& options);

struct DropoutMlpResult {
    std::vector<double> trainedNats;   ///< I(X; h_l) of the trained copy, l = 1..depth, nats
    std::vector<double> untrainedNats; ///< the same for the untrained copy
    double inputEntropyNats = 0;       ///< H(X) = bits ln 2
    double layerLimitNats = 0;         ///< ln 2 x width x (1 - D)
    std::vector<double> trainingLoss;  ///< BCE per bit (nats) of each training batch
    double trainedBitAccuracy = 0;     ///< fraction of bits read out right, trained copy, dropout on
    double untrainedBitAccuracy = 0;   ///< the same for the untrained copy (about 0.5)
    double trainSeconds = 0, mineSeconds = 0;
    DropoutMlpOptions options;
};

/// Trains the network, then estimates I(X; h_l) for every layer of the trained and the untrained copy (header
/// comment). Progress in [0, 1] over the whole job; `cancel` is polled between steps. The LibTorch thread count is
/// restored on return. Throws InputError (bad options), Cancelled.
DropoutMlpResult runDropoutMlpExperiment(const DropoutMlpOptions& options, const ProgressCallback& progress = {},
                                         const CancelToken* cancel = nullptr);

} // namespace codescope::mine
