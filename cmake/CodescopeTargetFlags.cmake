# Flags for our own targets only: warnings are errors in our code, never in third-party headers
# (those come in as SYSTEM includes through their imported targets).
function(codescope_target_flags target)
  # GCC 12 reports false "may be used uninitialized" warnings inside its own AVX-512 intrinsics when Eigen's
  # vectorised kernels are inlined into our code (GCC bug 105593); they are not in our code, so we silence them.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror
    $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>
    $<$<CONFIG:Release>:-O3 -march=${CODESCOPE_ARCH}>)
  target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS)
endfunction()
