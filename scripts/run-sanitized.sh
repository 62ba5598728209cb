#!/usr/bin/env bash
# The unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (README, "Sanitizers"): configures
# -DCODESCOPE_SANITIZE=ON in build-asan (the main build is not touched), builds codescope_unit_tests only and runs
# it; any ASan or UBSan report fails the run (halt_on_error). CODESCOPE_SANITIZE_FILTER, a GoogleTest filter, runs
# a subset (default: every test). Skipped, with a note, where the compiler cannot build with the sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
filter=${CODESCOPE_SANITIZE_FILTER:-*}
cxx=${CXX:-c++}
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int main() { return 0; }' >"$probe/probe.cpp"
if ! "$cxx" -fsanitize=address,undefined "$probe/probe.cpp" -o "$probe/probe" >/dev/null 2>&1 || ! "$probe/probe"; then
  echo "run-sanitized: $cxx cannot build and run with -fsanitize=address,undefined (libasan/libubsan missing?):" \
    "sanitized unit tests skipped"
  exit 0
fi
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
# -O1 -g1: half the compile time of RelWithDebInfo's -O2 -g under the sanitizers (measured), and still file:line in
# every report.
cmake -S . -B build-asan -G Ninja -DCODESCOPE_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  "${launcher[@]}" >/dev/null
start=$SECONDS
cmake --build build-asan --target codescope_unit_tests --parallel "$(nproc)"
echo "run-sanitized: build took $((SECONDS - start)) s"
# detect_leaks=0: LibTorch keeps one-time allocations until exit; leaks are not what this run looks for. The
# suppressions are third-party code only, each with its reason (tests/ubsan-suppressions.txt).
export ASAN_OPTIONS=detect_leaks=0
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/tests/ubsan-suppressions.txt"
# As in run-tests.sh: LibTorch's idle OpenMP workers would spin on the busy 2-core machine.
export OMP_WAIT_POLICY=passive
start=$SECONDS
build-asan/bin/codescope_unit_tests --gtest_filter="$filter" --gtest_brief=1
echo "run-sanitized: tests ($filter) took $((SECONDS - start)) s"
