#pragma once
// Where the ResNet-VAE puts its dropout, as a plain value (no LibTorch), so that training options, run manifests and
// result provenance can name it without the model's headers.
//
// The authors' code (their ResNetVAE modules.py) replaces every nn.ReLU module of the torchvision ResNet-18 with
// Sequential(ReLU, Dropout(p)): dropout follows every ReLU call of the ResNet-18 encoder (a BasicBlock's relu runs
// twice, so twice per block) and nowhere else; the fully connected layers and the decoder have none. Codescope's
// runs before this setting existed put dropout after every ReLU of the model; their manifests lack the field.
#include <string>

#include "core/common/input_error.h"

namespace codescope::models {

enum class DropoutPlacement {
    Encoder, ///< after every ReLU call of the ResNet-18 encoder only (the authors' code)
    All,     ///< after every ReLU: encoder, fc1/fc2, fc4/fc5 and the decoder's transposed convolutions
};

/// "encoder" / "all": the name a flag, a manifest and a result file use.
inline std::string dropoutPlacementName(DropoutPlacement placement) {
    return placement == DropoutPlacement::Encoder ? "encoder" : "all";
}

/// The placement `name` names; throws InputError naming the accepted names otherwise.
inline DropoutPlacement parseDropoutPlacement(const std::string& name) {
    if (name == "encoder") return DropoutPlacement::Encoder;
    if (name == "all") return DropoutPlacement::All;
    throw InputError("unknown dropout placement '" + name + "' (known: encoder, all)");
}

/// One phrase for people: "after the ResNet-18 encoder's ReLUs only" / "after every ReLU".
inline std::string dropoutPlacementDescription(DropoutPlacement placement) {
    return placement == DropoutPlacement::Encoder ? "after the ResNet-18 encoder's ReLUs only"
                                                  : "after every ReLU (encoder, fully connected layers and decoder)";
}

} // namespace codescope::models
