#!/usr/bin/env bash
# End to end: codescope-cli as a user runs it. Checks exit codes, the JSON keys the issue fixes, that bad input
# gets one stderr line naming the file, and that a failed run leaves no output file behind.
set -u
: "${CLI:?CLI must point at codescope-cli}" "${TESTDATA:?TESTDATA must point at tests/data}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/e2e_support.sh"

check "--help exits 0" expect_exit 0 "$CLI" --help
check "--version prints the version" bash -c "'$CLI' --version | grep -q 'codescope-cli [0-9]'"
check "spectrum --help documents every option" bash -c \
  "'$CLI' spectrum --help | grep -q -- --fit-range && '$CLI' spectrum --help | grep -q -- --bootstrap"

# A real run on a numpy-written fixture (Fortran order, float64), JSON and CSV out, alpha against scikit-learn.
check "spectrum on a fixture exits 0" expect_exit 0 "$CLI" spectrum --input "$TESTDATA/npy/activations_f64_fortran.npy" \
  --fit-range 5:30 --bootstrap 30 --seed 3 --json "$work/r.json" --csv "$work/r.csv" --quiet
check "JSON has exactly the issue's keys" bash -c "grep -o '\"[a-z_0-9]*\":' '$work/r.json' | sort | tr -d '\n' | \
  grep -qx '\"alpha\":\"alpha_ci95\":\"eigenvalues\":\"explained_variance_ratio\":\"fit_range\":\"intercept\":\"n_components\":\"n_features\":\"n_features_used\":\"n_samples\":\"stride\":'"
check "JSON records the fit range" bash -c "tr -d ' \n' <'$work/r.json' | grep -q '\"fit_range\":\[5,30\]'"
ours=$(json_number "$work/r.json" alpha)
sklearn=$(json_number "$TESTDATA/npy/activations_expected.json" alpha)
check "alpha matches scikit-learn to 0.005 ($ours vs $sklearn)" \
  awk -v a="$ours" -v b="$sklearn" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(a != "" && d <= 0.005)}'
check "CSV has a header and one row per component" bash -c \
  "head -1 '$work/r.csv' | grep -q '^component,eigenvalue,explained_variance_ratio,power_law_fit$' && [[ \$(wc -l <'$work/r.csv') -eq 41 ]]"
check "summary prints alpha" grep -q "alpha" "$work/out"

# float32 products: the JSON says so, and alpha is double products' to float rounding.
check "spectrum --float32-products exits 0" expect_exit 0 "$CLI" spectrum \
  --input "$TESTDATA/npy/activations_f64_fortran.npy" --fit-range 5:30 --bootstrap 0 --float32-products \
  --json "$work/f32.json" --quiet
check "its JSON records float32 products" bash -c "tr -d ' \n' <'$work/f32.json' | grep -q '\"products\":\"float32\"'"
f32=$(json_number "$work/f32.json" alpha)
check "float32 products give double products' alpha to 1e-5 ($f32 vs $ours)" \
  awk -v a="$f32" -v b="$ours" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(a != "" && d <= 1e-5)}'
check "spectrum --help documents --float32-products" bash -c "'$CLI' spectrum --help | grep -q -- --float32-products"

# cvPCA of a matrix with itself as its repeat: C_12 = C_11, so the spectrum and alpha are PCA's.
check "spectrum --repeat exits 0" expect_exit 0 "$CLI" spectrum --input "$TESTDATA/npy/activations_f64_fortran.npy" \
  --repeat "$TESTDATA/npy/activations_f64_fortran.npy" --fit-range 5:30 --json "$work/cv.json" --quiet
cv=$(json_number "$work/cv.json" alpha)
check "cvPCA of identical repeats gives PCA's alpha ($cv vs $ours)" \
  awk -v a="$cv" -v b="$ours" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(a != "" && d <= 1e-6)}'
check "a repeat of another shape exits 2" expect_exit 2 "$CLI" spectrum --input "$TESTDATA/npy/activations_f64_fortran.npy" \
  --repeat "$TESTDATA/npy/f32_c.npy"
check "the mismatched repeat is named" one_line_naming "f32_c.npy"

# Bad input: exit 2, one line naming the file, no output written.
printf 'not numpy at all' >"$work/bad.npy"
check "wrong magic exits 2" expect_exit 2 "$CLI" spectrum --input "$work/bad.npy" --json "$work/bad.json"
check "wrong magic names the file" one_line_naming "bad.npy"
check "no JSON written on failure" test ! -e "$work/bad.json"
check "missing file exits 2" expect_exit 2 "$CLI" spectrum --input "$work/nope.npy"
check "missing file names the file" one_line_naming "nope.npy"
check "NaN exits 2" expect_exit 2 "$CLI" spectrum --input "$TESTDATA/npy/nan_f32_c.npy" --fit-range 1:3
check "NaN names the row" one_line_naming "row 4"
head -c 300 "$TESTDATA/npy/f64_c.npy" >"$work/truncated.npy"
check "truncated exits 2" expect_exit 2 "$CLI" spectrum --input "$work/truncated.npy"
check "truncated is named" one_line_naming "truncated"
check "missing --input is a usage error" expect_exit 2 "$CLI" spectrum
check "unknown option is a usage error" expect_exit 2 "$CLI" spectrum --input x.npy --frobnicate 3
check "bad fit range is a usage error" expect_exit 2 "$CLI" spectrum --input x.npy --fit-range 50:10
check "too few components exits 2" expect_exit 2 "$CLI" spectrum --input "$TESTDATA/npy/f32_c.npy"
check "too few components explains itself" one_line_naming "too few components"

# An existing result is not clobbered by a failed run.
echo '{"keep": true}' >"$work/keep.json"
"$CLI" spectrum --input "$work/bad.npy" --json "$work/keep.json" 2>/dev/null
check "a failed run keeps the old JSON" grep -q keep "$work/keep.json"
check "no temporary files left" bash -c "! ls '$work' | grep -q tmp"

# The demo: the embedded default job recovers its generating exponent.
check "demo runs" expect_exit 0 "$CLI" demo --samples 3000 --features 200 --exponent -1.2 --bootstrap 0 --quiet
check "demo recovers the exponent to 0.05" bash -c \
  "awk '/^  alpha  /{a=\$2} END{exit !(a < -1.15 && a > -1.25)}' '$work/out'"

finish
