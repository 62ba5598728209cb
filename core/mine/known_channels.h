#pragma once
// Channels whose mutual information is known exactly, to validate MINE (Supplementary Fig. 1's estimator) against.
// Each is `uses` independent uses of one scalar channel, so I(X; Y) = uses x the one-use value (chain rule of
// mutual information for independent pairs), which makes the number sizeable. All values are in nats.
//
//   BinarySymmetric  X_i uniform on {-1, +1}; Y_i = -X_i with probability p, else X_i.
//                    I = uses x (ln 2 - h(p)),  h(p) = -p ln p - (1-p) ln(1-p).        default 8 uses, p = 0.2
//   Erasure          X_i uniform on {-1, +1}; Y_i = 0 (the erasure) with probability D, else X_i: the dropout
//                    channel of the paper's Theorem 3 on one-bit units (without dropout's 1/(1-D) rescaling, which
//                    is invertible and changes nothing).
//                    I = uses x (1 - D) ln 2.                                          default 8 uses, D = 0.5
//   Gaussian         X ~ N(0, I), Y = X + sigma N(0, I), `uses` dimensions.
//                    I = uses / 2 x ln(1 + 1 / sigma^2).                               default 4 uses, sigma = 1
#include <cstdint>
#include <string>

#include "core/mine/mine_estimator.h"

namespace codescope::mine {

enum class ChannelKind { BinarySymmetric, Erasure, Gaussian };

struct ChannelOptions {
    ChannelKind kind = ChannelKind::BinarySymmetric;
    std::int64_t uses = 8;           ///< independent uses (input dimensions)
    double flipProbability = 0.2;    ///< p of the binary symmetric channel, in [0, 1]
    double erasureProbability = 0.5; ///< D of the erasure channel, in [0, 1]
    double noiseStd = 1.0;           ///< sigma of the Gaussian channel, > 0
};

/// The defaults of a kind (see the table above).
ChannelOptions defaultChannelOptions(ChannelKind kind);

/// "bsc", "erasure", "gaussian".
std::string channelName(ChannelKind kind);

/// The kind called `name` ("bsc", "erasure" or "gaussian"). Throws InputError for another name.
ChannelKind channelKindFromName(const std::string& name);

/// One line saying what the channel is, e.g. "8 uses of a binary symmetric channel, p = 0.2, X uniform on {-1, +1}".
std::string describeChannel(const ChannelOptions& channel);

/// Throws InputError unless uses is from 1 to 1e6 and the kind's parameter is in range and not NaN.
void validateChannel(const ChannelOptions& channel);

/// The exact I(X; Y) in nats (formulas above). Throws what validateChannel throws.
double exactMutualInformation(const ChannelOptions& channel);

/// A sampler of the channel for estimateMutualInformation: x and a single y, both rows x uses. Throws what
/// validateChannel throws (when called, not when sampling).
JointSampler channelSampler(const ChannelOptions& channel);

} // namespace codescope::mine
