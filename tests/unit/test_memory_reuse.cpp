// keepFreedMemoryForReuse: blocks up to glibc's 32 MiB threshold come from the heap (reused without page faults),
// larger ones are still mapped. Checked through glibc's own count of mapped blocks.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/common/memory_reuse.h"

// Where glibc's allocator is the one in use: not under AddressSanitizer, which replaces it.
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define CODESCOPE_GLIBC_ALLOCATOR 1
#include <malloc.h>
#endif

namespace {

#if defined(CODESCOPE_GLIBC_ALLOCATOR)
// Mapped blocks after allocating and touching `bytes` (the block is freed before returning).
std::size_t mappedBlocksHolding(std::size_t bytes) {
    auto* block = static_cast<volatile unsigned char*>(std::malloc(bytes));
    if (block == nullptr) return 0;
    block[0] = 1;
    block[bytes - 1] = 2;
    const std::size_t mapped = mallinfo2().hblks;
    std::free(const_cast<unsigned char*>(block));
    return mapped;
}
#endif

TEST(MemoryReuse, BlocksUpTo32MiBComeFromTheHeapLargerOnesAreMapped) {
#if !defined(CODESCOPE_GLIBC_ALLOCATOR)
    GTEST_SKIP() << "not glibc's allocator (another C library, or AddressSanitizer's): nothing to check";
#else
    codescope::keepFreedMemoryForReuse();
    const std::size_t before = mallinfo2().hblks;
    // 16 MiB: above glibc's default threshold until a freed mapped block raises it, below the one set here.
    EXPECT_EQ(mappedBlocksHolding(std::size_t(16) << 20), before);
    EXPECT_EQ(mappedBlocksHolding(std::size_t(64) << 20), before + 1);
#endif
}

} // namespace
