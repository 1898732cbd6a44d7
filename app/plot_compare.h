/* The time plots of runs side by side (scripts/plot-compare.gp, compiled in): `hfsim compare`'s
 * policies, or the runs `hfsim plot` is given.
 *
 * hf_plot_compare_write writes the complete script (its values, then the embedded script) so that
 * `gnuplot plot.gp` in the directory redraws the plots later exactly as hfsim drew them. It reads
 * each run's config.json (the resolved scenario: name, outputs.interval_s and stabilize_window_s,
 * the first burst, duration_s) and timeseries.csv, to find each run's start-up transient
 * (app/startup_transient.h), which the plots hatch and the captions name. Runs of different
 * scenarios may share a chart: the title then says how many scenarios, and the burst is shaded
 * only when every run has the same first burst (the caption says when it is not).
 *
 * Ownership: everything is borrowed. Errors: false with err set: a run without config.json,
 * timeseries.csv or latency_cdf.csv, or with malformed ones (HF_EXIT_BAD_INPUT, naming the file);
 * runs whose timeseries rows or trailing windows differ in width (HF_EXIT_BAD_INPUT: their curves
 * would not compare); a name or directory with a newline (HF_EXIT_USAGE). */
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
    char title[256];        /* the scenario's name, or "N runs of M scenarios" */
    double window_s;        /* the trailing window of the rolling curves */
    bool burst;             /* the first burst is shaded (every run has the same one) */
    bool bursts_differ;     /* the runs' first bursts differ: none is shaded */
    double startup_end_s;   /* 0: no run has a start-up transient worth marking */
    char startup_runs[1024]; /* the runs that have one, with their durations, comma-separated */
};

/* `plot_dir` is where the script will run (relative run directories are read from there now). */
bool hf_plot_compare_write(FILE *out, const char *plot_dir, const struct hf_plot_run *runs, int count,
                           struct hf_plot_compare_info *info, struct hf_error *err);

/* The five plots the script draws, with one-line captions for report.html (app/report.h);
 * `captions` holds their text. Returns how many (5). */
#define HF_PLOT_COMPARE_PLOTS 5
struct hf_report_plot;
size_t hf_plot_compare_captions(const struct hf_plot_compare_info *info, struct hf_report_plot *plots,
                                char captions[HF_PLOT_COMPARE_PLOTS][1536]);

/* Writes `text` as a gnuplot single-quoted string ('' for a quote). False for a newline. */
bool hf_gnuplot_quote(FILE *out, const char *text);

#endif
