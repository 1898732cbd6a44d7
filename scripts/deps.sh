#!/usr/bin/env bash
# Installs the Debian packages hfsim needs to build, test, fuzz (clang), plot (gnuplot), test
# sweeps on Slurm (slurm-wlm, munge) and test live mode on two engines (socat relays the engine to
# TCP) (idempotent: only what is missing).
set -euo pipefail
packages=(build-essential cmake pkg-config libgsl-dev libjansson-dev libcsv-dev libcriterion-dev
          libcurl4-openssl-dev gnuplot-nox clang libclang-rt-14-dev slurm-wlm munge socat)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "hfsim: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
