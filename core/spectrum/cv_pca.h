#pragma once
// Cross-validated PCA (Stringer et al. 2019, Nature 571:361, "cvPCA"): principal directions are found on one part of
// the data and their variance is measured on another, so that variance the directions owe to fitting one sample's
// own noise is not counted as signal. Two settings, which remove different biases:
//  - Two repeats of the same stimuli (rows paired, e.g. the same images through a network with dropout active
//    twice): lambda_k = u_k^T C_AB u_k with C_AB the cross-covariance of the repeats. Noise independent between the
//    repeats has zero cross-covariance, so the estimate is unbiased for the stimulus-driven (signal) variance along
//    u_k: the noise floor of an ordinary PCA spectrum is removed. This is Stringer et al.'s method.
//  - Two disjoint halves of one single-pass sample (rows not paired): lambda_k = u_k^T Sigma_B u_k, the held-out
//    variance along the training half's directions. It removes the in-sample bias of PCA eigenvalues (directions
//    fitted to the sample's own fluctuations inflate the leading eigenvalues and deflate the tail into a
//    Marchenko-Pastur bulk), but NOT noise that is independent per sample: such noise of variance sigma^2 adds
//    sigma^2 to every held-out direction, and no single-pass estimate can tell it from signal. Only repeats can.
#include <Eigen/Core>
#include <cstdint>

#include "core/spectrum/sample_gram.h"

namespace codescope::spectrum {

struct CvPcaSpectrum {
    Eigen::VectorXd eigenvalues; ///< cross-validated lambda_k, k = 1..components, in the order of the
                                 ///< training part's eigenvalues (so neither sorted nor necessarily > 0)
    Eigen::VectorXd
        trainingEigenvalues;          ///< ordinary PCA eigenvalues of the training part (n-1 denominator), descending
    std::int64_t trainingSamples = 0; ///< rows of the training part (repeat A or half A)
    std::int64_t testSamples = 0;     ///< rows of the test part (repeat B or half B)
};

/// Stringer et al.'s cvPCA on two repeats. repeatA, repeatB: samples x features, the same shape, row s of both the
/// same stimulus. u_k: the k-th eigenvector of repeat A's covariance; lambda_k = u_k^T C_AB u_k with
/// C_AB = (A - mean A)^T (B - mean B) / (n - 1), i.e. the covariance across stimuli of the two repeats' projections
/// on u_k. Units: the data's squared units (as eigenvalues). Cost O(n f^2 + f^3) time, O(f^2) memory for f features
/// on the covariance side; O(n^2 f + n^3) and O(n^2) on the Gram side (side: see sample_gram.h; Automatic takes the
/// Gram side for fewer samples than features).
/// components: 1 <= components <= min(features, samples - 1). Throws InputError for mismatched shapes, fewer than
/// 2 samples, no features, a bad component count or a non-finite value.
CvPcaSpectrum crossValidatedPcaSpectrum(const Eigen::Ref<const Eigen::MatrixXd>& repeatA,
                                        const Eigen::Ref<const Eigen::MatrixXd>& repeatB, Eigen::Index components,
                                        SpectrumSide side = SpectrumSide::Automatic);

/// Held-out PCA spectrum of two disjoint, unpaired samples of the same distribution: u_k from the covariance of
/// `training` (rows x features), lambda_k = u_k^T Sigma_test u_k with Sigma_test the covariance of `test` (its own
/// mean, n-1 denominator). The row counts may differ; the feature counts must not. Units and cost as
/// crossValidatedPcaSpectrum(). components: 1 <= components <= min(features, training rows - 1); test needs >= 2 rows.
/// Throws InputError as crossValidatedPcaSpectrum().
CvPcaSpectrum heldOutPcaSpectrum(const Eigen::Ref<const Eigen::MatrixXd>& training,
                                 const Eigen::Ref<const Eigen::MatrixXd>& test, Eigen::Index components,
                                 SpectrumSide side = SpectrumSide::Automatic);

/// heldOutPcaSpectrum() of one single-pass sample split into contiguous halves: rows [0, n/2) train, rows
/// [n/2, 2 (n/2)) test (an odd last row is left out). Contiguous rather than interleaved halves, so that
/// neighbouring rows of a time series (the moving-dot stimulus) do not land on both sides. data: samples x features
/// with samples >= 4. Throws InputError as heldOutPcaSpectrum().
CvPcaSpectrum heldOutPcaSpectrum(const Eigen::Ref<const Eigen::MatrixXd>& data, Eigen::Index components,
                                 SpectrumSide side = SpectrumSide::Automatic);

} // namespace codescope::spectrum
