#!/usr/bin/env bash
# End to end: layers that cannot be fitted are results, not errors. A traced model with a healthy ReLU layer, a dead
# one (0 for every input), one with 4 live units of 128, and a layer that overflows to Inf
# (tests/data/make_degenerate_fixtures.py) analyses to exit 0 with alpha null and a status naming the reason.
set -u
: "${CLI:?CLI must point at codescope-cli}" "${TESTDATA:?TESTDATA must point at tests/data}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/e2e_support.sh"
data="$TESTDATA/degenerate"
model=(--model "$data/collapsing_traced.pt" --input-shape 1,16,16 --dataset "npy:$data/images.npy")
status_of() { # file layer: the status string of the layer in an analysis JSON
  tr -d '\n' <"$1" | grep -o "\"name\": *\"$2\"[^}]*" | grep -o '"status": *"[^"]*"' | head -1 | cut -d'"' -f4
}
csv_alpha() { grep "^[0-9]*,$2," "$1" | cut -d, -f6; } # file layer: the alpha column of the layer's CSV row

check "a model with dead and collapsed layers analyses to exit 0" expect_exit 0 "$CLI" analyze "${model[@]}" \
  --layers relu_live,relu_dead,relu_four,overflow --bootstrap 20 --projections 50 --json "$work/a.json" \
  --csv "$work/a.csv" --quiet
check "the live layer is fitted" bash -c "[[ '$(status_of "$work/a.json" relu_live)' == ok ]]"
check "the live layer has a number for alpha" bash -c "[[ '$(csv_alpha "$work/a.csv" relu_live)' =~ ^-[0-9] ]]"
check "the dead layer says so" bash -c "[[ '$(status_of "$work/a.json" relu_dead)' == dead:* ]]"
check "the dead layer has no alpha" bash -c "[[ -z '$(csv_alpha "$work/a.csv" relu_dead)' ]]"
check "4 live units of 128 are a collapse with its numbers" bash -c \
  "[[ '$(status_of "$work/a.json" relu_four)' == 'collapsed: '*'4 of 128 components'* ]]"
check "the collapsed layer has no alpha" bash -c "[[ -z '$(csv_alpha "$work/a.csv" relu_four)' ]]"
check "the JSON writes the three missing alphas as null" bash -c "[[ \$(grep -c '^ *\"alpha\": null' '$work/a.json') -eq 3 ]]"
check "Inf activations are a status, not a crash" bash -c "[[ '$(status_of "$work/a.json" overflow)' == non-finite:* ]]"
check "the table shows the kinds where alpha would be" bash -c \
  "grep -q 'relu_dead .* dead' '$work/out' && grep -q 'relu_four .* collapsed' '$work/out'"
check "eqs. 3-4 are left out without alpha, not called divergent" bash -c "! grep -E 'relu_(dead|four) .*(diverges|nan)' '$work/out'"
check "one summary line names the layers without alpha" bash -c \
  "[[ \$(grep -c 'no alpha in 3 of 4 layers' '$work/err') -eq 1 ]]"
check "the CSV has a status column" bash -c "head -1 '$work/a.csv' | grep -q ',status$' && grep -q '^[0-9]*,relu_four,.*collapsed' '$work/a.csv'"
check "the live layer keeps its coding record" bash -c "tr -d '\n ' <'$work/a.json' | grep -q '\"name\":\"relu_live\".*\"action_mean\"'"
check "a report of it writes the PDF" expect_exit 0 "$CLI" report --analysis "$work/a.json" --pdf "$work/a.pdf"

# One matrix (`spectrum`) is all the user asked about: there a collapsed spectrum stays the one-line error.
check "default layers (every ReLU) analyse too" expect_exit 0 "$CLI" analyze "${model[@]}" --bootstrap 0 \
  --projections 0 --quiet
finish
