#include "core/language/token_trajectories.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/common/input_error.h"
#include "core/projection/random_projection.h"

namespace codescope::language {

namespace {

TokenTrajectory trajectory(const Eigen::MatrixXd& curves, const Eigen::VectorXd& actions, int k) {
    TokenTrajectory result;
    result.projection = k;
    result.action = actions(k);
    result.values.assign(curves.col(k).data(), curves.col(k).data() + curves.rows());
    return result;
}

} // namespace

LayerTokenTrajectories tokenTrajectories(const Eigen::Ref<const Eigen::MatrixXf>& activations,
                                         const std::vector<std::string>& tokens,
                                         const TokenTrajectoryOptions& options) {
    if (activations.rows() < 2)
        throw InputError("token trajectories need at least 2 tokens, got " + std::to_string(activations.rows()));
    if (static_cast<Eigen::Index>(tokens.size()) != activations.rows())
        throw InputError("token trajectories: " + std::to_string(tokens.size()) + " tokens for " +
                         std::to_string(activations.rows()) + " rows of activations");
    if (options.shown < 1) throw InputError("token trajectories: --shown must be >= 1");
    if (!activations.allFinite()) throw InputError("token trajectories: the activations contain NaN or Inf");

    projection::RandomProjectionOptions draw;
    draw.projections = options.draws;
    draw.dimensions = 1;
    draw.seed = options.seed;
    // The directions themselves, so that "projection k" is the same direction in the activation records.
    const Eigen::MatrixXf directions = projection::randomProjectionMatrix(activations.cols(), draw);
    const Eigen::MatrixXd curves = (activations * directions).cast<double>();
    Eigen::VectorXd actions(curves.cols());
    for (Eigen::Index k = 0; k < curves.cols(); ++k)
        actions(k) = projection::trajectoryAction(curves.col(k));

    LayerTokenTrajectories result;
    result.tokens = tokens;
    result.draws = options.draws;
    result.meanAction = actions.mean();
    result.sdAction =
        actions.size() > 1
            ? std::sqrt((actions.array() - result.meanAction).square().sum() / static_cast<double>(actions.size() - 1))
            : 0.0;
    std::vector<int> order(static_cast<std::size_t>(actions.size()));
    std::iota(order.begin(), order.end(), 0);
    const std::size_t shown = std::min<std::size_t>(static_cast<std::size_t>(options.shown), order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown), order.end(),
                      [&](int a, int b) { return actions(a) < actions(b); });
    for (std::size_t i = 0; i < shown; ++i)
        result.lowestAction.push_back(trajectory(curves, actions, order[i]));
    result.typical = trajectory(curves, actions, 0);
    return result;
}

} // namespace codescope::language
