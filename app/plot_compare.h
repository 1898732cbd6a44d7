/* The time plots of runs side by side (scripts/plot-compare.gp, compiled in): `hfsim compare`'s
 * policies, or the runs `hfsim plot` is given.
 *
 * hf_plot_compare_write writes the complete script (its values, then the embedded script) so that
 * `gnuplot plot.gp` in the directory redraws the plots later exactly as hfsim drew them. It reads
 * each run's timeseries.csv to find the start-up transient (app/startup_transient.h), which the
 * plots hatch and the caption names.
 *
 * Ownership: everything is borrowed. Errors: false with err set when a run's timeseries.csv cannot
 * be read (HF_EXIT_RUN_FAILED), or a name or directory holds a character the script cannot quote
 * (a newline; HF_EXIT_USAGE). */
#ifndef HF_PLOT_COMPARE_H
#define HF_PLOT_COMPARE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "sim/error.h"

struct hf_plot_run {
    const char *name; /* in legends: the policy, or what the user called the run */
    const char *dir;  /* the run's directory, relative to the plot directory or absolute */
};

/* What the plots show beyond their data, for captions (app/report.h). */
struct hf_plot_compare_info {
    double startup_end_s;   /* 0: no run has a start-up transient worth marking */
    char startup_runs[256]; /* the runs that have one, comma-separated */
};

/* `plot_dir` is where the script will run (to read the runs' files now); `scenario` is the runs'
 * resolved scenario (name, outputs.stabilize_window_s, outputs.interval_s, the first burst). */
bool hf_plot_compare_write(FILE *out, const char *plot_dir, const struct hf_plot_run *runs, int count,
                           const json_t *scenario, struct hf_plot_compare_info *info, struct hf_error *err);

/* The five plots the script draws, with one-line captions for report.html (app/report.h);
 * `captions` holds their text. Returns how many (5). */
#define HF_PLOT_COMPARE_PLOTS 5
struct hf_report_plot;
size_t hf_plot_compare_captions(const struct hf_plot_compare_info *info, const json_t *scenario,
                                struct hf_report_plot *plots, char captions[HF_PLOT_COMPARE_PLOTS][768]);

/* Writes `text` as a gnuplot single-quoted string ('' for a quote). False for a newline. */
bool hf_gnuplot_quote(FILE *out, const char *text);

#endif
