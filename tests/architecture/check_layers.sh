#!/usr/bin/env bash
# Keeps the architecture of docs/ARCHITECTURE.md true:
# 1. no folder of core includes a folder above it in the layer order below;
# 2. core/ never includes Qt;
# 3. the figures (app/figures) and the CLI (app/cli) never include the desktop app (app/gui): the CLI links the
#    figures library, not the app;
# 4. the core headers the app and the widgets include hold no LibTorch or curl type: compiling them pulls in no
#    header of ATen, torch, c10 or curl (preprocessed with the compiler CMake uses; LibTorch's headers lie in
#    /usr/include on Debian, so "without the include path" is checked as "without any of its headers").
# Usage: check_layers.sh REPO CXX
set -uo pipefail
repo=${1:?repository root}
cxx=${2:-c++}
cd "$repo" || exit 1
failed=0

# Lowest first: a folder may include itself and folders before it.
order=(common io text data spectrum distributed projection theory models results claims capture language training explain mine pipeline)
rank() { local i; for i in "${!order[@]}"; do [[ ${order[$i]} == "$1" ]] && { echo "$i"; return; }; done; echo -1; }
for folder in core/*/; do
  folder=$(basename "$folder")
  own=$(rank "$folder")
  if ((own < 0)); then
    echo "FAIL core/$folder is not in the layer order of tests/architecture/check_layers.sh (and docs/ARCHITECTURE.md)"
    failed=1
    continue
  fi
  while IFS=: read -r file _ include; do
    target=$(sed -E 's/.*"core\/([a-z_]+)\/.*/\1/' <<<"$include")
    if (($(rank "$target") > own)); then
      echo "FAIL $file includes core/$target, a layer above core/$folder"
      failed=1
    fi
  done < <(grep -rn --include='*.h' --include='*.cpp' '#include "core/' "core/$folder")
done

if qt=$(grep -rln --include='*.h' --include='*.cpp' -E '#include <Q[A-Za-z]+' core); then
  echo "FAIL core includes Qt: $qt"
  failed=1
fi

if app=$(grep -rln --include='*.h' --include='*.cpp' '#include "app/gui/' app/figures app/cli); then
  echo "FAIL the figures or the CLI include the desktop app (app/gui): $app"
  failed=1
fi

headers=$(grep -rhn --include='*.h' --include='*.cpp' '#include "core/' app widgets | sed -E 's/.*"(core\/[^"]+)".*/\1/' |
  sort -u)
for header in $headers; do
  if deps=$(printf '#include "%s"\n' "$header" | "$cxx" -std=c++17 -M -x c++ -I. -isystem /usr/include/eigen3 - 2>&1); then
    if heavy=$(grep -oE '/(ATen|torch|c10|curl)/[^ ]+' <<<"$deps" | head -1) && [[ -n $heavy ]]; then
      echo "FAIL $header, included by the app, pulls in $heavy"
      failed=1
    fi
  else
    echo "FAIL $header does not compile on its own: $(head -1 <<<"$deps")"
    failed=1
  fi
done

((failed)) && exit 1
echo "ok   core's layers, no Qt in core, figures and CLI free of the app, and $(wc -w <<<"$headers") app-facing core headers free of LibTorch and curl"
