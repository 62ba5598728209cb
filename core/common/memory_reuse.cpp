#include "core/common/memory_reuse.h"

#include <cstdlib> // defines __GLIBC__ on glibc, which the test below needs
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace codescope {

void keepFreedMemoryForReuse() {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20); // glibc refuses a larger threshold
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

} // namespace codescope
