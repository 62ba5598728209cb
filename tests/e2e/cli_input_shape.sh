#!/usr/bin/env bash
# End to end: a TorchScript model given no --input-shape runs at its data set's own C x H x W (a ResNet-18 traced at
# 3 x 32 x 32 on 3 x 32 x 32 images), and a note on stderr says so whenever images are resized or their channels
# changed, once per analysis.
set -u
: "${CLI:?CLI must point at codescope-cli}" "${TESTDATA:?TESTDATA must point at tests/data}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/e2e_support.sh"
gunzip -c "$TESTDATA/torchscript/resnet18_traced.pt.gz" >"$work/resnet18.pt"
images="npy:$TESTDATA/images/npy/u8_rgb32.npy" # 16 x 3 x 32 x 32
analyze() { "$CLI" analyze --model "$work/resnet18.pt" --dataset "$images" --samples 16 --bootstrap 0 --projections 0 \
  --fit-range 1:8 --max-features 64 --layers relu --quiet "$@"; }
filters() { "$CLI" eigenfilters --model "$work/resnet18.pt" --dataset "$images" --layer relu --samples 16 \
  --components 4 --max-features 64 --quiet "$@"; }

check "analyze --help gives the data set's shape as the default" bash -c "'$CLI' analyze --help | grep -q \"the data set's own C,H,W\""
check "eigenfilters --help too" bash -c "'$CLI' eigenfilters --help | grep -q \"the data set's own C,H,W\""
check "layers --help says it lists a --model at 3,224,224" bash -c "'$CLI' layers --help | grep -q 'at 3,224,224'"
check "analyze without --input-shape exits 0" expect_exit 0 analyze
check "it runs at 3x32x32: conv1's ReLU has 64x16x16 units" grep -Eq ' relu +16384 ' "$work/out"
check "no note when nothing is resized" bash -c "! grep -q '^note:' '$work/err'"
check "analyze --input-shape 3,40,40 exits 0" expect_exit 0 analyze --input-shape 3,40,40
check "the ReLU has 64x20x20 units" grep -Eq ' relu +25600 ' "$work/out"
check "one note says the images are resized" bash -c "[[ \$(grep -c '^note:' '$work/err') -eq 1 ]] && \
  grep -q \"^note: images are resized from 3x32x32 to 3x40x40 (the model's input)\$\" '$work/err'"
check "eigenfilters without --input-shape exits 0" expect_exit 0 filters
check "the filters are of a 3x32x32 input" grep -q "of a 3x32x32 input" "$work/out"
check "no note when nothing is changed" bash -c "! grep -q '^note:' '$work/err'"
check "eigenfilters --input-shape 3,48,48 exits 0" expect_exit 0 filters --input-shape 3,48,48
check "its note says the images are resized" grep -q "^note: images are resized from 3x32x32 to 3x48x48" "$work/err"

finish
