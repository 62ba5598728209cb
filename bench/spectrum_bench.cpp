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

#include <Eigen/Core>

#include "core/data/synthetic_activations.h"
#include "core/io/matrix_source.h"
#include "core/io/npy_matrix_source.h"
#include "core/io/npy_writer.h"
#include "core/spectrum/alpha_estimators.h"
#include "core/spectrum/covariance_accumulator.h"
#include "core/spectrum/lapack_kernels.h"
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

// Leading eigenvalues of a covariance (a copy: LAPACK overwrites it), descending.
Eigen::VectorXd leadingEigenvalues(const Eigen::MatrixXd& covariance, codescope::spectrum::lapack::Reduction reduction,
                                   Eigen::Index k, double& secondsTaken) {
    Eigen::MatrixXd work = covariance;
    Eigen::VectorXd ascending;
    secondsTaken = seconds([&] { codescope::spectrum::lapack::allEigenvaluesAscending(work, ascending, reduction); });
    return ascending.tail(k).reverse();
}

} // namespace

int main(int argc, char** argv) {
    if (flag(argc, argv, "--help")) {
        std::puts(
            "usage: codescope-bench [--samples 20000] [--features 4000] [--repeat 3] [--methods] [--single]\n"
            "                       [--file] [--sklearn]\n"
            "  --repeat   floor and engine runs, alternated; the fastest of each is reported\n"
            "  --methods  also time both eigensolvers on the same covariance (the Automatic choice's basis), and\n"
            "             LAPACK's one- and two-stage reductions for eigenvalues only at several orders\n"
            "  --single   also the covariance by float32 syrk per block (accumulated in double) against the\n"
            "             engine's double one: time, and the difference it makes to the eigenvalues and alpha\n"
            "  --file     also time the engine streaming the matrix from a .npy file in /tmp\n"
            "  --sklearn  also scikit-learn's PCA(svd_solver='randomized') + HuberRegressor on the same matrix\n"
            "             (bench/sklearn_pca_bench.py run by /usr/bin/python3; skipped if that fails)");
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
    double engineSingle = 1e300;
    codescope::spectrum::SpectrumResult resultSingle;
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
        codescope::spectrum::SpectrumOptions single = options;
        single.singlePrecisionProducts = true;
        codescope::spectrum::SpectrumResult currentSingle;
        const double ts = seconds([&] { currentSingle = codescope::spectrum::analyzeSpectrum(source, single); });
        if (ts < engineSingle) {
            engineSingle = ts;
            resultSingle = currentSingle;
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
    std::printf("  %-52s %10.3f %8.2f\n", "engine with float32 products (singlePrecisionProducts)", engineSingle,
                engineSingle / floor);
    std::printf("    of which covariance %.3f s, eigensolver %.3f s; alpha %.6f (double products: %.6f)\n",
                resultSingle.covarianceSeconds, resultSingle.eigenSeconds, resultSingle.alpha, result.alpha);

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
        codescope::spectrum::CovarianceAccumulator accumulator(matrix.cols());
        accumulator.add(matrix.cast<double>());
        const Eigen::MatrixXd covariance = accumulator.covariance();
        std::printf("\n  eigenvalues only, LAPACK one-stage dsyevd vs two-stage dsyevd_2stage%s:\n",
                    codescope::spectrum::lapack::twoStageAvailable() ? "" : " (NOT in this LAPACK: both one-stage)");
        for (const Eigen::Index order :
             {Eigen::Index{250}, Eigen::Index{500}, Eigen::Index{1000}, Eigen::Index{2000}, covariance.rows()}) {
            if (order > covariance.rows()) continue;
            const Eigen::MatrixXd part = covariance.topLeftCorner(order, order);
            double one = 0, two = 0;
            const auto k = std::min<Eigen::Index>(order, 1000);
            const Eigen::VectorXd a =
                leadingEigenvalues(part, codescope::spectrum::lapack::Reduction::OneStage, k, one);
            const Eigen::VectorXd b =
                leadingEigenvalues(part, codescope::spectrum::lapack::Reduction::TwoStage, k, two);
            std::printf("    order %5ld: one-stage %7.3f s, two-stage %7.3f s (%.2fx); largest difference %.1e of "
                        "lambda_1\n",
                        static_cast<long>(order), one, two, one / two, (a - b).cwiseAbs().maxCoeff() / a[0]);
        }

        for (auto method : {codescope::spectrum::EigenMethod::Dense, codescope::spectrum::EigenMethod::Subspace}) {
            options.eigenMethod = method;
            const double t = seconds([&] { codescope::spectrum::analyzeSpectrum(source, options); });
            std::printf("  %-52s %10.3f %8.2f\n",
                        method == codescope::spectrum::EigenMethod::Dense ? "engine forced to the dense eigensolver"
                                                                          : "engine forced to subspace iteration",
                        t, t / floor);
        }
    }

    if (flag(argc, argv, "--single")) {
        const Eigen::Index blockRows = std::max<Eigen::Index>(1, (64 << 20) / (8 * features));
        Eigen::MatrixXd single;
        Eigen::MatrixXd dual;
        auto covarianceBy = [&](codescope::spectrum::CovarianceAccumulator::Products products, Eigen::MatrixXd& out) {
            return seconds([&] {
                codescope::spectrum::CovarianceAccumulator accumulator(matrix.cols(), products);
                for (Eigen::Index first = 0; first < matrix.rows(); first += blockRows)
                    accumulator.add(
                        matrix.middleRows(first, std::min(blockRows, matrix.rows() - first)).cast<double>());
                out = accumulator.covariance();
            });
        };
        const double singleSeconds = covarianceBy(codescope::spectrum::CovarianceAccumulator::Products::Single, single);
        const double doubleSeconds = covarianceBy(codescope::spectrum::CovarianceAccumulator::Products::Double, dual);
        double unused = 0;
        const Eigen::VectorXd a =
            leadingEigenvalues(dual, codescope::spectrum::lapack::Reduction::Automatic, 1000, unused);
        const Eigen::VectorXd b =
            leadingEigenvalues(single, codescope::spectrum::lapack::Reduction::Automatic, 1000, unused);
        const auto alphaA = codescope::spectrum::fitAlpha(a, options.fitLo, options.fitHi, options.estimator).alpha;
        const auto alphaB = codescope::spectrum::fitAlpha(b, options.fitLo, options.fitHi, options.estimator).alpha;
        std::printf("\n  covariance by float32 ssyrk per block, accumulated in double:\n"
                    "    %.3f s against %.3f s in double (%.2fx); leading 50 eigenvalues within %.1e relative,\n"
                    "    components 51-1000 within %.1e relative; alpha %.6f against %.6f\n",
                    singleSeconds, doubleSeconds, doubleSeconds / singleSeconds,
                    ((a.head(50) - b.head(50)).array() / a.head(50).array()).abs().maxCoeff(),
                    ((a.tail(950) - b.tail(950)).array() / a.tail(950).array()).abs().maxCoeff(), alphaB, alphaA);
    }

    if (flag(argc, argv, "--sklearn")) {
        const std::string path = "/tmp/codescope-bench-sklearn.npy";
        codescope::io::writeNpy(path, matrix.cast<double>(), codescope::io::NpyDtype::Float32);
        const std::string command =
            "/usr/bin/python3 " CODESCOPE_BENCH_DIR "/sklearn_pca_bench.py " + path + " " + std::to_string(floor);
        if (std::system(command.c_str()) != 0) std::puts("  (scikit-learn comparison skipped: the script failed)");
        std::remove(path.c_str());
    }

    std::printf("\n  peak resident memory: %.0f MiB holding the input matrix, %.0f MiB at the engine's peak\n"
                "  (engine's own peak: %.0f MiB; one covariance of %ld^2 doubles is %.0f MiB)\n",
                baseMiB, engineMiB, engineMiB - baseMiB, features,
                static_cast<double>(features) * features * 8 / (1 << 20));
    return 0;
}
