// codescope-bench: the spectrum engine against its floor, in one process and one run, so the ratio is meaningful on
// a shared, noisy machine. The floor is one bare A^T A product of the same float32 matrix (what any PCA must at
// least do); the engine streams the matrix in blocks, accumulates the covariance in double precision, solves the
// eigenproblem and fits alpha.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/data/synthetic_activations.h"
#include "core/io/matrix_source.h"
#include "core/io/npy_matrix_source.h"
#include "core/io/npy_writer.h"
#include "core/spectrum/spectrum_analysis.h"

#include "bench/bench_support.h"

namespace {

using codescope::bench::argument;
using codescope::bench::flag;
using codescope::bench::seconds;

// VmHWM (peak resident set) from /proc; resetPeakResident() restarts it (Linux >= 4.0), so the engine's peak is
// measured apart from the generation of the input.
double peakResidentMiB() {
    std::FILE* status = std::fopen("/proc/self/status", "r");
    if (!status) return 0;
    char line[256];
    double kib = 0;
    while (std::fgets(line, sizeof line, status))
        if (std::strncmp(line, "VmHWM:", 6) == 0) kib = std::strtod(line + 6, nullptr);
    std::fclose(status);
    return kib / 1024.0;
}

void resetPeakResident() {
    if (std::FILE* refs = std::fopen("/proc/self/clear_refs", "w")) {
        std::fputs("5", refs);
        std::fclose(refs);
    }
}

} // namespace

int main(int argc, char** argv) {
    if (flag(argc, argv, "--help")) {
        std::puts("usage: codescope-bench [--samples 20000] [--features 4000] [--repeat 3] [--methods] [--file]\n"
                  "  --repeat   floor and engine runs, alternated; the fastest of each is reported\n"
                  "  --methods  also time both eigensolvers on the same covariance (the Automatic choice's basis)\n"
                  "  --file     also time the engine streaming the matrix from a .npy file in /tmp");
        return 0;
    }
    const long samples = argument(argc, argv, "--samples", 20000);
    const long features = argument(argc, argv, "--features", 4000);
    const long repeats = std::max(1L, argument(argc, argv, "--repeat", 3));
    std::printf("codescope-bench: spectrum of a %ld x %ld float32 matrix (power-law covariance, exponent -1)\n",
                samples, features);
    const Eigen::MatrixXf matrix = codescope::data::powerLawActivations(samples, features, -1.0, 1);
    // Floor and engine alternate, and each keeps its fastest run: on a shared machine the minimum is the time
    // least disturbed by others, and alternating exposes both to the same background.
    codescope::spectrum::SpectrumOptions options;
    options.bootstrapResamples = 0;
    codescope::io::InMemoryMatrixSource<Eigen::MatrixXf> source(matrix, "benchmark matrix");
    codescope::spectrum::SpectrumResult result;
    double floor = 1e300;
    double engine = 1e300;
    double baseMiB = 0;
    double engineMiB = 0;
    for (long run = 0; run < repeats; ++run) {
        Eigen::MatrixXf gram;
        floor = std::min(floor, seconds([&] { gram.noalias() = matrix.transpose() * matrix; }));
        gram.resize(0, 0);
        resetPeakResident();
        baseMiB = peakResidentMiB();
        codescope::spectrum::SpectrumResult current;
        const double t = seconds([&] { current = codescope::spectrum::analyzeSpectrum(source, options); });
        engineMiB = peakResidentMiB();
        if (t < engine) {
            engine = t;
            result = current;
        }
    }

    std::printf("\n  %-52s %10s %8s\n", "what", "seconds", "ratio");
    std::printf("  (fastest of %ld alternated runs each)\n", repeats);
    std::printf("  %-52s %10.3f %8.2f\n", "floor: one A^T A product (float32, BLAS)", floor, 1.0);
    std::printf("  %-52s %10.3f %8.2f\n", "engine: spectrum + alpha, no bootstrap", engine, engine / floor);
    std::printf("    of which covariance %.3f s, eigensolver %.3f s\n", result.covarianceSeconds, result.eigenSeconds);
    std::printf("    eigensolver used: %s; %lld components; alpha %.4f\n",
                result.eigenMethod == codescope::spectrum::EigenMethod::Subspace ? "subspace" : "dense",
                static_cast<long long>(result.components), result.alpha);

    if (flag(argc, argv, "--file")) {
        const std::string path = "/tmp/codescope-bench.npy";
        codescope::io::writeNpy(path, matrix.cast<double>(), codescope::io::NpyDtype::Float32);
        codescope::io::NpyMatrixSource fileSource(path);
        const double fromFile = seconds([&] { codescope::spectrum::analyzeSpectrum(fileSource, options); });
        std::remove(path.c_str());
        std::printf("  %-52s %10.3f %8.2f\n", "engine streaming the same matrix from a .npy file", fromFile,
                    fromFile / floor);
    }

    if (flag(argc, argv, "--methods")) {
        for (auto method : {codescope::spectrum::EigenMethod::Dense, codescope::spectrum::EigenMethod::Subspace}) {
            options.eigenMethod = method;
            const double t = seconds([&] { codescope::spectrum::analyzeSpectrum(source, options); });
            std::printf("  %-52s %10.3f %8.2f\n",
                        method == codescope::spectrum::EigenMethod::Dense ? "engine forced to the dense eigensolver"
                                                                          : "engine forced to subspace iteration",
                        t, t / floor);
        }
    }

    std::printf("\n  peak resident memory: %.0f MiB holding the input matrix, %.0f MiB at the engine's peak\n"
                "  (engine's own peak: %.0f MiB; one covariance of %ld^2 doubles is %.0f MiB)\n",
                baseMiB, engineMiB, engineMiB - baseMiB, features,
                static_cast<double>(features) * features * 8 / (1 << 20));
    return 0;
}
