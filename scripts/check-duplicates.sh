#!/usr/bin/env bash
# Fails on a new repeated block in core/, widgets/ or app/: runs the team's `duplicates` tool over the tree and
# compares its non-boilerplate pairs (both sides in those folders) with the pairs known and accepted in
# scripts/duplicates-baseline.txt (one "fileA ~ fileB" a line, line numbers left out so that edits elsewhere in a
# file do not count as new). Skipped, with a note, where `duplicates` is not installed (it is the team's tool, not
# a Debian package). `--update` rewrites the baseline from the tree as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=scripts/duplicates-baseline.txt
if ! command -v duplicates >/dev/null 2>&1; then
  echo "check-duplicates: the duplicates tool is not installed: check skipped"
  exit 0
fi
# A row: "D7 a.cpp:10-24 ~ b.cpp:40-54 [shape] [boilerplate] [(+N more runs)]".
pairs=$(duplicates --most 200 --seconds 120 --repo . | awk '
  /^D[0-9]+ / && !/ boilerplate/ {
    a = $2; b = $4; sub(/:[0-9-]+$/, "", a); sub(/:[0-9-]+$/, "", b)
    if (a ~ /^(core|widgets|app)\// && b ~ /^(core|widgets|app)\//) print (a < b ? a " ~ " b : b " ~ " a)
  }' | sort -u)
if [[ ${1:-} == --update ]]; then
  printf '%s\n' "$pairs" >"$baseline"
  echo "check-duplicates: wrote $(grep -c . "$baseline" || true) known pairs to $baseline"
  exit 0
fi
new=$(comm -23 <(printf '%s\n' "$pairs" | grep . || true) <(sort -u "$baseline" | grep . || true))
if [[ -n $new ]]; then
  echo "check-duplicates: FAIL: new repeated blocks (run \`duplicates\` for the lines; share the logic, or, if the"
  echo "  repetition is right, add the pair to $baseline with the reason in the commit message):"
  sed 's/^/  /' <<<"$new"
  exit 1
fi
echo "check-duplicates: ok, no new repeated block in core, widgets or app ($(grep -c . <<<"$pairs" || true) known pairs)"
