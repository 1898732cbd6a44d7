# Plots of an `hfsim compare` directory. hfsim compare writes this script into the directory as
# plot.gp, after the comparison's own values (policies, scenario, window, burst_start, burst_end),
# and runs it there once per format; to redraw by hand, in that directory: `gnuplot plot.gp`
# (PNG) or `gnuplot -e "ext='svg'" plot.gp`.
# Each policy's run is in the subdirectory of its name (timeseries.csv, latency_cdf.csv; columns in
# docs/results.md). Writes latency, containers, cpu, latency_cdf and actions .png or .svg.
if (!exists("ext")) ext = 'png'
if (!exists("burst_start")) burst_start = -1
if (!exists("burst_end")) burst_end = -1
if (!exists("window")) window = 5
if (ext eq 'svg') {
    set terminal svg size 1100,560 dynamic font 'sans,11'
} else {
    set terminal pngcairo size 1100,560 font 'sans,10'
}
set termoption noenhanced
set datafile separator ","
set key outside right top
set grid
set lmargin 12
# Time axes end at the data (autoscaled to a tic they ran 100 s past a 600 s run).
set autoscale xfix
n = words(policies)
ts(i) = word(policies, i).'/timeseries.csv'
cdf(i) = word(policies, i).'/latency_cdf.csv'
burst = burst_start >= 0
if (burst) {
    set object 1 rect from burst_start, graph 0 to burst_end, graph 1 fc rgb "#e8e8e8" fs solid noborder behind
    xlabel_text = "time (s); shaded: the burst"
} else {
    xlabel_text = "time (s)"
}

set output 'latency.'.ext
set title sprintf("%s: response time over a trailing %g s window (p50 solid, p99 dashed)", scenario, window)
set xlabel xlabel_text
set ylabel "response time (ms), log scale"
set logscale y
plot for [i=1:n] ts(i) using 1:($20 > 0 ? $20 : 1/0) every ::1 with lines lw 2 lc i title word(policies, i).' p50', \
     for [i=1:n] ts(i) using 1:($21 > 0 ? $21 : 1/0) every ::1 with lines lw 1 dt 2 lc i title word(policies, i).' p99'
unset logscale y

# Asked for is drawn first as a wide pale band and ready as a thin line on it: where they agree the
# line runs inside the band (a dashed "asked for" line used to vanish under the solid "ready" one).
# The pale colours are gnuplot's default line colours 1-8 with alpha.
line_colours = "9400d3 009e73 56b4e9 e69f00 f0e442 0072b2 e51e10 000000"
pale(i) = sprintf("#A0%s", word(line_colours, (i - 1) % 8 + 1))
set output 'containers.'.ext
set title sprintf("%s: containers (asked for: wide pale band; ready: line)", scenario)
set ylabel "containers"
plot for [i=1:n] ts(i) using 1:8 every ::1 with steps lw 7 lc rgb pale(i) title word(policies, i).' asked for', \
     for [i=1:n] ts(i) using 1:9 every ::1 with steps lw 1.5 lc i title word(policies, i).' ready'

set output 'cpu.'.ext
set title sprintf("%s: CPU allocated (solid) vs used (dashed)", scenario)
set ylabel "cores"
plot for [i=1:n] ts(i) using 1:14 every ::1 with steps lw 2 lc i title word(policies, i).' allocated', \
     for [i=1:n] ts(i) using 1:19 every ::1 with lines lw 1 dt 2 lc i title word(policies, i).' used'

# Series that stay at zero are left out (and so are their legend entries: 12 entries, most flat at
# zero, crowded the panel), and a fixed right margin keeps the two panels' time axes aligned.
array resized[n]
array specialized[n]
array bounced[n]
do for [i=1:n] {
    stats ts(i) using 16 every ::1 nooutput
    resized[i] = STATS_max
    stats ts(i) using 17 every ::1 nooutput
    specialized[i] = STATS_max
    stats ts(i) using 18 every ::1 nooutput
    bounced[i] = STATS_max
}
set output 'actions.'.ext
set rmargin 32
set multiplot layout 2,1 title sprintf("%s: scaling actions over time (cumulative)", scenario)
set title "cold starts"
set ylabel "count"
unset xlabel
plot for [i=1:n] ts(i) using 1:15 every ::1 with steps lw 2 lc i title word(policies, i)
set title "HyperFaaS phase actions: resizes (solid), specializations (dashed), bounces (dotted)"
set xlabel xlabel_text
any_action = 0
do for [i=1:n] { any_action = any_action + resized[i] + specialized[i] + bounced[i] }
if (any_action == 0) {
    plot ts(1) using 1:(0) every ::1 with lines lc rgb "#999999" title 'none by any policy'
} else {
plot for [i=1:n] ts(i) using 1:(resized[i] > 0 ? $16 : 1/0) every ::1 with steps lw 2 lc i \
         title (resized[i] > 0 ? word(policies, i).' resizes' : ''), \
     for [i=1:n] ts(i) using 1:(specialized[i] > 0 ? $17 : 1/0) every ::1 with steps lw 2 dt 2 lc i \
         title (specialized[i] > 0 ? word(policies, i).' specializations' : ''), \
     for [i=1:n] ts(i) using 1:(bounced[i] > 0 ? $18 : 1/0) every ::1 with steps lw 1 dt 3 lc i \
         title (bounced[i] > 0 ? word(policies, i).' bounces' : '')
}
unset multiplot
unset rmargin

unset object 1
set output 'latency_cdf.'.ext
set title sprintf("%s: response-time distribution of completed requests", scenario)
set xlabel "response time (ms), log scale"
set ylabel "fraction of requests"
set logscale x
set yrange [0:1]
set key inside right bottom
plot for [i=1:n] cdf(i) using 2:1 every ::1 with lines lw 2 lc i title word(policies, i)
