/* The plots of a sweep directory (`hfsim sweep`, `hfsim sweep --merge`, `hfsim plot DIR`): each
 * metric against the first varied parameter, one line per value of the second (per policy), small
 * multiples for a third; a `seed` axis is not plotted against but averaged over.
 *
 * Reads DIR/sweep.json and every run's summary.json; writes DIR/sweep_stats.csv (per metric,
 * policy and grid cell: runs, mean, 95 % confidence interval over the seeds) and DIR/sweep.gp (the
 * data inline, so `gnuplot sweep.gp` redraws without hfsim), and draws PNG and SVG when asked and
 * gnuplot is installed. The interval is mean +- t(0.975, n-1) s / sqrt(n), Student's t over the n
 * seeds of a cell (GSL); with one seed per cell there are no bars.
 *
 * Ownership: everything borrowed; `info` is filled for captions (app/report.h).
 * Errors: false with err set: no manifest or a run's summary missing (HF_EXIT_BAD_INPUT, naming
 * the file), a write failure (HF_EXIT_RUN_FAILED). A sweep with nothing to plot is not an error
 * (info->plot_count 0). */
#ifndef HF_SWEEP_PLOT_H
#define HF_SWEEP_PLOT_H

#include <stdbool.h>

#include "sim/error.h"

#define HF_SWEEP_PLOT_MAX 16

struct hf_sweep_plot_info {
    int plot_count;
    char file[HF_SWEEP_PLOT_MAX][160];    /* without the extension */
    char caption[HF_SWEEP_PLOT_MAX][2048];
    int seeds;                            /* runs averaged per cell: the seed axis's length, else 1 */
    bool drawn;                           /* gnuplot drew the plots */
    char not_plotted[256];                /* metrics left out for being zero in every run */
};

bool hf_sweep_plot(const char *dir, bool draw, struct hf_sweep_plot_info *info, struct hf_error *err);

/* hf_sweep_plot, then DIR/report.html (app/report.h): what was swept (from sweep.json and the first
 * run's scenario), sweep.csv as the table (its first 50 rows), the plots with captions. What a sweep
 * and its --merge do last, and hfsim plot DIR. *drawn (when not NULL): gnuplot drew the plots. */
bool hf_sweep_redraw(const char *dir, bool draw, bool *drawn, struct hf_error *err);

#endif
