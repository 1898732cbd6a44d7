#!/usr/bin/env bash
# Figure 1 of the seed paper, reproduced by the model: a burst against HPA-managed OpenFaaS with the
# default HPA and a tuned one, and the same burst under HyperFaaS. Runs
# scenarios/figure1-hpa-burst.json with the three policies and plots mean response time, containers
# and allocated cores over time (results/figure1/figure1.png, .svg).
# Usage: scripts/figure1.sh [HFSIM_BINARY] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
hfsim=${1:-build/hfsim}
seed=${2:-1}
scenario=scenarios/figure1-hpa-burst.json
out=results/figure1
mkdir -p "$out"
for policy in hpa hpa-tuned hyperfaas; do
    "$hfsim" run "$scenario" --policy "$policy" --seed "$seed" --out "$out/$policy" -q
done

summary() { # POLICY FIELD
    "$hfsim" --version >/dev/null # fail early if the binary is gone
    sed -n "s/.*\"$2\": \([^,}]*\).*/\1/p" "$out/$1/summary.json" | head -n1
}
hpa_t=$(summary hpa time_to_stabilize_s)
tuned_t=$(summary hpa-tuned time_to_stabilize_s)
hf_t=$(summary hyperfaas time_to_stabilize_s)
burst_start=$(summary hpa start_s)
burst_end=$(summary hpa end_s)

if command -v gnuplot >/dev/null; then
    # Axis names from hfsim's one table of metric labels (app/metric_labels.c).
    labels=$("$hfsim" plot --labels)
    for term in "pngcairo size 1100,950 font ',10'" "svg size 1100,950"; do
        ext=png
        [[ $term == svg* ]] && ext=svg
        gnuplot <<GNUPLOT
set terminal $term noenhanced
set output "$out/figure1.$ext"
$labels
set datafile separator ","
# The legend outside the data (it covered the hpa curve); fixed margins keep the panels' time axes
# aligned whatever the legend's width.
set key outside right top
set lmargin 12
set rmargin 22
set multiplot layout 3,1 title "8x burst (seed $seed): time to stabilize hpa ${hpa_t} s, hpa-tuned ${tuned_t} s, hyperfaas ${hf_t} s"
# from a minute before the burst to 30 s after it, but not past the data (the run may end sooner)
set xrange [$burst_start - 60 : $burst_end + 30]
stats "$out/hpa/timeseries.csv" using 1 every ::1 nooutput
if (STATS_max < $burst_end + 30) { set xrange [$burst_start - 60 : STATS_max] }
set object 1 rect from $burst_start, graph 0 to $burst_end, graph 1 fc rgb "#eeeeee" fs solid noborder behind
set ylabel L_latency_mean_ms
set logscale y
plot "$out/hpa/timeseries.csv" using 1:(\$11 > 0 ? \$11 : 1/0) every ::1 with lines lw 2 title "hpa", \
     "$out/hpa-tuned/timeseries.csv" using 1:(\$11 > 0 ? \$11 : 1/0) every ::1 with lines lw 2 title "hpa-tuned", \
     "$out/hyperfaas/timeseries.csv" using 1:(\$11 > 0 ? \$11 : 1/0) every ::1 with lines lw 2 title "hyperfaas"
unset logscale y
set ylabel L_ready
plot "$out/hpa/timeseries.csv" using 1:9 every ::1 with steps lw 2 title "hpa", \
     "$out/hpa-tuned/timeseries.csv" using 1:9 every ::1 with steps lw 2 title "hpa-tuned", \
     "$out/hyperfaas/timeseries.csv" using 1:9 every ::1 with steps lw 2 title "hyperfaas"
set ylabel L_cores_allocated
set xlabel L_time_s."; shaded: the burst"
plot "$out/hpa/timeseries.csv" using 1:14 every ::1 with steps lw 2 title "hpa", \
     "$out/hpa-tuned/timeseries.csv" using 1:14 every ::1 with steps lw 2 title "hpa-tuned", \
     "$out/hyperfaas/timeseries.csv" using 1:14 every ::1 with steps lw 2 title "hyperfaas"
unset multiplot
GNUPLOT
    done
    echo "hfsim: figure 1: $out/figure1.png (and .svg)"
else
    echo "hfsim: gnuplot not found: skipped the plot (apt-get install gnuplot-nox)" >&2
fi
echo "hfsim: time to stabilize after the burst: hpa ${hpa_t} s, hpa-tuned ${tuned_t} s (published: ~120 s and ~20 s), hyperfaas ${hf_t} s"
