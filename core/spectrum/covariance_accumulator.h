#pragma once
// Streaming mean and covariance of a data matrix seen one block of rows at a time (Methods: PCA of a layer's
// activations). Memory is O(features^2) whatever the number of samples.
#include <Eigen/Core>
#include <cstdint>

namespace codescope::spectrum {

class CovarianceAccumulator {
public:
    /// How a block's scatter is multiplied out. Double: in float64 (the default; exact to rounding). Single: the
    /// centred block is rounded to float32 and multiplied by float32 syrk (twice the speed), the block's scatter
    /// then added to the float64 total; the block is centred first, so nothing cancels, and on power-law spectra the
    /// eigenvalues move by ~1e-8 relative (codescope-bench --single). Costs a float32 features^2 workspace.
    enum class Products { Double, Single };

    /// features: number of columns every block will have (> 0).
    explicit CovarianceAccumulator(Eigen::Index features, Products products = Products::Double);

    /// Adds a block of samples (rows x features, any number of rows). Blocks are merged with Chan et al.'s
    /// pairwise update (block mean, centred block scatter, then a rank-one correction for the mean shift), which
    /// stays accurate when the mean is large compared with the spread, unlike a raw sum of squares.
    /// Throws std::invalid_argument if block.cols() != features().
    void add(const Eigen::Ref<const Eigen::MatrixXd>& block);

    /// Merges another accumulator over the same features (samples of both are pooled).
    void merge(const CovarianceAccumulator& other);

    Eigen::Index features() const { return m_mean.size(); }
    std::int64_t samples() const { return m_count; }
    const Eigen::VectorXd& mean() const { return m_mean; }
    /// Sum of (x - mean)(x - mean)^T over the samples (features x features); only the lower triangle is valid.
    const Eigen::MatrixXd& scatter() const { return m_scatter; }
    /// How blocks are multiplied out (the constructor's choice).
    Products products() const { return m_products; }
    /// Replaces the state with pooled moments computed elsewhere (samples, their mean, their scatter's lower
    /// triangle): how statistics merged across processes come back (distributed/statistics_merge.h).
    /// Throws std::invalid_argument for sizes other than features().
    void setMoments(std::int64_t samples, const Eigen::VectorXd& mean, const Eigen::MatrixXd& scatter);

    /// Sample covariance (features x features, n-1 denominator, full symmetric matrix).
    /// Throws std::logic_error if fewer than 2 samples were added.
    Eigen::MatrixXd covariance() const;

private:
    std::int64_t m_count = 0;
    Eigen::VectorXd m_mean;
    Eigen::MatrixXd m_scatter; // sum of (x - mean)(x - mean)^T; only the lower triangle is kept up to date
    Eigen::MatrixXd m_centred; // workspace: the current block minus its mean (double: and the mean correction)
    Products m_products = Products::Double;
    Eigen::MatrixXf m_centredSingle; // Single only: the centred block in float32 and its scatter
    Eigen::MatrixXf m_scatterSingle;
};

} // namespace codescope::spectrum
