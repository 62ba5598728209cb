// codescope-projection-bench: random projections of one layer (action, Fig. 4c; explained variance, Fig. 6d) against
// their floor, in one process and one run so the ratio is meaningful on a shared, noisy machine. The floor is one
// bare product of the same size as the projections' (n x m times m x 3K, float32 BLAS): drawing the K random
// matrices, the actions and K least-squares read-outs of the stimulus all come on top of it.
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

#include "core/data/moving_dot.h"
#include "core/projection/explained_variance.h"
#include "core/projection/random_projection.h"

#include "bench/bench_support.h"

using codescope::bench::argument;
using codescope::bench::flag;
using codescope::bench::seconds;

int main(int argc, char** argv) {
    namespace projection = codescope::projection;
    if (flag(argc, argv, "--help")) {
        std::puts("usage: codescope-projection-bench [--frames 100] [--units 8000] [--projections 1000] [--repeat 3]\n"
                  "  a layer of --units ReLU units responding to the 32 x 32 moving dot (--frames frames);\n"
                  "  --repeat  floor and engine runs, alternated; the fastest of each is reported");
        return 0;
    }
    const long frames = argument(argc, argv, "--frames", 100);
    const long units = argument(argc, argv, "--units", 8000);
    const long projections = argument(argc, argv, "--projections", 1000);
    const long repeats = std::max(1L, argument(argc, argv, "--repeat", 3));

    // The stimulus (Fig. 4a) and a layer responding to it: ReLU of random features of the frames, float32.
    codescope::data::MovingDotOptions dotOptions;
    dotOptions.frames = static_cast<int>(frames);
    const codescope::data::MovingDotStimulus dot = codescope::data::movingDot(dotOptions);
    const Eigen::Index pixels = dot.frames.imageSize();
    const Eigen::MatrixXf stimulusF =
        Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            dot.frames.pixels.data(), frames, pixels);
    const Eigen::MatrixXd stimulus = stimulusF.cast<double>();
    Eigen::MatrixXd latent(frames, 2);
    for (long t = 0; t < frames; ++t)
        latent.row(t) << dot.cosT[static_cast<std::size_t>(t)], dot.sinT[static_cast<std::size_t>(t)];
    std::mt19937_64 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f / std::sqrt(static_cast<float>(pixels)));
    Eigen::MatrixXf features(pixels, units);
    for (Eigen::Index i = 0; i < features.size(); ++i)
        features.data()[i] = normal(rng);
    const Eigen::MatrixXf layer = (stimulusF * features).array().max(0.0f).matrix();

    std::printf("codescope-projection-bench: %ld random projections (r in R^{m x 3}) of a %ld x %ld float32 layer,\n"
                "  action and explained variance of the %ld x 32 x 32 moving dot (%lld pixels) and its latent\n",
                projections, frames, units, frames, static_cast<long long>(pixels));

    projection::RandomProjectionOptions options;
    options.projections = static_cast<int>(projections);
    const Eigen::MatrixXf random = projection::randomProjectionMatrix(units, options); // the floor's right factor
    projection::RandomProjectionOptions explicitR = options;
    explicitR.method = projection::ProjectionMethod::Explicit;
    double floor = 1e300, engine = 1e300, projectSeconds = 0, readoutSeconds = 0, oneProductSeconds = 1e300;
    projection::RandomProjectionResult result;
    projection::ExplainedVarianceResult explained;
    for (long run = 0; run < repeats; ++run) {
        Eigen::MatrixXf product(frames, random.cols());
        floor = std::min(floor, seconds([&] { product.noalias() = layer * random; }));
        projection::RandomProjectionResult current;
        projection::ExplainedVarianceResult currentExplained;
        const double project = seconds([&] { current = projection::randomProjectionAction(layer, options); });
        const double readout =
            seconds([&] { currentExplained = projection::explainedVariance(current, stimulus, latent); });
        if (project + readout < engine) {
            engine = project + readout;
            projectSeconds = project;
            readoutSeconds = readout;
            result = std::move(current);
            explained = std::move(currentExplained);
        }
        oneProductSeconds =
            std::min(oneProductSeconds, seconds([&] { projection::randomProjectionAction(layer, explicitR); }));
    }

    std::printf("\n  %-60s %10s %8s\n", "what", "seconds", "ratio");
    std::printf("  (fastest of %ld alternated runs each)\n", repeats);
    char floorLabel[96];
    std::snprintf(floorLabel, sizeof floorLabel, "floor: one bare product, %ldx%ld times %ldx%lld (sgemm)", frames,
                  units, units, static_cast<long long>(random.cols()));
    std::printf("  %-60s %10.3f %8.2f\n", floorLabel, floor, 1.0);
    std::printf("  %-60s %10.3f %8.2f\n", "engine: projections + actions + explained variance", engine, engine / floor);
    std::printf("    %-58s %10.3f %8.2f\n", "curves drawn in A's row space (n x n root of A A^T), actions",
                projectSeconds, projectSeconds / floor);
    std::printf("    %-58s %10.3f %8.2f\n", "explained variance, stimulus pixels and latent", readoutSeconds,
                readoutSeconds / floor);
    std::printf("  %-60s %10.3f %8.2f\n", "for comparison: draw every r (m x 3), products A r, actions",
                oneProductSeconds, oneProductSeconds / floor);
    std::printf("  target: ratio <= 3\n\n");
    std::printf("  action            mean %.6g, sd %.6g, expected over r %.6g (mean/expected %.4f)\n",
                result.meanAction, result.sdAction, result.expectedAction, result.meanAction / result.expectedAction);
    std::printf("  average activation %.6g\n", result.averageActivation);
    std::printf("  explained variance stimulus %.4f +- %.4f (%lld constant pixels excluded), latent %.4f +- %.4f\n",
                explained.meanStimulusR2, explained.sdStimulusR2,
                static_cast<long long>(explained.constantStimulusColumns), explained.meanLatentR2,
                explained.sdLatentR2);
    return 0;
}
