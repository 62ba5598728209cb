#pragma once
// How step-like an eigenspectrum is (paper Fig. 5): the largest sudden fall of the eigenvalues beyond what the
// layer's own power law predicts. A pure power law has none; a redundant code (a few large eigenvalues, then a drop:
// the step function of Fig. 3a) has a large one.
#include "core/spectrum/spectrum_analysis.h"

namespace codescope::claims {

/// The fall is measured over this many consecutive components: the paper notes its steps are "not a sharp step
/// function", so a drop spread over a few components counts as one step.
inline constexpr int kStepWindow = 3;
/// Only the leading components are searched (at most this many, and at most half the spectrum): a covariance's last
/// eigenvalues fall steeply toward its rank whatever the code, and the paper's steps are in the leading part.
inline constexpr int kStepMaxComponent = 100;
/// A spectrum is step-like when its step exceeds half a decade (a factor of 3.2 that the power law does not
/// predict). The paper gives no number; sampling noise of a leading eigenvalue at the Methods' 1000 images is about
/// sqrt(2/n) = 4.5% (0.02 decade), so half a decade is a departure from the power law, not noise. Because a first
/// component well above the line is common at every dropout, the Fig. 5 check also compares the two extremes of
/// dropout rather than asking for a step alone.
inline constexpr double kStepLikeDecades = 0.5;

struct SpectrumStep {
    double decades = 0; ///< the largest fall, in decades (log10 units); NaN when the spectrum cannot tell
    int component = 0;  ///< 1-based component k where it starts (the fall is from lambda_k to lambda_{k+window})
};

/// max over k of log10(lambda_k / lambda_{k+w}) + alpha log10((k+w)/k), w = kStepWindow, for k + w <= min(
/// kStepMaxComponent, components / 2) and lambda_{k+w} > 1e-12 lambda_1 (above that, rounding): the fall from
/// component k to k + w less the fall of the fitted power law lambda ~ k^alpha over the same components. NaN without
/// an exponent (r.fitted() false) or with fewer than w + 1 usable components.
SpectrumStep largestSpectrumStep(const spectrum::SpectrumResult& r);

} // namespace codescope::claims
