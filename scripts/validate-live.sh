#!/usr/bin/env bash
# The live-validation benchmark (R2.4): how close the simulator comes to real containers. Calibrates
# the engine once (hfsim live calibrate), then runs `hfsim validate` RUNS times each for hpa-tuned
# and hyperfaas on scenarios/live-burst.json, and prints one row per run and the median over runs:
# the calibrated simulation's error against live for p50 and p99 latency, containers at most and
# cold starts (simulated vs live), the contention warnings, and whether the targets hold (p50 within
# 10 %, p99 within 20 %, the same maximum of containers, cold starts within 1).
#
# A benchmark, not a test: live timings vary with the machine. Run it on an idle machine; each run
# takes 70-100 s of wall time (70 s of arrivals, then the drain), so the default takes ~10 minutes.
#
# usage: scripts/validate-live.sh OUT_DIR [RUNS] [HFSIM] [-- hfsim validate options (--hosts ...)]
#   RUNS 1 to 20 (default 3); HFSIM default: build/hfsim of this checkout; exit 2 on a bad argument
# writes OUT_DIR/calibration.json, OUT_DIR/<policy>-<run>/ (each validation) and OUT_DIR/table.csv.
# OUT_DIR must not exist or be empty.
set -euo pipefail
usage="usage: scripts/validate-live.sh OUT_DIR [RUNS] [HFSIM] [-- hfsim validate options]"
[ $# -ge 1 ] || { echo "$usage" >&2; exit 2; }
out=$1
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
runs=3 hfsim="$root/build/hfsim"
[ $# -gt 0 ] && [ "$1" != -- ] && { runs=$1; shift; }
[ $# -gt 0 ] && [ "$1" != -- ] && { hfsim=$1; shift; }
[ $# -gt 0 ] && [ "$1" = -- ] && shift
scenario="$root/scenarios/live-burst.json"
if ! [[ $runs =~ ^[1-9][0-9]*$ ]] || [ "$runs" -gt 20 ]; then
    echo "validate-live: RUNS must be a whole number from 1 to 20, not \"$runs\"" >&2
    exit 2
fi
[ -x "$hfsim" ] || { echo "validate-live: $hfsim is not an executable (build first, or give HFSIM)" >&2; exit 2; }
if [ -e "$out" ] && { [ ! -d "$out" ] || [ -n "$(ls -A "$out")" ]; }; then
    echo "validate-live: $out exists and is not an empty directory; give a new one" >&2
    exit 2
fi
mkdir -p "$out"
hosts=()
for ((i = 1; i <= $#; i++)); do
    [ "${!i}" = --hosts ] && { j=$((i + 1)); hosts=(--hosts "${!j}"); }
done
"$hfsim" live calibrate "${hosts[@]}" --out "$out/calibration.json"
echo "policy,run,p50_error,p99_error,containers_max_sim,containers_max_live,cold_starts_sim,cold_starts_live,warnings" \
    >"$out/table.csv"
for policy in hpa-tuned hyperfaas; do
    for ((run = 1; run <= runs; run++)); do
        dir="$out/$policy-$run"
        "$hfsim" validate "$scenario" --policy "$policy" --profile "$out/calibration.json" --out "$dir" "$@" \
            >"$dir.log" 2>&1 || { echo "validate-live: $policy run $run failed; see $dir.log" >&2; exit 1; }
        warnings=$(grep -c "warning:" "$dir.log" || true)
        awk -F, -v p="$policy" -v r="$run" -v w="$warnings" '
            $1 == "latency_p50_ms" { p50 = $6 } $1 == "latency_p99_ms" { p99 = $6 }
            $1 == "containers_max" { cs = $3; cl = $4 } $1 == "cold_starts" { ks = $3; kl = $4 }
            END { printf "%s,%d,%s,%s,%s,%s,%s,%s,%s\n", p, r, p50, p99, cs, cl, ks, kl, w }' \
            "$dir/validation.csv" >>"$out/table.csv"
        tail -n 1 "$out/table.csv"
    done
done
python3 - "$out/table.csv" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print()
print(f"{'policy':10} {'run':>4} {'p50 err':>8} {'p99 err':>8} {'max ctr sim/live':>17} {'cold sim/live':>14} {'warn':>5}")
for r in rows:
    print(f"{r['policy']:10} {r['run']:>4} {float(r['p50_error']):+8.1%} {float(r['p99_error']):+8.1%} "
          f"{r['containers_max_sim'] + '/' + r['containers_max_live']:>17} "
          f"{r['cold_starts_sim'] + '/' + r['cold_starts_live']:>14} {r['warnings']:>5}")
print()
for policy in sorted({r['policy'] for r in rows}):
    mine = [r for r in rows if r['policy'] == policy]
    p50 = statistics.median(float(r['p50_error']) for r in mine)
    p99 = statistics.median(float(r['p99_error']) for r in mine)
    same_max = sum(r['containers_max_sim'] == r['containers_max_live'] for r in mine)
    cold = sum(abs(float(r['cold_starts_sim']) - float(r['cold_starts_live'])) <= 1 for r in mine)
    verdict = lambda ok: "met" if ok else "MISSED"
    print(f"{policy}: median p50 error {p50:+.1%} (target 10 %: {verdict(abs(p50) <= 0.10)}), "
          f"median p99 error {p99:+.1%} (target 20 %: {verdict(abs(p99) <= 0.20)}), "
          f"max containers equal in {same_max}/{len(mine)} runs, cold starts within 1 in {cold}/{len(mine)}")
EOF
