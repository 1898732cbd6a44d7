#!/usr/bin/env bash
# The main job on a fresh Debian machine: install dependencies, build, then compare the Kubernetes
# HPA (default and tuned), Knative's KPA and HyperFaaS on the embedded Figure 1 burst, with plots,
# and say where the results are. Prints a line per step, the comparison table and where the plots
# are; the build's output goes to build/build.log (its path and tail are printed if it fails).
# Extra arguments go to `hfsim compare` (e.g. a scenario file, --policies, --seed).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "hfsim quickstart: $*"; }

say "checking dependencies (scripts/deps.sh; installs what is missing with apt-get)"
scripts/deps.sh

mkdir -p build
log=build/build.log
say "building hfsim (log: $log)"
# The main job needs no test framework: tests are built by scripts/test.sh.
if ! scripts/build.sh build -DHFSIM_TESTS=OFF >"$log" 2>&1; then
  say "the build failed; the end of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi

say "running hfsim compare${*:+ $*}"
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
status=0
build/hfsim compare "$@" 2>"$errors" || status=$?
# hfsim's own messages, without its per-policy progress lines
grep -v '^hfsim: compare \[' "$errors" >&2 || true
[ "$status" -eq 0 ] || exit "$status"
out=$(sed -n 's/^hfsim: compare: \(.*\) (comparison.csv.*/\1/p' "$errors" | tail -n 1)
if [ -n "$out" ] && ls "$out"/*.png >/dev/null 2>&1; then
  say "plots: $(cd "$out" && ls ./*.png | sed 's|^\./||' | tr '\n' ' ')(and .svg) in $out/"
fi
if [ -n "$out" ] && [ -f "$out/report.html" ]; then
  say "report (table and plots on one page, open it in a browser): $out/report.html"
fi
