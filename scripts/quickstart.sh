#!/usr/bin/env bash
# The main job on a fresh Debian machine: install dependencies, build, then compare the Kubernetes
# HPA (default and tuned), Knative's KPA and HyperFaaS on the embedded Figure 1 burst, with plots,
# and say where the results are. Extra arguments go to `hfsim compare` (e.g. a scenario file,
# --policies, --seed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
build/hfsim compare "$@"
