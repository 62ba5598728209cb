#!/usr/bin/env bash
# Scaling of `codescope-cli analyze` over MPI ranks (issue 15): the same analysis (a ResNet-18 traced at 3 x 32 x 32,
# the test fixture, over IMAGES reproducible pseudo-random images, four ReLU layers, a 100-resample bootstrap) alone
# and under mpirun -np 2 and 4, with its wall time, speed-up and parallel efficiency, and a check that every rank
# count gives the single process's alpha. On a machine with fewer cores than ranks the ranks share cores
# (--oversubscribe): the efficiency printed is what this machine gives, not what a cluster would.
# Usage: bench/mpi_scaling.sh [BUILD_DIR] [IMAGES]   (defaults: build, 2000)
set -euo pipefail
build=${1:-build}
images=${2:-2000}
cli="$build/bin/codescope-cli"
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_base_warn_component_unused=0 OMPI_MCA_btl_vader_single_copy_mechanism=none
gunzip -c "$repo/tests/data/torchscript/resnet18_traced.pt.gz" >"$work/resnet18.pt"
header="{'descr': '|u1', 'fortran_order': False, 'shape': ($images, 3, 32, 32), }"
while (((10 + ${#header} + 1) % 64)); do header+=" "; done
{ printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $(((${#header} + 1) % 256)))\\x$(printf %02x $(((${#header} + 1) / 256)))"
  printf '%s\n' "$header"
  { openssl enc -aes-128-ctr -nosalt -K 0f -iv 0 -in /dev/zero 2>/dev/null || true; } | head -c $((images * 3 * 32 * 32)); } \
  >"$work/images.npy"
args=(analyze --model "$work/resnet18.pt" --dataset "npy:$work/images.npy" --batch 50 --max-features 2000
  --layers relu,layer2.1.relu#2,layer3.1.relu#2,layer4.1.relu#2 --bootstrap 100 --projections 0 --quiet)

echo "ranks  threads  seconds  speed-up  efficiency  alpha of each layer ($(nproc) cores, $images images)"
base=""
for n in 1 2 4; do
  # The cores shared out: each rank's LibTorch gets cores / ranks threads (at least one), no rank is bound to a
  # core, and a rank waiting in a collective yields its core instead of spinning (it would steal it from another).
  threads=$(((nproc = $(nproc)) / n > 0 ? nproc / n : 1))
  start=$(date +%s.%N)
  if ((n == 1)); then
    OMP_NUM_THREADS=$threads "$cli" "${args[@]}" --json "$work/r$n.json" >/dev/null
  else
    OMP_NUM_THREADS=$threads mpirun --oversubscribe --allow-run-as-root --bind-to none --mca mpi_yield_when_idle 1 \
      -x OMP_NUM_THREADS -np "$n" "$cli" "${args[@]}" --json "$work/r$n.json" >/dev/null
  fi
  seconds=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { print a - b }')
  [[ -n $base ]] || base=$seconds
  alphas=$(jq -r '[.layers[].alpha | tostring] | join(" ")' "$work/r$n.json")
  awk -v n="$n" -v t="$threads" -v s="$seconds" -v b="$base" -v a="$alphas" \
    'BEGIN { printf "%5d  %7d  %7.1f  %8.2f  %10.2f  %s\n", n, t, s, b / s, b / s / n, a }'
done 2> >(grep -v '^note:' >&2)
