#!/usr/bin/env bash
# Checks what command 1 of the README (bash scripts/run-demo.sh, headless) leaves behind: every run of the sweep
# trained and analysed, and the PDF report with all its pages. CI runs it after the demo (.ci/run); so can you:
#
#   bash scripts/check-demo-output.sh [SWEEP_DIR]     (default: the repository's runs/demo, where the demo writes)
#
# Prints one line per problem and exits 1 if there is any, 0 otherwise.
set -uo pipefail
if (($# > 0)); then
  sweep=$1
else
  cd "$(dirname "$0")/.." || exit 1
  sweep=runs/demo
fi
problems=0
problem() {
  echo "check-demo-output: $*" >&2
  problems=$((problems + 1))
}

if [[ ! -f $sweep/sweep.json ]]; then
  echo "check-demo-output: $sweep/sweep.json: missing (run bash scripts/run-demo.sh first)" >&2
  exit 1
fi

# "dropout directory" per run, lowest dropout first. sweep.json is written by `codescope-cli train`
# (core/training/vae_training.cpp) with one key per line, each run an object closed by its own "}" line.
runs=$(awk '
  /"dropout":/   { v = $0; sub(/.*"dropout": */, "", v); sub(/[ ,]*$/, "", v); dropout = v }
  /"directory":/ { v = $0; sub(/.*"directory": *"/, "", v); sub(/".*/, "", v); directory = v }
  /}/            { if (dropout != "" && directory != "") print dropout, directory; dropout = ""; directory = "" }
' "$sweep/sweep.json" | sort -g)
if [[ -z $runs ]]; then
  echo "check-demo-output: $sweep/sweep.json: lists no runs (in the layout codescope-cli train writes)" >&2
  exit 1
fi
count=$(grep -c . <<<"$runs")

newest_analysis() { # run folder: its newest cached analysis, the one the report reads (app/gui/sweep_loader.cpp)
  ls -t "$1"/analysis-*.json 2>/dev/null | head -1
}
while read -r dropout directory; do
  run=$sweep/$directory
  grep -Eq '"finished": *true' "$run/manifest.json" 2>/dev/null ||
    problem "$run/manifest.json: missing or the run did not finish training (dropout $dropout)"
  [[ -n $(newest_analysis "$run") ]] || problem "$run: no analysis-*.json (analyze --sweep did not cache this run)"
done <<<"$runs"

# The offscreen report of a sweep (app/figures/report_pages.cpp, app/figures/analysis_figures.cpp::reportPages) has
# one eigenspectrum page per run, then the figures' own pages after their first: alpha against depth, and the four
# coding plots when the current run's analysis has coding records; last, the paper checks of the sweep. The current
# run is the lowest-dropout one (the session opens a sweep at its first run). Without the app's eigenfilter tab (the
# CLI) there is no eigenfilter page, and without OpenGL (Qt offscreen) no 3-D page.
first_run=$sweep/$(head -1 <<<"$runs" | cut -d' ' -f2)
expected=$((count + 2))
first_analysis=$(newest_analysis "$first_run")
if [[ -n $first_analysis ]] && grep -q '"coding":' "$first_analysis"; then expected=$((expected + 4)); fi

report=$sweep/report.pdf
if [[ ! -s $report ]]; then
  problem "$report: missing or empty"
elif ! command -v pdfinfo >/dev/null; then
  problem "pdfinfo not found (install poppler-utils: bash scripts/install-deps.sh)"
elif ! info=$(pdfinfo "$report" 2>&1); then
  problem "$report: not a readable PDF ($(head -1 <<<"$info"))"
else
  pages=$(awk '/^Pages:/ { print $2 }' <<<"$info")
  [[ $pages == "$expected" ]] ||
    problem "$report: $pages pages, expected $expected ($count runs' spectra, alpha vs depth$( ((expected > count + 2)) &&
      echo ', 4 coding plots'), paper checks)"
  grep -q "^Title:.*($count runs)" <<<"$info" || problem "$report: its title does not name the sweep's $count runs"
fi

if ((problems > 0)); then
  echo "check-demo-output: $problems problem(s) in $sweep" >&2
  exit 1
fi
echo "check-demo-output: $sweep is complete: $count runs trained and analysed, report.pdf has $expected pages"
