#!/usr/bin/env bash
# Runs every shipped scenario under every policy its model can host and keeps summary.json and
# timeseries.csv of each, so two builds can be compared byte for byte (a refactoring must not move a
# result). usage: scripts/golden.sh OUT_DIR [HFSIM]        then: diff -r OUT_A OUT_B
set -euo pipefail
out=${1:?usage: scripts/golden.sh OUT_DIR [HFSIM]}
hfsim=${2:-build/hfsim}
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=0 refused=0
for scenario in "$root"/scenarios/*.json; do
    name=$(basename "$scenario" .json)
    [ "$name" = live-burst ] && set -- --set duration_s=120 || set --
    for policy in $("$hfsim" policies | awk '{print $1}'); do
        if "$hfsim" run "$scenario" --policy "$policy" "$@" --out "$work/$name-$policy" -q 2>"$work/err"; then
            mkdir -p "$out/$name-$policy"
            cp "$work/$name-$policy/summary.json" "$work/$name-$policy/timeseries.csv" "$out/$name-$policy/"
            runs=$((runs + 1))
        elif grep -q "does not provide" "$work/err"; then
            refused=$((refused + 1)) # a policy the scenario's model cannot host: refused by design
        else
            cat "$work/err" >&2
            exit 1
        fi
    done
done
echo "golden: $runs runs kept in $out ($refused policy/model pairs refused by design)"
