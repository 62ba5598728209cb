// Transparent huge pages for large buffers: the advice reaches the kernel (the buffer's mapping carries the "hg"
// flag in /proc/self/smaps), small buffers are left alone, and a null buffer is ignored.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/common/huge_pages.h"

namespace {

std::string transparentHugePagesMode() {
    std::ifstream file("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string line;
    std::getline(file, line);
    return line; // e.g. "always [madvise] never"
}

// The VmFlags line of the mapping of /proc/self/smaps that holds `address`, or "" if none does.
std::string vmFlagsAt(const void* address) {
    const auto where = reinterpret_cast<std::uintptr_t>(address);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t begin = 0, end = 0;
        char dash = 0;
        std::istringstream header(line);
        if (header >> std::hex >> begin >> dash >> end && dash == '-') { // "begin-end perms ..."
            inside = begin <= where && where < end;
            continue;
        }
        if (inside && line.rfind("VmFlags:", 0) == 0) return line;
    }
    return "";
}

TEST(HugePages, ALargeBufferIsAdvised) {
    const std::string mode = transparentHugePagesMode();
    if (mode.empty() || mode.find("[never]") != std::string::npos)
        GTEST_SKIP() << "transparent huge pages are off here: " << (mode.empty() ? "no sysfs entry" : mode);
    Eigen::MatrixXd matrix;
    codescope::resizeOnHugePages(matrix, 2048, 4096); // 64 MiB: glibc maps it on its own
    ASSERT_EQ(matrix.rows(), 2048);
    ASSERT_EQ(matrix.cols(), 4096);
    const std::string flags = vmFlagsAt(matrix.data() + matrix.size() / 2);
    ASSERT_FALSE(flags.empty()) << "no mapping holds the matrix";
    EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
    matrix.setConstant(1.5); // the memory is ordinary memory
    EXPECT_EQ(matrix.sum(), 1.5 * 2048 * 4096);
}

TEST(HugePages, SmallAndNullBuffersAreLeftAlone) {
    Eigen::MatrixXf small;
    codescope::resizeOnHugePages(small, 10, 10);
    EXPECT_EQ(small.size(), 100);
    EXPECT_EQ(vmFlagsAt(small.data()).find(" hg"), std::string::npos) << "a heap buffer is not advised";
    codescope::adviseHugePages(nullptr, std::size_t(1) << 30); // returns at once, no crash
}

} // namespace
