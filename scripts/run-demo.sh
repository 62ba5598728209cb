#!/usr/bin/env bash
# Command 1 of the README: install what is missing, build, and run the main job on the embedded default: the paper's
# dropout sweep (the small ResNet-VAE at five dropout rates on Fashion-MNIST, about ten minutes on two cores the
# first time, reused afterwards), analysed layer by layer. With a display the app opens it with the dropout slider;
# without one (a server, CI) the same job runs through codescope-cli and ends in a PDF report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -z "${CODESCOPE_NO_GUI:-}" ]]; then
  exec build/bin/codescope --demo
fi
sweep=runs/demo
build/bin/codescope-cli train --out "$sweep"
build/bin/codescope-cli analyze --sweep "$sweep" --dataset fashion-mnist --quiet
build/bin/codescope-cli report --sweep "$sweep" --pdf "$sweep/report.pdf"
echo "run-demo: the sweep, its cached analyses and report.pdf are in $sweep/ (open it with build/bin/codescope $sweep)"
