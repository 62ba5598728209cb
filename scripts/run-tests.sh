#!/usr/bin/env bash
# Command 2 of the README: install what is missing, build, and run every test (unit and end to end) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Habits first, as they take seconds: the committed .clang-format, and no new repeated block in core, widgets, app.
bash scripts/check-format.sh
bash scripts/check-duplicates.sh
bash scripts/build.sh
# LibTorch's OpenMP workers spin while they wait; on a busy 2-core machine that starves the other test.
export OMP_WAIT_POLICY=passive
ctest --test-dir build --output-on-failure --parallel 2
# Every unit test again under ASan + UBSan, in build-asan/ (README, "Sanitizers": about 29 minutes on 2 idle cores,
# build included). CODESCOPE_SANITIZE_FILTER, a GoogleTest filter, narrows it for a quicker local run.
bash scripts/run-sanitized.sh
# The readers under libFuzzer with ASan + UBSan, a short run each (where clang is installed).
bash scripts/run-fuzzers.sh
