#pragma once
// Bootstrap over samples for the power-law exponent, without re-reading the data for every resample.
#include <Eigen/Core>
#include <cstdint>

#include "core/common/job_control.h"
#include "core/spectrum/huber_regression.h"

namespace codescope::spectrum {

struct BootstrapInterval {
    double lo = 0;   ///< 2.5th percentile
    double hi = 0;   ///< 97.5th percentile
    int resamples = 0;
};

/// 95% percentile interval of alpha over `resamples` bootstrap resamples of the rows of `scores`.
/// scores: samples x K, the data projected on the K leading eigenvectors of the full-sample covariance
/// (K comfortably above fitHi). A resample's covariance is then the K x K weighted covariance of the scores, whose
/// eigenvalues approximate the resample's leading eigenvalues (Rayleigh-Ritz on the full-sample subspace), so one
/// pass over the data serves every resample. fitLo/fitHi: 1-based inclusive range as in powerLawExponent().
/// Deterministic for a given seed. Throws Cancelled if cancel is set.
BootstrapInterval bootstrapPowerLawInterval(const Eigen::Ref<const Eigen::MatrixXf>& scores, int resamples,
                                            std::uint64_t seed, int fitLo, int fitHi, const HuberOptions& huber = {},
                                            const ProgressCallback& progress = {},
                                            const CancelToken* cancel = nullptr);

} // namespace codescope::spectrum
