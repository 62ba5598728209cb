#include "core/spectrum/cv_pca.h"

#include <algorithm>
#include <string>

#include "core/common/input_error.h"
#include "core/spectrum/symmetric_eigensolver.h"

namespace codescope::spectrum {

namespace {

void requireFinite(const Eigen::Ref<const Eigen::MatrixXd>& data, const std::string& name) {
    if (!data.allFinite()) throw InputError("cvPCA: the " + name + " contains a value that is not a finite number");
}

void validate(const Eigen::Ref<const Eigen::MatrixXd>& training, const Eigen::Ref<const Eigen::MatrixXd>& test,
              Eigen::Index components, const std::string& trainingName, const std::string& testName) {
    if (training.cols() < 1 || training.cols() != test.cols())
        throw InputError("cvPCA: the " + trainingName + " has " + std::to_string(training.cols()) +
                         " features and the " + testName + " " + std::to_string(test.cols()) +
                         " (need the same number, at least 1)");
    if (training.rows() < 2 || test.rows() < 2)
        throw InputError("cvPCA: the " + trainingName + " and the " + testName + " need at least 2 samples each, got " +
                         std::to_string(training.rows()) + " and " + std::to_string(test.rows()));
    const Eigen::Index limit = std::min(training.cols(), training.rows() - 1);
    if (components < 1 || components > limit)
        throw InputError("cvPCA: " + std::to_string(components) + " components requested, the " + trainingName +
                         " supports 1 to " + std::to_string(limit) + " (min(features, samples - 1))");
    requireFinite(training, trainingName);
    requireFinite(test, testName);
}

Eigen::MatrixXd centred(const Eigen::Ref<const Eigen::MatrixXd>& data) {
    return data.rowwise() - data.colwise().mean();
}

// The training part's leading eigenpairs, and both parts centred and projected on the eigenvectors (samples x k):
// the cross-validated spectrum is a per-column (co)variance of these projections, which never forms C_AB itself.
struct Projections {
    Eigen::VectorXd trainingEigenvalues;
    Eigen::MatrixXd training;
    Eigen::MatrixXd test;
};

Projections project(const Eigen::Ref<const Eigen::MatrixXd>& training, const Eigen::Ref<const Eigen::MatrixXd>& test,
                    Eigen::Index components, SpectrumSide side) {
    const Eigen::MatrixXd trainingCentred = centred(training);
    const EigenPairs pairs = principalAxes(trainingCentred, components, side);
    return {pairs.values, trainingCentred * pairs.vectors, centred(test) * pairs.vectors};
}

CvPcaSpectrum spectrumOf(const Projections& projections, const Eigen::MatrixXd& testPartner, Eigen::Index samples,
                         Eigen::Index trainingRows, Eigen::Index testRows) {
    CvPcaSpectrum result;
    result.eigenvalues =
        (testPartner.array() * projections.test.array()).colwise().sum().transpose() / static_cast<double>(samples - 1);
    result.trainingEigenvalues = projections.trainingEigenvalues;
    result.trainingSamples = trainingRows;
    result.testSamples = testRows;
    return result;
}

} // namespace

CvPcaSpectrum crossValidatedPcaSpectrum(const Eigen::Ref<const Eigen::MatrixXd>& repeatA,
                                        const Eigen::Ref<const Eigen::MatrixXd>& repeatB, Eigen::Index components,
                                        SpectrumSide side) {
    if (repeatA.rows() != repeatB.rows())
        throw InputError("cvPCA: the repeats must pair their rows (the same stimuli), got " +
                         std::to_string(repeatA.rows()) + " and " + std::to_string(repeatB.rows()) + " samples");
    validate(repeatA, repeatB, components, "first repeat", "second repeat");
    const Projections projections = project(repeatA, repeatB, components, side);
    // u^T C_AB u = sum_s (a_s . u)(b_s . u) / (n - 1) over paired stimuli s.
    return spectrumOf(projections, projections.training, repeatA.rows(), repeatA.rows(), repeatB.rows());
}

CvPcaSpectrum heldOutPcaSpectrum(const Eigen::Ref<const Eigen::MatrixXd>& training,
                                 const Eigen::Ref<const Eigen::MatrixXd>& test, Eigen::Index components,
                                 SpectrumSide side) {
    validate(training, test, components, "training half", "test half");
    const Projections projections = project(training, test, components, side);
    // u^T Sigma_test u = sum_s (b_s . u)^2 / (n_test - 1).
    return spectrumOf(projections, projections.test, test.rows(), training.rows(), test.rows());
}

CvPcaSpectrum heldOutPcaSpectrum(const Eigen::Ref<const Eigen::MatrixXd>& data, Eigen::Index components,
                                 SpectrumSide side) {
    if (data.rows() < 4)
        throw InputError("cvPCA: splitting into halves needs at least 4 samples, got " + std::to_string(data.rows()));
    const Eigen::Index half = data.rows() / 2;
    return heldOutPcaSpectrum(data.topRows(half), data.middleRows(half, half), components, side);
}

} // namespace codescope::spectrum
