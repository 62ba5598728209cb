// The spectrum engine against scikit-learn's numbers (PCA randomized solver + HuberRegressor, exactly the paper's
// Methods) for matrices with a known power-law covariance: tests/data/spectrum_reference/, written once by
// tests/data/make_spectrum_reference.py (float32 and float64, C and Fortran order, a stride above 1). A missing file
// fails. CODESCOPE_REFERENCE_DIR may point at another set in the same layout.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/io/npy_matrix_source.h"
#include "core/spectrum/spectrum_analysis.h"

namespace {

std::string referenceDir() {
    const char* overridden = std::getenv("CODESCOPE_REFERENCE_DIR");
    return overridden ? overridden : CODESCOPE_TEST_DATA_DIR "/spectrum_reference";
}

nlohmann::json loadReference() {
    std::ifstream in(referenceDir() + "/reference.json");
    if (!in) ADD_FAILURE() << "missing " << referenceDir() << "/reference.json";
    return in ? nlohmann::json::parse(in) : nlohmann::json::object();
}

TEST(SpectrumReference, MatchesScikitLearnOnEveryReferenceMatrix) {
    const nlohmann::json reference = loadReference();
    ASSERT_GE(reference.size(), 2u);
    // Both sides of the engine: the covariance (the reference matrices have more samples than features, so the
    // automatic choice), with double and with float32 products, and the Gram matrix of the rows, forced.
    struct Engine {
        codescope::spectrum::SpectrumSide side;
        bool singlePrecisionProducts;
        const char* name;
    };
    for (const Engine& engine : {Engine{codescope::spectrum::SpectrumSide::Covariance, false, " (covariance side)"},
                                 Engine{codescope::spectrum::SpectrumSide::Covariance, true, " (float32 products)"},
                                 Engine{codescope::spectrum::SpectrumSide::Gram, false, " (Gram side)"}}) {
        for (const auto& [stem, expected] : reference.items()) {
            SCOPED_TRACE(stem + engine.name);
            codescope::io::NpyMatrixSource source(referenceDir() + "/" + stem + ".npy");
            codescope::spectrum::SpectrumOptions options;
            options.side = engine.side;
            options.singlePrecisionProducts = engine.singlePrecisionProducts;
            options.bootstrapResamples = 0;
            // A stride above 1 at the paper's limit of 8000 needs a matrix too big to commit, so that case lowers it.
            options.maxFeatures = expected.value("max_features", options.maxFeatures);
            const auto result = codescope::spectrum::analyzeSpectrum(source, options);
            EXPECT_EQ(result.samples, expected["n_samples"].get<std::int64_t>());
            EXPECT_EQ(result.features, expected["n_features"].get<std::int64_t>());
            EXPECT_EQ(result.stride, expected["stride"].get<std::int64_t>());
            EXPECT_EQ(result.featuresUsed, expected["n_features_used"].get<std::int64_t>());
            EXPECT_EQ(result.components, expected["n_components"].get<std::int64_t>());
            EXPECT_EQ(result.float32Products, engine.singlePrecisionProducts) << "the result says how it was made";
            EXPECT_NEAR(result.alpha, expected["alpha"].get<double>(), 0.005);
            EXPECT_NEAR(result.intercept, expected["intercept"].get<double>(), 0.01);
            const auto eigenvalues = expected["eigenvalues_head"].get<std::vector<double>>();
            const auto ratios = expected["explained_variance_ratio_head"].get<std::vector<double>>();
            for (std::size_t k = 0; k < 50; ++k) {
                EXPECT_NEAR(result.eigenvalues[k], eigenvalues[k], 0.005 * eigenvalues[k]) << "component " << k + 1;
                EXPECT_NEAR(result.explainedVarianceRatio[k], ratios[k], 0.005 * ratios[k]) << "component " << k + 1;
            }
        }
    }
}

TEST(SpectrumReference, BootstrapIntervalBracketsTheEstimate) {
    codescope::io::NpyMatrixSource source(referenceDir() + "/powerlaw_a0.9.npy");
    codescope::spectrum::SpectrumOptions options;
    options.bootstrapResamples = 60;
    options.seed = 7;
    const auto result = codescope::spectrum::analyzeSpectrum(source, options);
    EXPECT_LT(result.alphaCiLo, result.alpha);
    EXPECT_GT(result.alphaCiHi, result.alpha);
    // 2000 samples pin alpha down to a few hundredths (this interval is about 0.04 wide); a much wider one means the
    // resampling is wrong.
    EXPECT_LT(result.alphaCiHi - result.alphaCiLo, 0.1);
    const auto again = codescope::spectrum::analyzeSpectrum(source, options);
    EXPECT_EQ(again.alphaCiLo, result.alphaCiLo) << "the same seed must give the same interval";
}

} // namespace
