#!/usr/bin/env bash
# Writes tests/gui/data/sweep/: a two-run dropout sweep as the GUI opens it (sweep.json, each run's manifest and its
# cached analysis), without the model files, which the GUI never reads for a cached sweep. Made once with
#   CLI=build/bin/codescope-cli bash tests/gui/data/make_sweep_fixture.sh
set -euo pipefail
: "${CLI:?CLI must point at codescope-cli}"
out=$(dirname "$0")/sweep
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$CLI" train --dropout 0,0.6 --epochs 2 --samples 1000 --test-samples 200 --out "$work/runs" --quiet
"$CLI" analyze --sweep "$work/runs" --dataset fashion-mnist --samples 150 --bootstrap 20 --projections 50 \
  --max-components 60 --quiet
rm -rf "$out"
mkdir -p "$out"
cp "$work/runs/sweep.json" "$out/"
for run in dropout-0 dropout-0.6; do
  mkdir -p "$out/$run"
  cp "$work/runs/$run/manifest.json" "$work/runs/$run"/analysis-*.json "$out/$run/"
done
