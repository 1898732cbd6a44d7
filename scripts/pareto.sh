#!/usr/bin/env bash
# Shahrad et al.'s Pareto figure (ATC'20, Figure 15), reproduced on a synthetic Azure day: the 75th
# percentile over apps of their cold-start percentage against the wasted memory time (memory of
# loaded, idle containers over time), normalized to the fixed 10-minute keep-alive, for fixed
# keep-alive windows of 5 minutes to 4 hours and for the hybrid-histogram policy.
#
# usage: scripts/pareto.sh OUT_DIR [HFSIM] [FUNCTIONS] [INVOCATIONS] [UNIT]
#   defaults: build/hfsim, 1000 functions, 10,000,000 invocations over 1,440 minutes (about 2 s a run),
#   UNIT app (as the paper: an app's functions share its containers and hybrid keeps one histogram
#   per app; `function` replays each function on its own)
# writes OUT_DIR/trace (the generated day), OUT_DIR/fixed (the sweep), OUT_DIR/hybrid (the run),
# OUT_DIR/pareto.csv and OUT_DIR/pareto.png. OUT_DIR must not exist or be empty.
set -euo pipefail
out=${1:?usage: scripts/pareto.sh OUT_DIR [HFSIM] [FUNCTIONS] [INVOCATIONS] [UNIT]}
hfsim=${2:-build/hfsim}
functions=${3:-1000}
invocations=${4:-10000000}
unit=${5:-app}
root="$(cd "$(dirname "$0")/.." && pwd)"
scenario="$root/scenarios/azure-pareto.json"
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
    echo "pareto: $out exists and is not empty; give a new directory" >&2
    exit 2
fi
mkdir -p "$out"
"$hfsim" trace gen --functions "$functions" --minutes 1440 --invocations "$invocations" --out "$out/trace"
path="$out/trace/invocations_per_function_md.anon.d01.csv"
trace="azure2019:$path"
minutes="5 10 20 30 45 60 90 120 240"
values=$(for m in $minutes; do printf '%s,' $((m * 60)); done)
# the sweep takes the trace as settings (JSON strings)
"$hfsim" sweep "$scenario" --set 'trace.format="azure2019"' --set "trace.path=\"$path\"" --set "trace.unit=\"$unit\"" \
    --policies keepalive --set "keepalive.keep_alive_s=${values%,}" \
    --out "$out/fixed" --no-plots -q
"$hfsim" run "$scenario" --trace "$trace" --set "trace.unit=\"$unit\"" --policy hybrid --out "$out/hybrid" -q
python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/fixed/sweep.csv")))
base = next(float(r["wasted_memory_gb_s"]) for r in rows if float(r["keepalive.keep_alive_s"]) == 600)
table = [("fixed", float(r["keepalive.keep_alive_s"]) / 60, float(r["app_cold_start_pct_p75"]),
          float(r["wasted_memory_gb_s"])) for r in rows]
h = json.load(open(f"{out}/hybrid/summary.json"))
table.append(("hybrid", "", h["cold_start_pct_over_apps"]["p75"], h["wasted_memory_gb_s"]))
with open(f"{out}/pareto.csv", "w") as f:
    f.write("policy,keep_alive_min,app_cold_start_pct_p75,wasted_memory_gb_s,wasted_memory_normalized\n")
    for policy, minutes, p75, wasted in table:
        f.write(f"{policy},{minutes},{p75:.4f},{wasted:.6g},{wasted / base:.4f}\n")
PY
cat "$out/pareto.csv"
if command -v gnuplot > /dev/null; then
    gnuplot -e "out='$out'" "$root/scripts/plot-pareto.gp" && echo "pareto: $out/pareto.png"
else
    echo "pareto: gnuplot not found, no plot (pareto.csv has the figures)" >&2
fi
