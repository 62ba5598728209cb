#pragma once
// Defaults that are Codescope's own: the paper uses these quantities but gives no value or formula for them, so
// these are choices of this implementation, named as such wherever they are shown (the `--help` texts, the README,
// the app's "How this was made" panel and every result's provenance: pipeline/provenance.h). Defined once here;
// the paper's own settings are in paper_defaults.h.
#include <cstdint>

namespace codescope::implementation {

/// Moving-dot stimulus (Fig. 4a): frames over one period of the orbit. The paper says "n frames" without n.
inline constexpr int kMovingDotFrames = 100;
/// Moving-dot frame side, pixels, at which the dot has radius kMovingDotRadius; at another input size the radius
/// scales with the frame (capture::movingDotForInput).
inline constexpr std::int64_t kMovingDotSize = 32;
/// Moving-dot radius, pixels, at kMovingDotSize.
inline constexpr double kMovingDotRadius = 3.0;
/// Orbit radius of the dot as a fraction of the frame side.
inline constexpr double kMovingDotOrbit = 0.3;

/// The toy model of superposition (Fig. 1c, after Elhage et al. 2022): n input features and m hidden dimensions.
/// The paper re-plots Elhage et al.'s data without giving n and m; 20 and 5 are Elhage et al.'s demonstration.
inline constexpr int kToyFeatures = 20;
inline constexpr int kToyHidden = 5;

/// The explained variance of Fig. 6d-e: the paper gives no formula. Codescope's definition (projection/
/// explained_variance.h) in one line, for texts that name it.
inline constexpr const char* kExplainedVarianceDefinition =
    "pooled R^2 of a least-squares read-out (with intercept) of the stimulus pixels from each 3-D random projection";

} // namespace codescope::implementation
