#include "core/common/program_version.h"

namespace codescope {

// CODESCOPE_VERSION is defined for this one file by core/CMakeLists.txt, so a version bump recompiles only it.
const char* programVersion() {
    return CODESCOPE_VERSION;
}

} // namespace codescope
