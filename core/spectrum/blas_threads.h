#pragma once
// The BLAS's own thread pool, for code that runs several small products side by side on its own threads.
namespace codescope::spectrum {

/// While alive, OpenBLAS runs each call on the calling thread only; the previous thread count is restored on
/// destruction. Why: work split over our own threads (one bootstrap resample per thread) would otherwise have every
/// small dsyrk/dsyevd start OpenBLAS's pool as well, and two pools fighting over two cores were measured 3-40x slower
/// than one thread each. A no-op where the linked BLAS is not OpenBLAS (its thread control is a weak symbol).
/// Process-wide: another thread's BLAS calls in the meantime run single-threaded too (slower, never wrong).
class SingleThreadedBlas {
public:
    SingleThreadedBlas();
    ~SingleThreadedBlas();
    SingleThreadedBlas(const SingleThreadedBlas&) = delete;
    SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

private:
    int m_previous = 0; ///< OpenBLAS's thread count before, 0 when there is nothing to restore
};

} // namespace codescope::spectrum
