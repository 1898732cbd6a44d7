#!/usr/bin/env bash
# Runs one scenario under several policies and seeds and prints a Markdown table of medians over
# the seeds: p50/p99 latency, time to stabilize, failed requests, CPU core-seconds allocated and
# used, memory GB-seconds, cold starts, resizes, specializations.
# Usage: scripts/compare-policies.sh SCENARIO.json [SEEDS (default "1 2 3 4 5")] [POLICIES] [HFSIM]
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=$1
seeds=${2:-"1 2 3 4 5"}
policies=${3:-"hpa hpa-tuned hyperfaas"}
hfsim=${4:-build/hfsim}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

field() { # FILE KEY [OCCURRENCE]: the value after "KEY": in a summary.json (null -> nan)
    grep -o "\"$2\": [^,}]*" "$1" | sed -n "${3:-1}p" | sed 's/.*: //; s/null/nan/'
}
median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

echo "| policy | p50 ms | p99 ms | time to stabilize s | failed | CPU core-s allocated | used | memory GB-s | cold starts | resizes | specializations |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for policy in $policies; do
    for seed in $seeds; do
        "$hfsim" run "$scenario" --policy "$policy" --seed "$seed" --out "$work/$policy-$seed" -q
    done
    row="| $policy"
    for spec in "p50" "p99" "time_to_stabilize_s" "total" "allocated" "used" "memory_gb_s" "cold_starts" "resizes" "specializations"; do
        value=$(for seed in $seeds; do field "$work/$policy-$seed/summary.json" "$spec"; done | median)
        row="$row | $(printf '%.6g' "$value")"
    done
    echo "$row |"
done
