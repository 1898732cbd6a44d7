#!/usr/bin/env bash
# Figure 1 of the seed paper, reproduced by the model: a burst against HPA-managed OpenFaaS with the
# default HPA and a tuned one. Runs scenarios/figure1-hpa-burst.json with both policies and plots
# mean response time and replicas over time (results/figure1/figure1.png, .svg).
# Usage: scripts/figure1.sh [HFSIM_BINARY] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
hfsim=${1:-build/hfsim}
seed=${2:-1}
scenario=scenarios/figure1-hpa-burst.json
out=results/figure1
mkdir -p "$out"
for policy in hpa hpa-tuned; do
    "$hfsim" run "$scenario" --policy "$policy" --seed "$seed" --out "$out/$policy" -q
done

summary() { # POLICY FIELD
    "$hfsim" --version >/dev/null # fail early if the binary is gone
    sed -n "s/.*\"$2\": \([^,}]*\).*/\1/p" "$out/$1/summary.json" | head -n1
}
hpa_t=$(summary hpa time_to_stabilize_s)
tuned_t=$(summary hpa-tuned time_to_stabilize_s)
burst_start=$(summary hpa start_s)
burst_end=$(summary hpa end_s)

if command -v gnuplot >/dev/null; then
    for term in "pngcairo size 1100,700 font ',10'" "svg size 1100,700"; do
        ext=png
        [[ $term == svg* ]] && ext=svg
        gnuplot <<GNUPLOT
set terminal $term
set output "$out/figure1.$ext"
set datafile separator ","
set key top right
set lmargin 12
set multiplot layout 2,1 title "Burst against HPA-managed OpenFaaS (seed $seed): time to stabilize hpa ${hpa_t} s, hpa-tuned ${tuned_t} s"
set xrange [$burst_start - 60 : $burst_end + 30]
set object 1 rect from $burst_start, graph 0 to $burst_end, graph 1 fc rgb "#eeeeee" fs solid noborder behind
set ylabel "mean response time (ms)"
set logscale y
plot "$out/hpa/timeseries.csv" using 1:(\$11 > 0 ? \$11 : 1/0) every ::1 with lines lw 2 title "hpa (defaults)", \
     "$out/hpa-tuned/timeseries.csv" using 1:(\$11 > 0 ? \$11 : 1/0) every ::1 with lines lw 2 title "hpa-tuned"
unset logscale y
set ylabel "containers"
set xlabel "time (s); shaded: the burst"
plot "$out/hpa/timeseries.csv" using 1:8 every ::1 with steps lw 2 title "hpa: replicas", \
     "$out/hpa/timeseries.csv" using 1:9 every ::1 with steps dt 2 title "hpa: ready", \
     "$out/hpa-tuned/timeseries.csv" using 1:8 every ::1 with steps lw 2 title "hpa-tuned: replicas", \
     "$out/hpa-tuned/timeseries.csv" using 1:9 every ::1 with steps dt 2 title "hpa-tuned: ready"
unset multiplot
GNUPLOT
    done
    echo "hfsim: figure 1: $out/figure1.png (and .svg)"
else
    echo "hfsim: gnuplot not found: skipped the plot (apt-get install gnuplot-nox)" >&2
fi
echo "hfsim: time to stabilize after the burst: hpa ${hpa_t} s, hpa-tuned ${tuned_t} s (published: ~120 s and ~20 s)"
