# Plots of several runs side by side: an `hfsim compare` directory (a run per policy) or the runs
# given to `hfsim plot DIR... --out OUT`. hfsim writes this script as plot.gp after the values it
# needs (run_dir and run_name arrays, n, scenario, window, interval, burst_start, burst_end,
# startup_end, startup_runs, and the metric labels L_*), and runs it once per format; to redraw by
# hand, in that directory: `gnuplot plot.gp` (PNG) or `gnuplot -e "ext='svg'" plot.gp`.
# Each run's directory holds timeseries.csv and latency_cdf.csv (columns in docs/results.md).
# Writes latency, containers, cpu, latency_cdf and actions .png or .svg.
#
# The rules every plot here keeps (R2.5):
# - axes cover the data and nothing more (time axes end at the data);
# - the legend sits outside the data;
# - a series that is zero throughout is left out, with its legend entry;
# - panels of one figure share their margins, so that their time axes line up;
# - smoothing, where there is any, is stated in the title;
# - axes are named from one table of metric labels (app/metric_labels.c, the L_* values);
# - the start-up transient (each policy scaling from its initial containers to the steady load,
#   app/startup_transient.h) is hatched and said in the caption, not passed off as the experiment.
if (!exists("ext")) ext = 'png'
if (!exists("burst_start")) burst_start = -1
if (!exists("burst_end")) burst_end = -1
if (!exists("window")) window = 5
if (!exists("interval")) interval = 1
if (!exists("startup_end")) startup_end = 0
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
set rmargin 30
set autoscale xfix
ts(i) = run_dir[i].'/timeseries.csv'
cdf(i) = run_dir[i].'/latency_cdf.csv'
# One colour per run, never repeated: up to 12 runs from a fixed palette of distinct colours, beyond
# that evenly spaced hues (gnuplot's own 8 colours repeat, and two runs looked the same).
palette = "9400d3 009e73 56b4e9 e69f00 0072b2 e51e10 000000 cc79a7 8c564b 7f7f7f bcbd22 17becf"
hex(i) = n <= 12 ? word(palette, i) : sprintf("%06x", hsv2rgb((i - 1.0) / n * 0.9, 0.85, 0.8))
colour(i) = '#'.hex(i)
pale(i) = '#A0'.hex(i)
burst = burst_start >= 0
if (burst) {
    set object 1 rect from burst_start, graph 0 to burst_end, graph 1 fc rgb "#e8e8e8" fs solid noborder behind
}
if (startup_end > 0) {
    set object 2 rect from graph 0, graph 0 to startup_end, graph 1 fc rgb "#c8c8c8" fs pattern 4 noborder behind
}
xlabel_text = L_time_s.(burst ? "; shaded: the burst" : "").(startup_end > 0 ? "; hatched: start-up (".startup_runs.")" : "")

set output 'latency.'.ext
set title sprintf("%s: response time, each point over the trailing %g s (p50 solid, p99 dashed)", scenario, window)
set xlabel xlabel_text
set ylabel "response time (ms), log scale"
set logscale y
# The log axis spans the data and a margin, not the decades around it.
lo = 1e300; hi = 0
do for [i=1:n] {
    stats ts(i) using ($20 > 0 ? $20 : 1/0):($21 > 0 ? $21 : 1/0) every ::1 nooutput
    if (STATS_records > 0) {
        lo = STATS_min_x < lo ? STATS_min_x : lo; hi = STATS_max_y > hi ? STATS_max_y : hi
    }
}
if (hi > 0) { set yrange [lo / 1.5 : hi * 1.5] }
plot for [i=1:n] ts(i) using 1:($20 > 0 ? $20 : 1/0) every ::1 with lines lw 2 lc rgb colour(i) title run_name[i], \
     for [i=1:n] ts(i) using 1:($21 > 0 ? $21 : 1/0) every ::1 with lines lw 1 dt 2 lc rgb colour(i) notitle
unset logscale y
set autoscale y

# Asked for is drawn first as a wide pale band and ready as a thin line on it: where they agree the
# line runs inside the band (a dashed "asked for" line used to vanish under the solid "ready" one).
# The pale colours are the runs' colours with alpha.
set output 'containers.'.ext
set title sprintf("%s: containers (asked for: wide pale band; ready: line)", scenario)
set ylabel "containers"
plot for [i=1:n] ts(i) using 1:8 every ::1 with steps lw 7 lc rgb pale(i) title run_name[i].' asked for', \
     for [i=1:n] ts(i) using 1:9 every ::1 with steps lw 1.5 lc rgb colour(i) title run_name[i].' ready'

# CPU left idle: allocated minus used cores, the waste a policy causes. Allocated alone repeated the
# containers plot, and the per-interval "used" lines (the same work under every policy) formed a
# noise band; the difference, averaged over the trailing window, is what tells policies apart.
window_rows = window / interval < 1 ? 1 : int(window / interval + 0.5)
array trailing[window_rows]
trailing_n = 0
trailing_push(x) = (trailing_n = trailing_n + 1, trailing[(trailing_n - 1) % window_rows + 1] = x, 0)
trailing_held(n) = n < window_rows ? n : window_rows
trailing_mean(x) = (trailing_push(x), sum [j=1:trailing_held(trailing_n)] trailing[j] / trailing_held(trailing_n))
# Each run's series starts again at the first interval: time going back means a new run.
previous_t = 1e300
new_run(t) = (t <= previous_t ? trailing_n = 0 : 0, previous_t = t, 0)
set output 'cpu.'.ext
set title sprintf("%s: CPU allocated but idle, mean over the trailing %g s", scenario, window)
set ylabel L_cores_idle
plot for [i=1:n] ts(i) using 1:(new_run($1), trailing_mean($14 - $19)) \
         every ::1 with lines lw 2 lc rgb colour(i) title run_name[i]

# Series that stay at zero are left out, with their legend entries (12 entries, most flat at zero,
# crowded the panel), and named in the panel's title; the HyperFaaS panel is drawn only when some
# run took such an action. The fixed margins keep the panels' time axes aligned.
array colds[n]
array resized[n]
array specialized[n]
array bounced[n]
no_cold = ''
do for [i=1:n] {
    stats ts(i) using 15 every ::1 nooutput
    colds[i] = STATS_max
    if (colds[i] == 0) { no_cold = no_cold.(no_cold eq '' ? '' : ', ').run_name[i] }
    stats ts(i) using 16 every ::1 nooutput
    resized[i] = STATS_max
    stats ts(i) using 17 every ::1 nooutput
    specialized[i] = STATS_max
    stats ts(i) using 18 every ::1 nooutput
    bounced[i] = STATS_max
}
any_action = 0
do for [i=1:n] { any_action = any_action + resized[i] + specialized[i] + bounced[i] }
set output 'actions.'.ext
if (any_action > 0) {
    set multiplot layout 2,1 title sprintf("%s: scaling actions over time (cumulative)", scenario)
    unset xlabel
}
set title "cold starts".(no_cold eq '' ? '' : ' (none: '.no_cold.')')
set ylabel "count"
if (any_action == 0) {
    set title sprintf("%s: cold starts over time (cumulative)%s; no run resized, specialized or bounced", \
                      scenario, (no_cold eq '' ? '' : '; none: '.no_cold))
    set xlabel xlabel_text
}
any_cold = 0
do for [i=1:n] { any_cold = any_cold + colds[i] }
if (any_cold == 0) {
    plot ts(1) using 1:(0) every ::1 with lines lc rgb "#999999" title 'none in any run'
} else {
    plot for [i=1:n] ts(i) using 1:(colds[i] > 0 ? $15 : 1/0) every ::1 with steps lw 2 lc rgb colour(i) \
             title (colds[i] > 0 ? run_name[i] : '')
}
if (any_action > 0) {
    set title "HyperFaaS phase actions: resizes (solid), specializations (dashed), bounces (dotted)"
    set xlabel xlabel_text
    plot for [i=1:n] ts(i) using 1:(resized[i] > 0 ? $16 : 1/0) every ::1 with steps lw 2 lc rgb colour(i) \
             title (resized[i] > 0 ? run_name[i].' resizes' : ''), \
         for [i=1:n] ts(i) using 1:(specialized[i] > 0 ? $17 : 1/0) every ::1 with steps lw 2 dt 2 lc rgb colour(i) \
             title (specialized[i] > 0 ? run_name[i].' specializations' : ''), \
         for [i=1:n] ts(i) using 1:(bounced[i] > 0 ? $18 : 1/0) every ::1 with steps lw 1 dt 3 lc rgb colour(i) \
             title (bounced[i] > 0 ? run_name[i].' bounces' : '')
    unset multiplot
}

# The distribution over the whole run, start-up included (the caption says so). The x axis covers
# the data with a margin and 1-2-5 tics, not the decades around it.
unset object 1
unset object 2
lo = 1e300; hi = 0
do for [i=1:n] {
    stats cdf(i) using 2 every ::1 nooutput
    lo = STATS_min < lo ? STATS_min : lo; hi = STATS_max > hi ? STATS_max : hi
}
set output 'latency_cdf.'.ext
set title sprintf("%s: response-time distribution of the completed requests (whole run)", scenario)
set xlabel "response time (ms), log scale"
set ylabel L_latency_cdf
set logscale x
set xrange [lo / 1.25 : hi * 1.25]
set xtics (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, \
           100000, 200000, 500000, 1000000)
set yrange [0:1]
plot for [i=1:n] cdf(i) using 2:1 every ::1 with lines lw 2 lc rgb colour(i) title run_name[i]
