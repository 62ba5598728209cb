#pragma once
// The program's version (CMake's PROJECT_VERSION), for the results that record how they were made.

namespace codescope {

/// "0.1.0": the version of the Codescope build that is running.
const char* programVersion();

} // namespace codescope
