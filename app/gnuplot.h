/* Drawing with the external gnuplot (hfsim compare, sweep, validate, plot): the plot scripts are
 * written next to their data, then run in that directory once per format with `ext` set to png
 * and svg. A missing gnuplot is not an error: the data stands, and a message says how to draw later. */
#ifndef HF_GNUPLOT_H
#define HF_GNUPLOT_H

#include <stdbool.h>

/* Runs `gnuplot -e "ext='png'|'svg'" SCRIPT` in DIR (forked and executed directly: no shell, so
 * any directory name works), gnuplot's messages going to DIR/gnuplot.log, which is removed when
 * both formats were drawn. The script must hold every other value it needs, so that the user can
 * run it again later in the results directory. Prints why when it cannot (gnuplot missing, a
 * gnuplot error; `what` names the command) and returns false. `shown_dir` is the directory
 * messages name: the final results directory, when DIR is still the half-written one that will be
 * renamed. */
bool hf_gnuplot_draw(const char *dir, const char *script, const char *what, const char *shown_dir);

#endif
