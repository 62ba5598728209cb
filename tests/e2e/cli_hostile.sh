#!/usr/bin/env bash
# End to end: hostile input (issue 16). Every case must end in exit 2 with one line naming the file, within a time
# limit (no hang) and a virtual-memory limit (no allocation that the file's real size cannot justify). The mutants
# live in tests/data/fuzz and tests/data/hostile (made by tests/data/make_fuzz_seeds.py); pipes, devices and odd names are made here.
set -u
: "${CLI:?CLI must point at codescope-cli}" "${TESTDATA:?TESTDATA must point at tests/data}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/e2e_support.sh"
fuzz="$TESTDATA/fuzz"
# LibTorch, Qt and OpenBLAS reserve about 1.5 GB of address space at start; 3 GB leaves no room for a lying header.
memory_kb=3000000

bounded() { # command...: with a time limit and an address-space limit; exit 124 on a hang
  (ulimit -v "$memory_kb"; exec timeout 60 "$@")
}
refused() { # name, substring the one line must hold, command...
  local name=$1 substring=$2; shift 2
  check "$name" expect_exit 2 bounded "$@"
  check "  one line naming $(basename -- "$substring")" one_line_naming "$substring"
}

# A run folder the CLI accepts (resnet-vae-small, the fixture's weights) and one whose config is tiny, so that any
# small state_dict passes the config-against-file check and reaches the archive checks.
run="$work/run"
mkdir -p "$run"
cp "$TESTDATA/resnet_vae/small_state_dict.pt" "$run/model.pt"
cat >"$run/manifest.json" <<'EOF'
{"finished": true, "model": "resnet-vae-small", "model_config": {"dropout": 0.2, "input_channels": 1,
 "input_size": 28, "width_divisor": 8, "hidden": 128, "hidden2": 128, "latent": 32}}
EOF
tiny_run() { # model.pt source: a fresh run folder $work/t with the tiny config
  rm -rf "$work/t"; mkdir -p "$work/t"
  cat >"$work/t/manifest.json" <<'EOF'
{"finished": true, "model": "resnet-vae-small", "model_config": {"dropout": 0.2, "input_channels": 1,
 "input_size": 28, "width_divisor": 64, "hidden": 1, "latent": 1}}
EOF
  cp "$1" "$work/t/model.pt"
}
lm="$TESTDATA/torchscript/lm_traced.pt"
images="$TESTDATA/images/idx_raw/t10k-images-idx3-ubyte"

# 1. Pipes and devices: refused at open, never waited on or read to the end.
mkfifo "$work/pipe"
refused "a pipe as activations" "$work/pipe" "$CLI" spectrum --input "$work/pipe"
refused "a pipe as IDX images" "$work/pipe" "$CLI" analyze --run "$run" --dataset "fashion-mnist:$work/pipe" --quiet
refused "a pipe as .npy images" "$work/pipe" "$CLI" analyze --run "$run" --dataset "npy:$work/pipe" --quiet
refused "a pipe as a TorchScript model" "$work/pipe" "$CLI" layers --model "$work/pipe"
mkdir -p "$work/piperun" && cp "$run/manifest.json" "$work/piperun/" && mkfifo "$work/piperun/model.pt"
refused "a pipe as a run's model.pt" "model.pt" "$CLI" layers --run "$work/piperun"
rm "$work/piperun/manifest.json" && mkfifo "$work/piperun/manifest.json"
refused "a pipe as a run's manifest" "manifest.json" "$CLI" layers --run "$work/piperun"
refused "a pipe as token ids" "$work/pipe" "$CLI" analyze --model "$lm" --dataset "tokens:$work/pipe" --quiet
refused "a pipe as a text" "$work/pipe" "$CLI" analyze --model "$lm" --text "$work/pipe" \
  --tokenizer "$TESTDATA/tokenizer" --context 8 --quiet
mkdir -p "$work/tok" && cp "$TESTDATA/tokenizer/merges.txt" "$work/tok/" && mkfifo "$work/tok/vocab.json"
refused "a pipe as vocab.json" "vocab.json" "$CLI" analyze --model "$lm" --text "$TESTDATA/language/invalid_utf8.txt" \
  --tokenizer "$work/tok" --context 8 --quiet
rm "$work/tok/vocab.json" && ln -s /dev/zero "$work/tok/vocab.json"
refused "/dev/zero as vocab.json" "vocab.json" "$CLI" analyze --model "$lm" \
  --text "$TESTDATA/language/invalid_utf8.txt" --tokenizer "$work/tok" --context 8 --quiet
rm "$work/tok/vocab.json" && cp "$TESTDATA/tokenizer/vocab.json" "$work/tok/" && rm "$work/tok/merges.txt" &&
  ln -s /dev/zero "$work/tok/merges.txt"
refused "/dev/zero as merges.txt" "merges.txt" "$CLI" analyze --model "$lm" \
  --text "$TESTDATA/language/invalid_utf8.txt" --tokenizer "$work/tok" --context 8 --quiet
ln -s /dev/zero "$work/zero.txt"
refused "/dev/zero as the text" "zero.txt" "$CLI" analyze --model "$lm" --text "$work/zero.txt" \
  --tokenizer "$TESTDATA/tokenizer" --context 8 --quiet
rm "$work/piperun/manifest.json" && ln -s /dev/zero "$work/piperun/manifest.json"
refused "/dev/zero as a run's manifest" "manifest.json" "$CLI" layers --run "$work/piperun"
refused "a tokenizer file that is a folder" "vocab.json" bash -c \
  "mkdir -p '$work/dirtok/vocab.json' && cp '$TESTDATA/tokenizer/merges.txt' '$work/dirtok/' && \
   '$CLI' analyze --model '$lm' --text '$TESTDATA/language/invalid_utf8.txt' --tokenizer '$work/dirtok' --context 8 --quiet"

# 2. Model archives that LibTorch would read past a buffer or allocate from.
for mutant in "$fuzz"/state_dict/hostile-*.pt; do
  name=$(basename "$mutant" .pt)
  refused "TorchScript check: $name" "$name" "$CLI" layers --model "$mutant"
  if [[ $name != hostile-torchscript-* ]]; then
    tiny_run "$mutant"
    refused "run model.pt check: $name" "model.pt" "$CLI" layers --run "$work/t"
  fi
done

# 3. Headers that claim more than the file holds.
for image in "$fuzz"/image_file/hostile-*; do
  rm -rf "$work/img" && mkdir -p "$work/img" && cp "$image" "$work/img/"
  refused "image header: $(basename "$image")" "$(basename "$image")" "$CLI" analyze --run "$run" \
    --dataset "images:$work/img" --quiet
done
check "a 2.3 MB gzip IDX of 3,000,000 images (2.35 GB) costs only the 50 asked for" expect_exit 0 bounded "$CLI" \
  analyze --run "$run" --dataset "fashion-mnist:$TESTDATA/hostile/gzip-bomb-images-idx3-ubyte.gz" --samples 50 \
  --bootstrap 0 --projections 0 --layers resnet.2 --fit-range 2:10 --quiet
refused "IDX dimensions beyond the file" "hostile-lying-dims" "$CLI" analyze --run "$run" \
  --dataset "fashion-mnist:$fuzz/idx/hostile-lying-dims-images-idx3-ubyte" --quiet
for vocab in spaced-ids one-large-id nested-vocab; do
  rm -rf "$work/v" && mkdir -p "$work/v"
  # The seed is vocab.json, a NUL byte, then merges.txt: the part before the NUL is the vocab.
  IFS= read -r -d '' content <"$fuzz/vocab_merges/hostile-$vocab"
  printf '%s' "$content" >"$work/v/vocab.json"
  cp "$TESTDATA/tokenizer/merges.txt" "$work/v/"
  refused "vocab.json: $vocab" "vocab.json" "$CLI" analyze --model "$lm" --text "$TESTDATA/language/invalid_utf8.txt" \
    --tokenizer "$work/v" --context 8 --quiet
done
printf '{"a":%.0s' $(seq 200000) >"$work/v/vocab.json"; echo 1 >>"$work/v/vocab.json"
refused "vocab.json of 200,000 nested objects" "vocab.json" "$CLI" analyze --model "$lm" \
  --text "$TESTDATA/language/invalid_utf8.txt" --tokenizer "$work/v" --context 8 --quiet
cp "$fuzz/json/hostile-manifest-huge-config.json" "$work/t/manifest.json"
refused "manifest sizes of 2^40" "manifest.json" "$CLI" layers --run "$work/t"
cp "$fuzz/json/hostile-manifest-wrong-types.json" "$work/t/manifest.json"
refused "manifest fields of the wrong JSON type" "manifest.json" "$CLI" layers --run "$work/t"
refused "a layer name of 100,000 characters" "hostile-long-layer-name.json" "$CLI" report \
  --analysis "$fuzz/json/hostile-long-layer-name.json" --pdf "$work/r.pdf"
refused "a number like 4e99999" "hostile-number-4e99999.json" "$CLI" report \
  --analysis "$fuzz/json/hostile-number-4e99999.json" --pdf "$work/r.pdf"

# 4. Values the analysis cannot use, named in the file.
refused "values near 1e307" "hostile-huge-values.npy" "$CLI" spectrum --input "$fuzz/npy_header/hostile-huge-values.npy"
refused "4-channel images for a 1-channel model" "four-channel-images.npy" "$CLI" analyze --run "$run" \
  --dataset "npy:$TESTDATA/hostile/four-channel-images.npy" --quiet

# 5. A damaged cache is reported in one line and recomputed.
cache_args=(--run "$run" --dataset "fashion-mnist:$images" --samples 20 --bootstrap 0 --projections 0
  --layers resnet.2 --fit-range 2:10)
check "analyze with the cache writes one" expect_exit 0 bounded "$CLI" analyze "${cache_args[@]}" --quiet \
  --json "$work/a.json"
for cache in "$run"/analysis-*.json; do echo '{"layers": [{"name": "x", "alpha": 4e99999}]}' >"$cache"; done
check "a damaged cache is recomputed" expect_exit 0 bounded "$CLI" analyze "${cache_args[@]}"
check "  with a warning naming it" grep -q "analysis-" "$work/err"

# 6. Names and outputs.
nl_name="$work/bad"$'\n'"name.npy"
cp "$fuzz/npy_header/hostile-huge-values.npy" "$nl_name"
check "a file name with a newline stays on one line" expect_exit 2 bounded "$CLI" spectrum --input "$nl_name"
check "  one line, the newline escaped" one_line_naming 'bad\\nname.npy'
refused "an empty --pdf" "empty output file name" "$CLI" report --analysis "$work/a.json" --pdf ""
ln -s /dev/full "$work/full.pdf"
refused "a report to a symlink to /dev/full" "full.pdf" "$CLI" report --analysis "$work/a.json" --pdf "$work/full.pdf"
finish
