#include "core/spectrum/blas_threads.h"

extern "C" {
// OpenBLAS's thread control; weak, so that another BLAS links too and the guard does nothing there.
void openblas_set_num_threads(int threads) __attribute__((weak));
int openblas_get_num_threads() __attribute__((weak));
}

namespace codescope::spectrum {

SingleThreadedBlas::SingleThreadedBlas() {
    if (openblas_set_num_threads == nullptr || openblas_get_num_threads == nullptr) return;
    m_previous = openblas_get_num_threads();
    if (m_previous > 1) openblas_set_num_threads(1);
}

SingleThreadedBlas::~SingleThreadedBlas() {
    if (m_previous > 1) openblas_set_num_threads(m_previous);
}

} // namespace codescope::spectrum
