# The Pareto figure of scripts/pareto.sh: 75th-percentile app cold-start percentage (lower is
# better) against wasted memory time normalized to the fixed 10-minute keep-alive (lower is better).
# Fixed keep-alive windows form the frontier line, labelled in minutes; hybrid is one point. Axes
# cover the data (gnuplot's autoscale) with a margin so labels stay inside.
set terminal pngcairo size 900,560 font 'sans,10'
set output out.'/pareto.png'
set datafile separator ','
set title 'Keep-alive on a synthetic Azure day: cold starts vs wasted memory'
set xlabel 'wasted memory time (normalized to fixed 10-minute keep-alive)'
set ylabel '75th-percentile app cold starts (%)'
set grid
set key outside right top
set offsets graph 0.05, graph 0.1, graph 0.08, graph 0.08
plot out.'/pareto.csv' using (strcol(1) eq 'fixed' ? $5 : NaN):3 every ::1 with linespoints pt 7 lc rgb '#1f77b4' title 'fixed keep-alive', \
     '' using (strcol(1) eq 'fixed' ? $5 : NaN):3:(sprintf('%d min', int($2))) every ::1 with labels offset 0,1 notitle, \
     '' using (strcol(1) eq 'hybrid' ? $5 : NaN):3 every ::1 with points pt 5 ps 1.6 lc rgb '#d62728' title 'hybrid (histogram)'
