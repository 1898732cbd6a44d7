#!/usr/bin/env bash
# The main job on a fresh Debian machine: install dependencies, build, run the embedded default
# scenario, then the Figure 1 comparison (default vs tuned Kubernetes HPA under a burst) with plots,
# and say where the results are.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
build/hfsim run "$@"
scripts/figure1.sh build/hfsim
