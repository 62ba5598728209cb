// The same matrix stored four ways (.npy float32/float64, C/Fortran order) must give the same spectrum, and the
// same as the matrix in memory: the reader's layout handling cannot leak into the numbers.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "core/data/synthetic_activations.h"
#include "core/io/matrix_source.h"
#include "core/io/npy_matrix_source.h"
#include "core/io/npy_writer.h"
#include "core/spectrum/spectrum_analysis.h"

using namespace codescope;

TEST(SpectrumNpyOrders, EveryDtypeAndOrderGivesTheInMemoryResult) {
    // Values exactly representable in float32, so both dtypes hold the same matrix.
    const Eigen::MatrixXd matrix = data::powerLawActivations(900, 130, -1.3, 17).cast<double>();
    spectrum::SpectrumOptions options;
    options.bootstrapResamples = 0;
    options.maxFeatures = 100; // stride 2: 65 kept features
    options.blockBytes = 8 * 130 * 64;
    io::InMemoryMatrixSource<Eigen::MatrixXd> memory(matrix, "memory");
    const auto expected = spectrum::analyzeSpectrum(memory, options);
    ASSERT_EQ(expected.stride, 2);

    const std::string dir = ::testing::TempDir();
    for (auto dtype : {io::NpyDtype::Float32, io::NpyDtype::Float64}) {
        for (bool fortran : {false, true}) {
            const std::string path =
                dir + "/orders_" + std::to_string(static_cast<int>(dtype)) + "_" + std::to_string(fortran) + ".npy";
            io::writeNpy(path, matrix, dtype, fortran);
            io::NpyMatrixSource file(path);
            const auto got = spectrum::analyzeSpectrum(file, options);
            SCOPED_TRACE(path);
            EXPECT_EQ(got.featuresUsed, 65);
            EXPECT_LT((got.eigenvalues - expected.eigenvalues).cwiseAbs().maxCoeff(), 1e-12 * expected.eigenvalues[0]);
            EXPECT_NEAR(got.alpha, expected.alpha, 1e-10);
            std::remove(path.c_str());
        }
    }
}
