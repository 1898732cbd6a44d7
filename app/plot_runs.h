/* `hfsim plot RUN... --out DIR`: runs made apart (hfsim run, hfsim live, the policies of a
 * comparison, the sides of a validation) drawn on one chart, as a new comparison directory: a
 * comparison.csv row per run, plot.gp and its plots, report.html and study.json. The runs are not
 * copied: study.json names them by absolute path, so `hfsim plot DIR` redraws while they stay put.
 *
 * Each argument is a results directory (one run, named by its directory's name), a comparison
 * (each of its runs, "<name>/<policy>") or a validation ("<name>/sim", "<name>/live", ...). A
 * sweep holds too many runs for one chart and is refused with what to do instead.
 *
 * An existing --out is replaced only when it is such a chart holding nothing else.
 *
 * Ownership: options borrowed. Errors: HF_EXIT_USAGE for an argument hfsim did not make, a sweep,
 * the same run twice, names that do not tell the runs apart, --names of the wrong length, or an
 * --out hfsim may not write (sim/out_dir.h) or that holds a run or anything but a chart;
 * HF_EXIT_BAD_INPUT for a missing run or one without its summary, timeseries, latency CDF or
 * scenario; HF_EXIT_RUN_FAILED for I/O. */
#ifndef HF_PLOT_RUNS_H
#define HF_PLOT_RUNS_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

struct hf_plot_runs_options {
    const char *const *dirs;
    size_t dir_count;
    const char *names; /* comma-separated, one per run after expansion; NULL: from the directories */
    const char *out_dir;
    bool draw;         /* run gnuplot (when installed) */
};

/* *drawn: whether gnuplot drew the plots (NULL: not asked). */
bool hf_plot_runs(const struct hf_plot_runs_options *options, bool *drawn, struct hf_error *err);

#endif
