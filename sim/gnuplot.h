/* Drawing with the external gnuplot (hfsim compare, sweep, validate): the plot scripts are written
 * next to their data, then run in that directory once per format with `ext` set to png and svg.
 * A missing gnuplot is not an error: the data stands, and a message says how to draw later. */
#ifndef HF_GNUPLOT_H
#define HF_GNUPLOT_H

#include <stdbool.h>

/* Runs `gnuplot -e "VARS ext='png'|'svg'" SCRIPT` in DIR (VARS may be "" or end with "; ").
 * Prints why when it cannot (gnuplot missing, a quote in DIR, a gnuplot error; `what` names the
 * command in messages) and returns false. */
bool hf_gnuplot_draw(const char *dir, const char *script, const char *vars, const char *what);

#endif
