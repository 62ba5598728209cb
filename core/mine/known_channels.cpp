#include "core/mine/known_channels.h"

#include <cmath>
#include <cstdio>

#include "core/common/input_error.h"

namespace codescope::mine {

namespace {

// Binary entropy in nats; h(0) = h(1) = 0.
double binaryEntropyNats(double p) {
    double h = 0;
    for (double q : {p, 1.0 - p})
        if (q > 0) h -= q * std::log(q);
    return h;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

void requireProbability(double value, const char* what) {
    if (!(value >= 0.0 && value <= 1.0))
        throw InputError(std::string("channel: ") + what + " must be in [0, 1], got " + number(value));
}

} // namespace

ChannelOptions defaultChannelOptions(ChannelKind kind) {
    ChannelOptions channel;
    channel.kind = kind;
    channel.uses = kind == ChannelKind::Gaussian ? 4 : 8;
    return channel;
}

std::string channelName(ChannelKind kind) {
    switch (kind) {
    case ChannelKind::BinarySymmetric:
        return "bsc";
    case ChannelKind::Erasure:
        return "erasure";
    case ChannelKind::Gaussian:
        return "gaussian";
    }
    return "unknown";
}

ChannelKind channelKindFromName(const std::string& name) {
    for (ChannelKind kind : {ChannelKind::BinarySymmetric, ChannelKind::Erasure, ChannelKind::Gaussian})
        if (channelName(kind) == name) return kind;
    throw InputError("unknown channel '" + name + "' (bsc, erasure or gaussian)");
}

std::string describeChannel(const ChannelOptions& c) {
    const std::string uses = std::to_string(c.uses) + " uses of ";
    switch (c.kind) {
    case ChannelKind::BinarySymmetric:
        return uses + "a binary symmetric channel, p = " + number(c.flipProbability) + ", X uniform on {-1, +1}";
    case ChannelKind::Erasure:
        return uses + "an erasure (dropout) channel, D = " + number(c.erasureProbability) +
               ", X uniform on {-1, +1}, erased -> 0";
    case ChannelKind::Gaussian:
        return uses + "an additive Gaussian channel, sigma = " + number(c.noiseStd) + ", X ~ N(0, 1)";
    }
    return "unknown channel";
}

void validateChannel(const ChannelOptions& c) {
    if (c.uses < 1 || c.uses > 1'000'000)
        throw InputError("channel: uses must be from 1 to 1000000, got " + std::to_string(c.uses));
    switch (c.kind) {
    case ChannelKind::BinarySymmetric:
        requireProbability(c.flipProbability, "the flip probability p");
        return;
    case ChannelKind::Erasure:
        requireProbability(c.erasureProbability, "the erasure probability D");
        return;
    case ChannelKind::Gaussian:
        if (!(c.noiseStd > 0) || !std::isfinite(c.noiseStd))
            throw InputError("channel: the noise standard deviation sigma must be a finite number > 0, got " +
                             number(c.noiseStd));
        return;
    }
    throw InputError("channel: unknown kind");
}

double exactMutualInformation(const ChannelOptions& c) {
    validateChannel(c);
    const auto uses = static_cast<double>(c.uses);
    switch (c.kind) {
    case ChannelKind::BinarySymmetric:
        return uses * (std::log(2.0) - binaryEntropyNats(c.flipProbability));
    case ChannelKind::Erasure:
        return uses * (1.0 - c.erasureProbability) * std::log(2.0);
    case ChannelKind::Gaussian:
        return uses * 0.5 * std::log1p(1.0 / (c.noiseStd * c.noiseStd));
    }
    return 0;
}

JointSampler channelSampler(const ChannelOptions& channel) {
    validateChannel(channel);
    return [c = channel](std::int64_t rows, std::mt19937_64& rng, JointBatch& out) {
        out.x.resize(rows, c.uses);
        out.y.resize(1);
        RowMatrixF& y = out.y.front();
        y.resize(rows, c.uses);
        std::bernoulli_distribution sign(0.5), flip(c.flipProbability), erase(c.erasureProbability);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        const auto sigma = static_cast<float>(c.noiseStd);
        for (Eigen::Index i = 0; i < out.x.size(); ++i) {
            float& x = out.x.data()[i];
            float& received = y.data()[i];
            switch (c.kind) {
            case ChannelKind::BinarySymmetric:
                x = sign(rng) ? 1.0f : -1.0f;
                received = flip(rng) ? -x : x;
                break;
            case ChannelKind::Erasure:
                x = sign(rng) ? 1.0f : -1.0f;
                received = erase(rng) ? 0.0f : x;
                break;
            case ChannelKind::Gaussian:
                x = normal(rng);
                received = x + sigma * normal(rng);
                break;
            }
        }
    };
}

} // namespace codescope::mine
