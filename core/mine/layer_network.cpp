#include "core/mine/layer_network.h"

#include <cstring>

namespace codescope::mine {

std::vector<at::Tensor> LayerNetwork::parameters() const {
    std::vector<at::Tensor> all;
    for (std::size_t l = 0; l < weights.size(); ++l) {
        all.push_back(weights[l]);
        all.push_back(biases[l]);
    }
    all.push_back(readoutWeight);
    all.push_back(readoutBias);
    return all;
}

LayerNetwork LayerNetwork::frozen() const {
    LayerNetwork copy;
    for (std::size_t l = 0; l < weights.size(); ++l) {
        copy.weights.push_back(weights[l].detach().clone());
        copy.biases.push_back(biases[l].detach().clone());
    }
    copy.readoutWeight = readoutWeight.detach().clone();
    copy.readoutBias = readoutBias.detach().clone();
    copy.dropoutAfter = dropoutAfter;
    copy.activation = activation;
    return copy;
}

at::Tensor LayerNetwork::forward(const at::Tensor& x, double dropout, bool train,
                                 std::vector<at::Tensor>* layers) const {
    at::Tensor h = x;
    for (std::size_t l = 0; l < weights.size(); ++l) {
        const at::Tensor z = at::addmm(biases[l], h, weights[l]);
        h = activation == LayerActivation::Tanh ? at::tanh(z) : at::relu(z);
        if (dropoutAfter[l]) h = at::dropout(h, dropout, train);
        if (layers) layers->push_back(h);
    }
    return at::addmm(readoutBias, h, readoutWeight);
}

void copyLayers(const std::vector<at::Tensor>& layers, JointBatch& out) {
    out.y.resize(layers.size());
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const at::Tensor h = layers[l].contiguous();
        out.y[l].resize(h.size(0), h.size(1));
        std::memcpy(out.y[l].data(), h.data_ptr<float>(), sizeof(float) * static_cast<std::size_t>(h.numel()));
    }
}

std::vector<double> informationPerLayer(const MineResult& result) {
    std::vector<double> nats;
    for (const MineEstimate& estimate : result.estimates)
        nats.push_back(estimate.mutualInformation);
    return nats;
}

} // namespace codescope::mine
