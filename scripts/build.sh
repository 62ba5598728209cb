#!/usr/bin/env bash
# Configures and builds Codescope (Release, Ninja) into build/; executables land in build/bin/. Where ccache is
# installed it caches the compilations, so a rebuild after a fresh clone or a branch switch takes minutes, not half
# an hour (it is optional: scripts/install-deps.sh does not install it).
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "$@"
cmake --build build --parallel "$(nproc)"
