#!/usr/bin/env bash
# End to end (issue 15): `analyze`, `eigenfilters` and `trajectories` sharded over MPI ranks give the single
# process's results. The same analysis of a ResNet-18 (traced at 3 x 32 x 32) over 300 images runs alone, then under
# `mpirun -np 2` and `-np 3`; alpha, its interval, bootstrap bias and standard error and every eigenvalue must agree
# to 1e-9 relative on both sides of the engine: conv1's ReLU keeps 400 of its 16384 features for 300 samples (the
# Gram side) and layer4's last ReLU 256 of 512 (the covariance side, with the bootstrap's second pass). Eigenfilters
# and token trajectories under -np 3 must write the very files of one process; a sweep's runs are sharded in turn.
# Then a rank that cannot read its slice (a NaN pixel in image 250, which only the last rank reads) must stop every
# rank with one line naming it, exit 2 and leave no result file and no cache; a rank killed with SIGKILL must end
# the job within seconds with the launcher's message naming it, and no result file.
# Skipped (exit 0, with a message) where mpirun or an MPI build of codescope-cli is missing.
set -u
: "${CLI:?CLI must point at codescope-cli}" "${TESTDATA:?TESTDATA must point at tests/data}"
if ! command -v mpirun >/dev/null; then
  echo "skipped: mpirun is not installed (apt install mpi-default-bin)"
  exit 0
fi
if ! command -v jq >/dev/null; then
  echo "FAIL jq is needed to compare the results (apt install jq)"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/e2e_support.sh"
export work
# Quiet Open MPI: no warnings about unused network components, and the shared-memory transport only (one machine).
# No single-copy (CMA) transfers either: containers often forbid the ptrace they need.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_base_warn_component_unused=0 OMPI_MCA_btl_vader_single_copy_mechanism=none
# One LibTorch thread in every process: some kernels (a ResNet-VAE's convolutions) round differently with another
# thread count, and mpirun binds each rank to one core while a process alone takes them all.
export OMP_NUM_THREADS=1
ranks() { mpirun --oversubscribe --allow-run-as-root -x OMP_NUM_THREADS -np "$@"; }

if ! ranks 2 "$CLI" analyze --help >/dev/null 2>"$work/probe"; then
  if grep -q "built without MPI" "$work/probe"; then
    echo "skipped: this codescope-cli was built without MPI (CODESCOPE_MPI=OFF)"
    exit 0
  fi
  echo "FAIL mpirun could not start codescope-cli: $(cat "$work/probe")"
  exit 1
fi

# An .npy of `count` images C x H x W (IMAGE, default 3 x 32 x 32) of `descr` (|u1 or <f4) holding `bytes` (a
# command writing the payload).
npy() { # file count descr item-bytes payload-command...
  local file=$1 count=$2 descr=$3 item=$4 c h w; shift 4
  read -r c h w <<<"${IMAGE:-3 32 32}"
  local header="{'descr': '$descr', 'fortran_order': False, 'shape': ($count, $c, $h, $w), }"
  while (((10 + ${#header} + 1) % 64)); do header+=" "; done
  { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $(((${#header} + 1) % 256)))\\x$(printf %02x $(((${#header} + 1) / 256)))"
    printf '%s\n' "$header"; "$@" | head -c $((count * c * h * w * item)); } >"$file"
}
# Reproducible pixels: a fixed key's AES stream.
npy "$work/images.npy" 300 '|u1' 1 openssl enc -aes-128-ctr -nosalt -K 0f -iv 0 -in /dev/zero 2>/dev/null
gunzip -c "$TESTDATA/torchscript/resnet18_traced.pt.gz" >"$work/resnet18.pt"
analyze=("$CLI" analyze --model "$work/resnet18.pt" --dataset "npy:$work/images.npy" --samples 300 --batch 25
  --max-features 400 --layers relu,layer4.1.relu#2 --bootstrap 50 --projections 0 --quiet)

# Every layer's numbers of the result `b` against those of `a`, relative to 1e-9. An eigenvalue at rounding level
# (below 1e-12 of the layer's largest: the Gram side's last one, the centred rows' rank being n - 1) is noise in
# either run and is compared against that floor instead.
same_results() { # a.json b.json
  jq -e -n --slurpfile a "$1" --slurpfile b "$2" '
    def close($x; $y; $floor): ($x == $y) or (($x - $y | fabs) <= ([1e-9 * ([($x | fabs), ($y | fabs)] | max), $floor] | max));
    def checked: [.alpha, .alpha_ci95[0], .alpha_ci95[1], .alpha_bootstrap_bias, .alpha_standard_error] + .eigenvalues;
    ($a[0].layers | length) == ($b[0].layers | length) and
    ([range($a[0].layers | length) as $i | $a[0].layers[$i] as $x | $b[0].layers[$i] as $y |
      ($x.eigenvalues | max) as $top |
      $x.name == $y.name and $x.side == $y.side and $x.status == $y.status and
      (($x | checked) | length) == (($y | checked) | length) and
      ([($x | checked), ($y | checked)] | transpose | all(close(.[0]; .[1]; 1e-12 * $top)))] | all)' >/dev/null ||
    { echo "  $2 differs from $1"; return 1; }
}
# What codescope-cli itself wrote to stderr: mpirun's own notices (blocks between lines of dashes) left out.
ours() { sed '/^-\{20,\}$/,/^-\{20,\}$/d' "$work/err"; }
export -f ours

check "one process analyses the images" expect_exit 0 "${analyze[@]}" --json "$work/one.json"
check "one layer on each side of the engine (Gram, covariance)" bash -c "[[ \$(jq -r '[.layers[].side] | join(\",\")' \
  '$work/one.json') == gram,covariance ]]"
check "both layers have an interval" bash -c "jq -e '[.layers[].alpha_ci95[0] | numbers] | length == 2' \
  '$work/one.json' >/dev/null"
for n in 2 3; do
  check "mpirun -np $n exits 0" expect_exit 0 ranks "$n" "${analyze[@]}" --json "$work/ranks$n.json"
  check "-np $n prints one report (rank 0's)" bash -c "[[ \$(grep -c '(300 samples)' '$work/out') -eq 1 ]]"
  check "-np $n equals one process to 1e-9" same_results "$work/one.json" "$work/ranks$n.json"
done

# Eigenfilters: the images' batches sharded, rank 0 gathers them and solves; the filters are those of one process.
filters=("$CLI" eigenfilters --model "$work/resnet18.pt" --dataset "npy:$work/images.npy" --samples 300
  --layer layer1.0.relu --components 4 --quiet)
check "eigenfilters alone" expect_exit 0 "${filters[@]}" --npy "$work/f1.npy" --json "$work/f1.json"
cp "$work/out" "$work/f1.out"
check "eigenfilters under mpirun -np 3 exits 0" expect_exit 0 ranks 3 "${filters[@]}" --npy "$work/f3.npy" \
  --json "$work/f3.json"
check "  prints the same table (rank 0 only)" cmp -s "$work/f1.out" "$work/out"
check "  writes the same filters" cmp -s "$work/f1.npy" "$work/f3.npy"
check "  and the same eigenvalues" bash -c "jq -e -n --slurpfile a '$work/f1.json' --slurpfile b '$work/f3.json' \
  '\$a[0].eigenvalues == \$b[0].eigenvalues and \$a[0].samples == 300' >/dev/null"

# 100 images are two batches of 64: with three ranks one has none, and rank 0 must still report the layer's shape.
few=("$CLI" eigenfilters --model "$work/resnet18.pt" --dataset "npy:$work/images.npy" --samples 100
  --layer layer1.0.relu --components 4 --quiet)
check "eigenfilters of two batches alone" expect_exit 0 "${few[@]}" --npy "$work/g1.npy"
cp "$work/out" "$work/g1.out"
check "  under mpirun -np 3 exits 0" expect_exit 0 ranks 3 "${few[@]}" --npy "$work/g3.npy"
check "  prints the same table" cmp -s "$work/g1.out" "$work/out"
check "  and writes the same filters" cmp -s "$work/g1.npy" "$work/g3.npy"

# Token trajectories: 20 sequences in batches of 8, the batches sharded; one sequence leaves two ranks idle.
lm=("$CLI" trajectories --model "$TESTDATA/torchscript/lm_traced.pt" --dataset "tokens:$TESTDATA/language/lm_tokens.npy"
  --draws 50)
for sequences in 20 1; do
  check "trajectories of $sequences sequences alone" expect_exit 0 "${lm[@]}" --sequences $sequences \
    --json "$work/t1.json"
  cp "$work/out" "$work/t1.out"
  check "  under mpirun -np 3 exit 0" expect_exit 0 ranks 3 "${lm[@]}" --sequences $sequences --json "$work/t3.json"
  check "  print the same table (rank 0 only)" cmp -s "$work/t1.out" "$work/out"
  check "  and write the same trajectories" cmp -s "$work/t1.json" "$work/t3.json"
done

# A sweep: every run's samples sharded in turn; rank 0 prints the same table and writes each run's cache.
if [[ -e /usr/share/datasets/fashion-mnist ]]; then
  "$CLI" train --dropout 0,0.5 --samples 200 --test-samples 50 --batch 50 --epochs 1 --out "$work/sweep" --quiet \
    >/dev/null 2>&1
  sweep=("$CLI" analyze --sweep "$work/sweep" --dataset fashion-mnist --samples 300 --batch 50 --bootstrap 20
    --projections 10 --quiet)
  check "analyze --sweep alone" expect_exit 0 "${sweep[@]}" --no-cache
  cp "$work/out" "$work/sweep1.out"
  check "analyze --sweep under mpirun -np 2 exits 0" expect_exit 0 ranks 2 "${sweep[@]}"
  check "  prints the same table (rank 0 only)" cmp -s "$work/sweep1.out" "$work/out"
  check "  rank 0 cached both runs" bash -c "ls '$work'/sweep/dropout-0/analysis-*.json \
    '$work'/sweep/dropout-0.5/analysis-*.json >/dev/null"
  check "  which a process alone then reads" expect_exit 0 "${sweep[@]}"
  check "  (both cached)" bash -c "[[ \$(grep -c ', cached' '$work/out') -eq 2 ]]"
  # Data that fail in a sweep (a NaN pixel in image 250 of 28 x 28 images): every rank stops, and no cache is written.
  IMAGE="1 28 28" npy "$work/bad28.npy" 300 '<f4' 4 cat /dev/zero
  payload=$((300 * 28 * 28 * 4))
  printf '\x00\x00\xc0\x7f' | dd of="$work/bad28.npy" bs=1 conv=notrunc status=none \
    seek=$(($(stat -c %s "$work/bad28.npy") - payload + 250 * 28 * 28 * 4))
  caches() { ls "$work"/sweep/dropout-*/analysis-*.json | wc -l; }
  before=$(caches)
  check "a sweep whose data fail on one rank exits 2" expect_exit 2 ranks 3 "${sweep[@]/fashion-mnist/npy:$work/bad28.npy}"
  check "  naming the reason for each run, as a process alone does" bash -c "[[ \$(ours | \
    grep -c '^error: run dropout-0.* not analysed: .*bad28.npy: value NaN at image 250') -eq 2 ]] || { ours; false; }"
  check "  and writes no cache" test "$(caches)" -eq "$before"
else
  echo "skipped the sweep: Fashion-MNIST is not installed (dataset-fashion-mnist)"
fi

# A rank that fails: float32 images, all zero but a NaN pixel in image 250 (in the last rank's slice of analyze's samples).
npy "$work/bad.npy" 300 '<f4' 4 cat /dev/zero
payload=$((300 * 3 * 32 * 32 * 4))
printf '\x00\x00\xc0\x7f' | dd of="$work/bad.npy" bs=1 seek=$(($(stat -c %s "$work/bad.npy") - payload + 250 * 3 * 32 * 32 * 4)) \
  conv=notrunc status=none
bad=("$CLI" analyze --model "$work/resnet18.pt" --dataset "npy:$work/bad.npy" --batch 25 --max-features 400
  --layers relu --bootstrap 0 --projections 0 --quiet --json "$work/bad.json")
check "a failing rank stops every rank with exit 2" expect_exit 2 ranks 3 "${bad[@]}"
check "one line names the rank and the reason" bash -c "[[ \$(ours | wc -l) -eq 1 ]] && \
  ours | grep -q '^codescope-cli: error: rank 2 of 3: .*bad.npy: value NaN at image 250'"
check "no result file is left" test ! -e "$work/bad.json"
check "alone, the same data fail as they always did" expect_exit 2 "${bad[@]}"
check "with one line naming the file" one_line_naming "bad.npy: value NaN at image 250"
check "and no rank" bash -c "! grep -q 'rank' '$work/err'"
check "eigenfilters: a failing rank stops every rank with exit 2" expect_exit 2 ranks 3 "$CLI" eigenfilters \
  --model "$work/resnet18.pt" --dataset "npy:$work/bad.npy" --layer relu --quiet --npy "$work/bad-filters.npy"
# Eigenfilters deal out whole batches of 64, two to a rank: image 250 is in rank 1's second batch.
check "  with one line naming the rank and the reason" bash -c "[[ \$(ours | wc -l) -eq 1 ]] && \
  ours | grep -q '^codescope-cli: error: rank 1 of 3: .*bad.npy: value NaN at image 250'"
check "  and no filters file" test ! -e "$work/bad-filters.npy"
# A rank that is killed (SIGKILL, as the kernel's out-of-memory killer does): the launcher ends the other ranks within
# seconds and names the rank and the signal; rank 0 writes nothing. Each rank records its pid before it starts.
# Open MPI's mpirun itself has been seen to hang in its teardown after reporting (a PMIx "UNREACHABLE" error) with
# every rank already ended, so what is timed is the ranks, and the launcher is ended by `timeout` if it lingers.
rm -f "$work"/pid.*
timeout -k 5 60 mpirun --oversubscribe --allow-run-as-root -x OMP_NUM_THREADS -np 3 \
  sh -c 'echo $$ >"$0.$OMPI_COMM_WORLD_RANK"; exec "$@"' "$work/pid" "${analyze[@]}" --bootstrap 400 \
  --json "$work/killed.json" >"$work/out" 2>"$work/err" &
launcher=$!
for _ in $(seq 300); do [[ -s "$work/pid.2" ]] && break; sleep 0.1; done
sleep 1
kill -9 "$(cat "$work/pid.2")"
ended() { # every rank has exited (gone, or a zombie its launcher has not reaped)
  local f; for f in "$work"/pid.*; do
    [[ ! -e /proc/$(cat "$f")/stat ]] || [[ $(awk '{print $3}' "/proc/$(cat "$f")/stat" 2>/dev/null) == Z ]] || return 1
  done
}
waited=0
until ended || ((waited >= 200)); do sleep 0.1; waited=$((waited + 1)); done
check "a killed rank ends every rank within 20 s" ended
wait "$launcher"
code=$?
check "  the job exits with an error" test "$code" -ne 0
check "  the launcher names the rank and the signal" grep -q "rank 2 .*signal 9" "$work/err"
check "  and no result file is left" test ! -e "$work/killed.json"
check "other commands refuse to run as several ranks" expect_exit 2 ranks 2 "$CLI" theory
check "with one line" bash -c "[[ \$(ours | wc -l) -eq 1 ]] && \
  ours | grep -q 'only analyze, eigenfilters and trajectories shard over MPI ranks'"

finish
