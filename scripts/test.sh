#!/usr/bin/env bash
# Runs the test suite: builds what is needed (installing dependencies if missing), then ctest.
# usage: scripts/test.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
dir=${1:-build}
scripts/build.sh "$@"
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)"
