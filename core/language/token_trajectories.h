#pragma once
// Token trajectories (paper Fig. 7c): random projections of a layer's per-token activations over a text, read as a
// curve over token positions. Their action (1/2 sum ||z_{t+1} - z_t||^2, as for the moving dot) measures how
// smoothly the projection changes from token to token; the lowest-action projections of K draws are the ones a
// reader can follow through the text.
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace codescope::language {

struct TokenTrajectoryOptions {
    int draws = 1000;       ///< K random projections r_k ~ N(0, 1/m I) of the layer (1-D: one value per token)
    int shown = 5;          ///< the lowest-action projections kept
    std::uint64_t seed = 0; ///< projection k is projection::randomProjectionMatrix's column k for this seed
};

/// One projection's value at every token of the text.
struct TokenTrajectory {
    int projection = 0;         ///< k: which of the K draws
    double action = 0;          ///< 1/2 sum_t (z_{t+1} - z_t)^2, activation^2 units
    std::vector<double> values; ///< z_t = a_t . r_k for every token t
};

/// A layer's trajectories over one text.
struct LayerTokenTrajectories {
    std::string layer;
    int depth = 0;                             ///< position among the analysed layers
    std::vector<std::string> tokens;           ///< the text, one entry per token
    std::vector<TokenTrajectory> lowestAction; ///< the `shown` lowest-action projections, lowest first
    TokenTrajectory typical;                   ///< projection 0, a draw not selected for its action
    double meanAction = 0;                     ///< over the K draws
    double sdAction = 0;                       ///< sample standard deviation over the K draws (0 for K = 1)
    int draws = 0;
};

/// Trajectories of K random projections of `activations` (tokens x units, token t in row t).
/// Throws InputError for fewer than 2 tokens, no units, NaN/Inf, tokens.size() != rows, draws < 1 or shown < 1.
LayerTokenTrajectories tokenTrajectories(const Eigen::Ref<const Eigen::MatrixXf>& activations,
                                         const std::vector<std::string>& tokens, const TokenTrajectoryOptions& options);

} // namespace codescope::language
