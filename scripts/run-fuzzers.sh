#!/usr/bin/env bash
# The libFuzzer targets of fuzz/ (README, "Fuzzing"): builds them with clang in build-fuzz (the main build is not
# touched) and runs each for CODESCOPE_FUZZ_SECONDS (default 15) over its seeds in tests/data/fuzz/<target>, which
# hold the hostile mutants of issue 16 as regression cases. Reader sources only, under ASan + UBSan; an allocation
# over 2 GiB counts as a failure. A crash leaves its input in build-fuzz/crash-<target>-*: commit it to the target's
# seed folder with the fix. Skipped, with a note, where clang++ is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${CODESCOPE_FUZZ_SECONDS:-15}
if ! command -v clang++ >/dev/null 2>&1; then
  echo "run-fuzzers: clang++ not found: fuzzing skipped (apt-get install clang to run it)"
  exit 0
fi
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j2
# ASan's leak check would report LibTorch-free but still one-time allocations of ICU; leaks are not what we look for.
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=0
failed=0
for target in npy_header idx cifar image_file json vocab_merges state_dict; do
  found=$(mktemp -d) # new inputs the fuzzer finds; the committed seeds stay as they are
  if build-fuzz/fuzz_$target -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -artifact_prefix="build-fuzz/crash-$target-" -print_final_stats=1 "$found" "tests/data/fuzz/$target" \
    >"build-fuzz/fuzz_$target.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "build-fuzz/fuzz_$target.log" | grep -o '[0-9]*$' || echo "?")
    echo "ok    fuzz_$target: $runs inputs in ${seconds}s, no crash"
  else
    echo "FAIL  fuzz_$target: see build-fuzz/fuzz_$target.log and build-fuzz/crash-$target-*"
    tail -30 "build-fuzz/fuzz_$target.log"
    failed=1
  fi
  rm -rf "$found"
done
exit $failed
