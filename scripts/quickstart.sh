#!/usr/bin/env bash
# The main job on a fresh Debian machine: install dependencies, build, run the embedded default
# scenario, and say where the results are.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
build/hfsim run "$@"
