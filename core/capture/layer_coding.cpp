#include "core/capture/layer_coding.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/common/input_error.h"
#include "core/projection/explained_variance.h"
#include "core/projection/random_projection.h"
#include "core/theory/coding_theory.h"

namespace codescope::capture {

data::MovingDotStimulus movingDotForInput(std::int64_t channels, std::int64_t height, std::int64_t width, int frames) {
    if (height != width)
        throw InputError("the moving dot needs a square input, the model takes " + std::to_string(height) + " x " +
                         std::to_string(width));
    if (height < 16) throw InputError("the moving dot needs an input of at least 16 x 16 pixels");
    data::MovingDotOptions options;
    options.frames = frames;
    options.size = height;
    options.channels = channels;
    options.radius = implementation::kMovingDotRadius * static_cast<double>(height) /
                     static_cast<double>(implementation::kMovingDotSize);
    try {
        return data::movingDot(options);
    } catch (const std::invalid_argument& error) {
        throw InputError(std::string("moving dot: ") + error.what());
    }
}

CodingTargets codingTargets(const Eigen::Ref<const Eigen::MatrixXd>& stimulusPixels,
                            const data::MovingDotStimulus& stimulus) {
    const Eigen::Index frames = stimulusPixels.rows();
    if (static_cast<Eigen::Index>(stimulus.cosT.size()) != frames)
        throw InputError("the stimulus has " + std::to_string(stimulus.cosT.size()) + " frames but " +
                         std::to_string(frames) + " rows of pixels");
    Eigen::MatrixXd latent(frames, 2);
    for (Eigen::Index t = 0; t < frames; ++t)
        latent.row(t) << stimulus.cosT[static_cast<std::size_t>(t)], stimulus.sinT[static_cast<std::size_t>(t)];
    return {projection::readoutTarget(stimulusPixels), projection::readoutTarget(latent)};
}

LayerCoding layerCoding(const Eigen::Ref<const Eigen::MatrixXf>& activations,
                        const Eigen::Ref<const Eigen::MatrixXd>& stimulusPixels,
                        const data::MovingDotStimulus& stimulus, double alpha, const CodingOptions& options) {
    return layerCoding(activations, codingTargets(stimulusPixels, stimulus), alpha, options);
}

LayerCoding layerCoding(const Eigen::Ref<const Eigen::MatrixXf>& activations, const CodingTargets& targets,
                        double alpha, const CodingOptions& options) {
    if (options.projections < 1) throw InputError("coding quantities need at least one random projection");
    const Eigen::Index frames = activations.rows();
    if (targets.pixels.frames() != frames)
        throw InputError("the layer's activations have " + std::to_string(frames) + " frames, the stimulus " +
                         std::to_string(targets.pixels.frames()));

    projection::RandomProjectionOptions projectionOptions;
    projectionOptions.projections = options.projections;
    projectionOptions.seed = options.seed;
    const projection::RandomProjectionResult projections =
        projection::randomProjectionAction(activations, projectionOptions);
    const projection::ExplainedVarianceResult explained =
        projection::explainedVariance(projections, targets.pixels, &targets.latent);

    LayerCoding coding;
    coding.units = activations.cols();
    coding.projections = options.projections;
    coding.frames = static_cast<int>(frames);
    coding.actionMean = projections.meanAction;
    coding.actionSd = projections.sdAction;
    coding.actionExpected = projections.expectedAction;
    coding.averageActivation = projections.averageActivation;
    coding.stimulusR2Mean = explained.meanStimulusR2;
    coding.stimulusR2Sd = explained.sdStimulusR2;
    coding.latentR2Mean = explained.meanLatentR2;
    coding.latentR2Sd = explained.sdLatentR2;
    coding.denseCapacityBits = theory::denseCapacityBits(coding.units, options.bitsPerUnit);
    // A layer without an exponent (collapsed, dead) still has its measured action; eqs. 3-4 need alpha.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const bool hasAlpha = std::isfinite(alpha);
    if (hasAlpha) coding.eq4ExpectedAction = theory::expectedActionFromExponent(alpha);
    coding.eq4FiniteWidthAction = hasAlpha ? theory::expectedActionFiniteWidth(alpha, coding.units) : nan;
    coding.eq3CapacityBits = hasAlpha ? theory::effectiveCapacityBits(alpha, coding.units, options.bitsPerUnit) : nan;
    const Eigen::Index kept = std::clamp<Eigen::Index>(options.keptCurves, 0, projections.curveCount());
    coding.curves = projections.curves.leftCols(projectionOptions.dimensions * kept);
    return coding;
}

} // namespace codescope::capture
