#include "core/spectrum/lapack_kernels.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
void dsyevr_(const char* jobz, const char* range, const char* uplo, const int* n, double* a, const int* lda,
             const double* vl, const double* vu, const int* il, const int* iu, const double* abstol, int* m, double* w,
             double* z, const int* ldz, int* isuppz, double* work, const int* lwork, int* iwork, const int* liwork,
             int* info);
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w, double* work,
             const int* lwork, int* iwork, const int* liwork, int* info);
// LAPACK >= 3.7 (Debian 12's OpenBLAS 0.3.21 carries 3.11). Weak, so that a LAPACK without it links and leaves the
// pointer null: the one-stage dsyevd then serves.
void dsyevd_2stage_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
                    double* work, const int* lwork, int* iwork, const int* liwork, int* info) __attribute__((weak));
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work, const int* lwork,
             int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau, double* work,
             const int* lwork, int* info);
}

namespace codescope::spectrum::lapack {

namespace {
int toInt(Eigen::Index value) {
    if (value > 2147483647) throw std::runtime_error("matrix too large for 32-bit LAPACK");
    return static_cast<int>(value);
}
void check(int info, const char* routine) {
    if (info != 0) throw std::runtime_error(std::string(routine) + " failed with info " + std::to_string(info));
}
} // namespace

namespace {

// Eigenvalues only: dsyevd's QR-free path (tridiagonalise, then dsterf for all eigenvalues) is cheaper than
// dsyevr's bisection for a selected range once k is more than a few dozen. The two-stage variant reduces to a band
// first (BLAS-3, most of the flops in dgemm) and then the band to tridiagonal, where the one-stage reduction spends
// half its flops in memory-bound dsymv: see lapack_kernels.h for the measurement.
using SyevdRoutine = void (*)(const char*, const char*, const int*, double*, const int*, double*, double*, const int*,
                              int*, const int*, int*);

void eigenvaluesBy(SyevdRoutine routine, const char* name, Eigen::MatrixXd& symmetric, Eigen::VectorXd& ascending) {
    const int n = toInt(symmetric.rows());
    ascending.resize(n);
    int info = 0;
    int lwork = -1;
    int liwork = -1;
    double workQuery = 0.0;
    int iworkQuery = 0;
    routine("N", "L", &n, symmetric.data(), &n, ascending.data(), &workQuery, &lwork, &iworkQuery, &liwork, &info);
    check(info, name);
    lwork = std::max(static_cast<int>(workQuery), 1);
    liwork = std::max(iworkQuery, 1);
    std::vector<double> work(static_cast<std::size_t>(lwork));
    std::vector<int> iwork(static_cast<std::size_t>(liwork));
    routine("N", "L", &n, symmetric.data(), &n, ascending.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
    check(info, name);
}

// The top `wanted` eigenpairs by dsyevr (MRRR): eigenvectors are computed for the requested range only.
void topEigenpairsAscending(Eigen::MatrixXd& symmetric, int wanted, Eigen::VectorXd& ascending, Eigen::MatrixXd& z) {
    const int n = toInt(symmetric.rows());
    const int il = n - wanted + 1;
    const int iu = n;
    const double unused = 0.0;
    const double abstol = 0.0; // LAPACK's default: full accuracy
    int found = 0;
    int info = 0;
    ascending.resize(n);
    z.resize(n, wanted);
    std::vector<int> support(2 * static_cast<std::size_t>(wanted));
    double workQuery = 0.0;
    int iworkQuery = 0;
    int lwork = -1;
    int liwork = -1;
    dsyevr_("V", "I", "L", &n, symmetric.data(), &n, &unused, &unused, &il, &iu, &abstol, &found, ascending.data(),
            z.data(), &n, support.data(), &workQuery, &lwork, &iworkQuery, &liwork, &info);
    check(info, "dsyevr (workspace query)");
    lwork = static_cast<int>(workQuery);
    liwork = iworkQuery;
    std::vector<double> work(static_cast<std::size_t>(lwork));
    std::vector<int> iwork(static_cast<std::size_t>(liwork));
    dsyevr_("V", "I", "L", &n, symmetric.data(), &n, &unused, &unused, &il, &iu, &abstol, &found, ascending.data(),
            z.data(), &n, support.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
    check(info, "dsyevr");
    if (found != wanted) throw std::runtime_error("dsyevr returned fewer eigenvalues than requested");
    ascending.conservativeResize(wanted);
}

} // namespace

void leadingSymmetricEigen(Eigen::MatrixXd& symmetric, Eigen::Index k, bool wantVectors, Eigen::VectorXd& values,
                           Eigen::MatrixXd& vectors) {
    Eigen::VectorXd ascending;
    if (!wantVectors) {
        allEigenvaluesAscending(symmetric, ascending, Reduction::Automatic);
        values = ascending.tail(k).reverse();
        vectors.resize(0, 0);
        return;
    }
    Eigen::MatrixXd z;
    topEigenpairsAscending(symmetric, toInt(k), ascending, z);
    values = ascending.reverse();
    vectors = z.rowwise().reverse();
}

bool twoStageAvailable() {
    return dsyevd_2stage_ != nullptr;
}

Reduction chooseReduction(Eigen::Index n) {
    return twoStageAvailable() && n >= kTwoStageFrom ? Reduction::TwoStage : Reduction::OneStage;
}

void allEigenvaluesAscending(Eigen::MatrixXd& symmetric, Eigen::VectorXd& ascending, Reduction reduction) {
    if (reduction == Reduction::Automatic) reduction = chooseReduction(symmetric.rows());
    if (reduction == Reduction::TwoStage && twoStageAvailable())
        eigenvaluesBy(dsyevd_2stage_, "dsyevd_2stage", symmetric, ascending);
    else
        eigenvaluesBy(dsyevd_, "dsyevd", symmetric, ascending);
}

void orthonormalizeColumns(Eigen::MatrixXd& block) {
    const int rows = toInt(block.rows());
    const int cols = toInt(block.cols());
    if (rows < cols) throw std::invalid_argument("orthonormalizeColumns: more columns than rows");
    std::vector<double> tau(static_cast<std::size_t>(std::max(cols, 1)));
    int info = 0;
    int lwork = -1;
    double query = 0.0;
    dgeqrf_(&rows, &cols, block.data(), &rows, tau.data(), &query, &lwork, &info);
    check(info, "dgeqrf (workspace query)");
    double queryQ = 0.0;
    dorgqr_(&rows, &cols, &cols, block.data(), &rows, tau.data(), &queryQ, &lwork, &info);
    check(info, "dorgqr (workspace query)");
    lwork = static_cast<int>(std::max(query, queryQ));
    std::vector<double> work(static_cast<std::size_t>(std::max(lwork, 1)));
    dgeqrf_(&rows, &cols, block.data(), &rows, tau.data(), work.data(), &lwork, &info);
    check(info, "dgeqrf");
    dorgqr_(&rows, &cols, &cols, block.data(), &rows, tau.data(), work.data(), &lwork, &info);
    check(info, "dorgqr");
}

} // namespace codescope::spectrum::lapack
