#pragma once
// Transparent huge pages for the large buffers an analysis allocates afresh (covariances, Gram matrices, kept rows,
// the eigensolver's copy). Why: the first write to each 4 KiB page of a fresh allocation is a page fault, and on the
// 2-core development VM a fault costs about 10 us: a fresh 4000 x 4000 double matrix took 0.45 s to fill, 0.02 s
// once the kernel backed it with 2 MiB pages (measured after the first such allocation, which paid 0.25 s for the
// kernel to gather its huge pages).
#include <Eigen/Core>
#include <cstddef>

namespace codescope {

/// Buffers from this size up are advised. glibc maps every allocation of at least its mmap threshold (at most
/// 32 MiB) on its own, so the advice covers that buffer alone and ends with it.
inline constexpr std::size_t kHugePagesFromBytes = std::size_t(32) << 20;

/// Asks the kernel to back the whole 4 KiB pages of [data, data + bytes) with transparent huge pages (madvise
/// MADV_HUGEPAGE), if bytes >= kHugePagesFromBytes; call it before the buffer's first write. Does nothing on a
/// system without transparent huge pages or where they are off ("never"); the kernel falls back to 4 KiB pages when it
/// has no huge page to give. Never fails.
void adviseHugePages(void* data, std::size_t bytes) noexcept;

/// Resizes `matrix` (any Eigen dense matrix) to rows x cols, its contents undefined, with its buffer advised as above:
/// for a matrix that is written in full right after.
template <typename Matrix> void resizeOnHugePages(Matrix& matrix, Eigen::Index rows, Eigen::Index cols) {
    matrix.resize(rows, cols);
    adviseHugePages(matrix.data(), static_cast<std::size_t>(matrix.size()) * sizeof(typename Matrix::Scalar));
}

} // namespace codescope
