#!/usr/bin/env bash
# Command 1 of the README: install what is missing, build, and run the main job on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
build/bin/codescope-cli demo "$@"
