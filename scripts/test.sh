#!/usr/bin/env bash
# Runs the test suite: installs what the tests need (scripts/deps.sh --test), builds with the tests
# (the build's output goes to BUILD_DIR/build.log; its tail is printed if it fails), then ctest.
# usage: scripts/test.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
dir=${1:-build}
shift || true
mkdir -p "$dir"
log=$dir/build.log
echo "hfsim test: building $dir (log: $log)"
if ! scripts/build.sh "$dir" -DHFSIM_TESTS=ON "$@" >"$log" 2>&1; then
  echo "hfsim test: the build failed; the end of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)"
