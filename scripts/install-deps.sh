#!/usr/bin/env bash
# Installs the Debian 12 packages Codescope builds and runs with. Safe to re-run: it asks apt only for what is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libeigen3-dev nlohmann-json3-dev zlib1g-dev libstb-dev
  libopenblas0-pthread libopenblas-pthread-dev   # without OpenBLAS every product is 30-60x slower
  googletest libgtest-dev libgmock-dev
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev libvulkan-dev libgl-dev libegl-dev
  libvtk9-dev mpi-default-dev libtorch-dev
  mpi-default-bin jq                              # mpirun for analyze over MPI ranks and its test (jq compares)
  libicu-dev libcurl4-openssl-dev                # the BPE tokenizer's Unicode classes; the explainer's HTTP client
  dataset-fashion-mnist
  xvfb xauth libgl1-mesa-dri libglx-mesa0 qt6-qpa-plugins poppler-utils
  dpkg-dev appstream                              # the .deb (dpkg-shlibdeps) and its metadata check
  clang-format                                    # scripts/check-format.sh
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
