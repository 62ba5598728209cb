#!/usr/bin/env bash
# End to end: the theory commands as a user runs them, at tiny sizes. `mine layers --preset paper` (Supplementary
# Fig. 1 as the authors ran it) writes both the trained and the untrained network's estimates and eq. 2's reference
# lines (values computed by hand: C = 8 units x 1 bit x ln 2 = 5.545177444479562 nats, D = 0.2); each preset rejects
# the other's options; `toy-superposition` marks the floor m/n and says what points on it show.
set -u
: "${CLI:?CLI must point at codescope-cli}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/e2e_support.sh"

paper=(mine layers --preset paper --depth 8 --width 8 --epochs 1 --samples 512 --mine-epochs 2 --mine-fine-epochs 1
       --mine-samples 512 --held-out 512 --quiet)
check "mine layers --preset paper runs" expect_exit 0 "$CLI" "${paper[@]}" --json "$work/paper.json"
check "the JSON names the preset" bash -c "tr -d ' \n' <'$work/paper.json' | grep -q '\"preset\":\"paper\"'"
check "the JSON has the trained network's estimates" \
  bash -c "tr -d ' \n' <'$work/paper.json' | grep -q '\"trained\":{[^}]*\"nats\":\[[-0-9.e]*,'"
check "the JSON has the untrained network's estimates" \
  bash -c "tr -d ' \n' <'$work/paper.json' | grep -q '\"untrained\":{[^}]*\"nats\":\[[-0-9.e]*,'"
check "one row per layer, each with both" bash -c "[[ \$(grep -c '\"untrained_nats\"' '$work/paper.json') -eq 8 && \
  \$(grep -c '\"trained_nats\"' '$work/paper.json') -eq 8 ]]"
check "dropout after layers 4 and 8 only" bash -c "[[ \$(grep -c '\"dropout_after\": true' '$work/paper.json') -eq 2 ]]"
check "eq. 2's capacity C = 8 ln 2" test "$(json_number "$work/paper.json" capacity_nats)" = 5.545177444479562
check "the table prints eq. 2's C(1-D) = 0.8 C" grep -q "4.4361" "$work/out"
check "the differences from the authors' run are listed" \
  bash -c "tr -d '\n' <'$work/paper.json' | grep -q '\"1 training epochs instead of 4\"'"
check "the time per epoch is reported" bash -c "tr -d ' \n' <'$work/paper.json' | grep -q '\"seconds_per_epoch\":\[[0-9]'"
check "a bits option with the paper preset is a usage error" \
  expect_exit 2 "$CLI" mine layers --preset paper --bits 3
check "  ... in one line naming it" one_line_naming "--bits applies to --preset bits"
check "a paper option with the default preset is a usage error" expect_exit 2 "$CLI" mine layers --epochs 2
check "an unknown preset is a usage error" expect_exit 2 "$CLI" mine layers --preset huge
check "--help says how long the paper preset takes" bash -c "'$CLI' mine layers --help | grep -q 'MINE epoch about'"
check "the bits preset stays the default and says so" \
  expect_exit 0 "$CLI" mine layers --depth 2 --width 8 --train-steps 20 --mine-steps 20 --samples 512 --quiet \
  --json "$work/bits.json"
check "  ... its JSON names it" bash -c "tr -d ' \n' <'$work/bits.json' | grep -q '\"preset\":\"bits\"'"

check "toy-superposition runs" expect_exit 0 "$CLI" toy-superposition --features 8 --hidden 2 --sparsity 0,0.9 \
  --steps 300 --batch 64 --quiet --json "$work/toy.json"
check "it marks the floor m/n = 2/8 = 0.25" grep -q "floor m/n = 2/8 = 0.25" "$work/out"
check "and says what points on it show" grep -q "Points on the floor show the model's size, not eq. 1" "$work/out"
check "the JSON stores the floor" \
  test "$(tr -d ' \n' <"$work/toy.json" | grep -o '"floor":{"dimensions_per_feature":[0-9.]*' | cut -d: -f3)" = 0.25
check "every row says whether it is on the floor" bash -c "[[ \$(grep -c '\"at_floor\"' '$work/toy.json') -eq 2 ]]"
finish
