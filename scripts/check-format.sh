#!/usr/bin/env bash
# Checks that our C++ (core, widgets, app, tests, bench, fuzz) is formatted as the committed .clang-format says.
# Prints the files that are not and how to fix them; exits 1 if any. Skipped, with a note, where clang-format is
# not installed (scripts/install-deps.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null 2>&1; then
  echo "check-format: clang-format not found: format check skipped (apt-get install clang-format to run it)"
  exit 0
fi
mapfile -t files < <(git -c safe.directory="$PWD" ls-files -- 'core/*.cpp' 'core/*.h' 'widgets/*.cpp' 'widgets/*.h' \
  'app/*.cpp' 'app/*.h' 'tests/*.cpp' 'tests/*.h' 'bench/*.cpp' 'bench/*.h' 'fuzz/*.cpp' 'fuzz/*.h')
unformatted=()
for file in "${files[@]}"; do
  clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done
if ((${#unformatted[@]})); then
  echo "check-format: FAIL: ${#unformatted[@]} of ${#files[@]} files differ from .clang-format:"
  printf '  %s\n' "${unformatted[@]}"
  echo "  fix with: clang-format -i ${unformatted[*]}"
  exit 1
fi
echo "check-format: ok, ${#files[@]} files as .clang-format says ($(clang-format --version | grep -o 'version [0-9.]*'))"
