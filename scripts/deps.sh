#!/usr/bin/env bash
# Installs the Debian packages hfsim needs (idempotent: only what is missing).
#   scripts/deps.sh          what the main job needs (scripts/quickstart.sh): compiler, CMake,
#                            pkg-config, GSL, jansson, libcsv, libcurl, zlib and liblzma (compressed
#                            traces), gnuplot (plots)
#   scripts/deps.sh --test   that and what only the tests need (scripts/test.sh, .ci/run): Criterion,
#                            clang and its runtime (fuzzing, scripts/fuzz.sh), Slurm and munge (the
#                            Slurm sweep test), socat (the two-engine live test), xz (fuzz seeds),
#                            iproute2 and openssl (the second engine of the two-host test),
#                            chromium-headless-shell (report.html rendered in a real browser)
# The main build does not need Criterion: quickstart configures with -DHFSIM_TESTS=OFF.
# apt-get's output goes to build/deps.log; on failure its path and tail are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(build-essential cmake pkg-config libgsl-dev libjansson-dev libcsv-dev libcurl4-openssl-dev
          zlib1g-dev liblzma-dev gnuplot-nox python3)
case "${1:-}" in
  --test) packages+=(libcriterion-dev clang libclang-rt-14-dev slurm-wlm munge socat xz-utils iproute2 openssl
                  chromium-headless-shell) ;;
  "") ;;
  *) echo "usage: scripts/deps.sh [--test]" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
mkdir -p build
log=build/deps.log
echo "hfsim: installing ${missing[*]} (apt-get; log: $log)" >&2
if ! { $sudo apt-get update -q &&
       DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
     >"$log" 2>&1; then
  echo "hfsim: installing the dependencies failed; the end of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
