/* `hfsim compare`: one scenario run once per policy on the same seed and workload, side by side.
 *
 * Writes one directory, atomically (sim/results.h): a subdirectory per policy holding that run's
 * results, comparison.csv (a row per policy), plot.gp (scripts/plot-compare.gp, compiled in) and,
 * when gnuplot is installed, latency, containers, cpu, latency_cdf and actions as PNG and SVG.
 * Without gnuplot the data is written all the same and a message says how to draw the plots.
 *
 * Ownership: options are borrowed. Errors: scenario and policy errors as `hfsim run` reports them
 * (exit 2 or 3); a failed run or write fails the whole comparison (exit 1), leaving no directory. */
#ifndef HF_COMPARE_H
#define HF_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "sim/error.h"

/* Policies compared when none are given. */
#define HF_COMPARE_DEFAULT_POLICIES "hpa,hpa-tuned,kpa,hyperfaas"

struct hf_compare_options {
    const char *scenario_path;         /* NULL: the embedded Figure 1 burst */
    const char *const *overrides;      /* "path=value", applied to every run */
    size_t override_count;
    const char *policies;              /* comma-separated */
    const char *out_dir;               /* NULL: results/compare-<name>-<seed> */
    bool progress;                     /* a progress line on stderr */
    unsigned jobs;                     /* worker processes; 0: one per online CPU */
    bool plots;                        /* run gnuplot (when installed) */
};

/* The scenario `hfsim compare` uses without one (scenarios/figure1-hpa-burst.json). */
const char *hf_compare_default_scenario_text(void);

/* Loads a scenario for a comparison or sweep: `path`, or the embedded Figure 1 burst when NULL. */
json_t *hf_compare_scenario(const char *path, const char *const *overrides, size_t override_count,
                            struct hf_error *err);

/* Runs the comparison; prints the table on stdout. `written` (PATH_MAX) gets the directory. */
bool hf_compare(const struct hf_compare_options *options, char *written, size_t written_size,
                struct hf_error *err);

/* comparison.csv's text: a header, then a row per run (app/summary_columns.h). */
void hf_compare_write_table(FILE *out, const char *const *names, int count, json_t *const *summaries);

/* Redraws comparison directory DIR from its study.json and runs: plot.gp, the plots (when `draw`
 * and gnuplot is installed; *drawn says whether they were, when not NULL) and report.html. What
 * hf_compare does last, and hfsim plot DIR. A comparison made before study.json existed is read
 * from its comparison.csv. `shown_dir` names the directory in messages. Errors: a bad study.json,
 * a missing or malformed run (HF_EXIT_BAD_INPUT), a write failure (HF_EXIT_RUN_FAILED); a failed
 * redraw leaves plot.gp and report.html as they were. */
bool hf_compare_redraw(const char *dir, const char *shown_dir, bool draw, bool *drawn, struct hf_error *err);

#endif
