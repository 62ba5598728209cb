#include "core/spectrum/lapack_kernels.h"

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/spectrum/blas_threads.h"

extern "C" {
void dsyevr_(const char* jobz, const char* range, const char* uplo, const int* n, double* a, const int* lda,
             const double* vl, const double* vu, const int* il, const int* iu, const double* abstol, int* m, double* w,
             double* z, const int* ldz, int* isuppz, double* work, const int* lwork, int* iwork, const int* liwork,
             int* info);
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w, double* work,
             const int* lwork, int* iwork, const int* liwork, int* info);
// The two-stage reduction's parts, LAPACK >= 3.7 (Debian 12's OpenBLAS 0.3.21 carries 3.11). Weak, so that a LAPACK
// without them links and leaves the pointers null: the one-stage dsyevd then serves. ilaenv2stage_ takes its
// character arguments' lengths at the end (gfortran's convention): it compares the routine's name by length.
void dsytrd_sy2sb_(const char* uplo, const int* n, const int* kd, double* a, const int* lda, double* ab,
                   const int* ldab, double* tau, double* work, const int* lwork, int* info) __attribute__((weak));
void dsytrd_sb2st_(const char* stage1, const char* vect, const char* uplo, const int* n, const int* kd, double* ab,
                   const int* ldab, double* d, double* e, double* hous, const int* lhous, double* work,
                   const int* lwork, int* info) __attribute__((weak));
int ilaenv2stage_(const int* ispec, const char* name, const char* opts, const int* n1, const int* n2, const int* n3,
                  const int* n4, std::size_t nameLength, std::size_t optsLength) __attribute__((weak));
void dsterf_(const int* n, double* d, double* e, int* info);
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
// dsyevr's bisection for a selected range once k is more than a few dozen.
void oneStageEigenvalues(Eigen::MatrixXd& symmetric, Eigen::VectorXd& ascending) {
    const int n = toInt(symmetric.rows());
    ascending.resize(n);
    int info = 0;
    int lwork = -1;
    int liwork = -1;
    double workQuery = 0.0;
    int iworkQuery = 0;
    dsyevd_("N", "L", &n, symmetric.data(), &n, ascending.data(), &workQuery, &lwork, &iworkQuery, &liwork, &info);
    check(info, "dsyevd (workspace query)");
    lwork = std::max(static_cast<int>(workQuery), 1);
    liwork = std::max(iworkQuery, 1);
    std::vector<double> work(static_cast<std::size_t>(lwork));
    std::vector<int> iwork(static_cast<std::size_t>(liwork));
    dsyevd_("N", "L", &n, symmetric.data(), &n, ascending.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
    check(info, "dsyevd");
}

// What dsyevd_2stage does for eigenvalues only, stage by stage: full -> band (dsytrd_sy2sb, BLAS-3, most of the flops
// in dgemm), band -> tridiagonal (dsytrd_sb2st, bulge chasing), then dsterf. Called one by one so that the band
// stage runs on the calling thread alone: its many tiny BLAS calls lose to OpenBLAS's thread pool. Measured at order
// 4000 on the 2-core machine: sb2st 1.74 s on two BLAS threads, 0.38 s on one, while sy2sb takes 1.33 s on two and
// 2.46 s on one; the whole solve 2.1 s instead of dsyevd_2stage's 3.3-3.6 s. The same arithmetic, so the same
// eigenvalues.
void twoStageEigenvalues(Eigen::MatrixXd& symmetric, Eigen::VectorXd& ascending) {
    const int n = toInt(symmetric.rows());
    const int bandSpec = 1;
    const int unused = -1;
    const int kd = std::max(
        1, std::min(n - 1, ilaenv2stage_(&bandSpec, "DSYTRD_2STAGE", "N", &n, &unused, &unused, &unused, 13, 1)));
    const int ldab = kd + 1;
    std::vector<double> band(static_cast<std::size_t>(ldab) * static_cast<std::size_t>(n));
    std::vector<double> tau(static_cast<std::size_t>(std::max(n - kd, 1)));
    int info = 0;
    int lwork = -1;
    double query = 0.0;
    dsytrd_sy2sb_("L", &n, &kd, symmetric.data(), &n, band.data(), &ldab, tau.data(), &query, &lwork, &info);
    check(info, "dsytrd_sy2sb (workspace query)");
    std::vector<double> work(static_cast<std::size_t>(std::max(static_cast<int>(query), 1)));
    lwork = static_cast<int>(work.size());
    dsytrd_sy2sb_("L", &n, &kd, symmetric.data(), &n, band.data(), &ldab, tau.data(), work.data(), &lwork, &info);
    check(info, "dsytrd_sy2sb");

    ascending.resize(n);
    Eigen::VectorXd offDiagonal(std::max(n - 1, 1));
    int lhous = -1;
    double housQuery = 0.0;
    lwork = -1;
    dsytrd_sb2st_("Y", "N", "L", &n, &kd, band.data(), &ldab, ascending.data(), offDiagonal.data(), &housQuery, &lhous,
                  &query, &lwork, &info);
    check(info, "dsytrd_sb2st (workspace query)");
    std::vector<double> hous(static_cast<std::size_t>(std::max(static_cast<int>(housQuery), 1)));
    work.resize(static_cast<std::size_t>(std::max(static_cast<int>(query), 1)));
    lhous = static_cast<int>(hous.size());
    lwork = static_cast<int>(work.size());
    {
        const SingleThreadedBlas oneThread;
        dsytrd_sb2st_("Y", "N", "L", &n, &kd, band.data(), &ldab, ascending.data(), offDiagonal.data(), hous.data(),
                      &lhous, work.data(), &lwork, &info);
    }
    check(info, "dsytrd_sb2st");
    dsterf_(&n, ascending.data(), offDiagonal.data(), &info);
    check(info, "dsterf");
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
    return dsytrd_sy2sb_ != nullptr && dsytrd_sb2st_ != nullptr && ilaenv2stage_ != nullptr;
}

Reduction chooseReduction(Eigen::Index n) {
    return twoStageAvailable() && n >= kTwoStageFrom ? Reduction::TwoStage : Reduction::OneStage;
}

void allEigenvaluesAscending(Eigen::MatrixXd& symmetric, Eigen::VectorXd& ascending, Reduction reduction) {
    if (reduction == Reduction::Automatic) reduction = chooseReduction(symmetric.rows());
    if (reduction == Reduction::TwoStage && twoStageAvailable() && symmetric.rows() > 2)
        twoStageEigenvalues(symmetric, ascending);
    else
        oneStageEigenvalues(symmetric, ascending);
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
