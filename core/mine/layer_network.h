#pragma once
// The networks of the layer experiments (dropout_mlp_experiment.h, paper_mlp_experiment.h) as plain LibTorch tensors:
// hidden layers h_l = act(W_l h_{l-1} + b_l), each optionally followed by dropout, then a linear read-out; and the
// glue that hands every hidden layer to MINE. Internal to core/mine (it exposes LibTorch types).
#include <cstdint>
#include <vector>

#include <ATen/ATen.h>

#include "core/mine/mine_estimator.h"

namespace codescope::mine {

enum class LayerActivation { Relu, Tanh };

struct LayerNetwork {
    std::vector<at::Tensor> weights, biases; ///< per hidden layer: [in, out] and [out]
    at::Tensor readoutWeight, readoutBias;   ///< [width, outputs] and [outputs]
    std::vector<bool> dropoutAfter;          ///< per hidden layer: a dropout follows it
    LayerActivation activation = LayerActivation::Relu;

    /// Every trainable tensor, for the optimiser: weights and biases layer by layer, then the read-out.
    std::vector<at::Tensor> parameters() const;

    /// A copy that shares no storage and needs no gradient: the untrained copy and the frozen trained one.
    LayerNetwork frozen() const;

    /// The read-out [rows, outputs] of x [rows, in]. Dropout of rate `dropout` is applied where dropoutAfter says
    /// when `train` is true; every hidden layer (after its dropout) is appended to `layers` when it is given.
    at::Tensor forward(const at::Tensor& x, double dropout, bool train,
                       std::vector<at::Tensor>* layers = nullptr) const;
};

/// Copies every hidden layer [rows, width] (float) into out.y, one matrix each: a MINE sampler's y's.
void copyLayers(const std::vector<at::Tensor>& layers, JointBatch& out);

/// The estimate of each problem of `result`, in order (nats).
std::vector<double> informationPerLayer(const MineResult& result);

} // namespace codescope::mine
