#pragma once
// Activation records (automated interpretability, Bills et al. 2023; paper Fig. 7b): for one unit - a single neuron
// or a random projection of a layer - the text windows where it is most active, with its value at every token.
#include <cstdint>
#include <string>
#include <vector>

namespace codescope::language {

/// One text window and a unit's activation at each of its tokens.
struct ActivationRecord {
    std::vector<std::string> tokens; ///< each token's text (UTF-8 bytes of the token)
    std::vector<double> activations; ///< same length as tokens
    std::int64_t sequence = 0;       ///< which sequence of the data set the window came from
    std::int64_t firstPosition = 0;  ///< position of tokens[0] in that sequence

    /// The largest activation in the window (-inf for an empty one).
    double maxActivation() const;
};

/// What the explainer and the simulator see of one unit.
struct UnitRecords {
    std::string layer; ///< the layer's name, e.g. "blocks.3.mlp.gelu"
    int depth = 0;     ///< the layer's position in depth order among the analysed layers
    std::string unit;  ///< "neuron 17" or "projection 3"
    bool isProjection = false;
    double maxActivation = 0; ///< over every token of the data set read (the explainer's scale is the maximum
                              ///< over trainTop: explain::explainerScale)
    std::vector<ActivationRecord> trainTop;         ///< top-activating windows shown to the explainer
    std::vector<ActivationRecord> validationTop;    ///< held-out top-activating windows, simulated and scored
    std::vector<ActivationRecord> validationRandom; ///< held-out random windows, simulated and scored
};

} // namespace codescope::language
