/* `hfsim validate`: one scenario and policy simulated and run live on a real engine, side by side.
 *
 * Writes DIR/sim/ (hfsim run), DIR/sim-calibrated/ (hfsim run with --profile, when a profile is
 * given), DIR/live/ (hfsim live run), validation.csv (per metric: each value and the simulator's
 * relative error against live) printed as a table too, and validation.gp with latency_cdf.png/.svg
 * (the latency distributions on one chart) when gnuplot is installed.
 * Errors: as hfsim run and hfsim live run (a policy live mode cannot run yet fails the validation
 * after the simulation, with its message); nothing is left on failure. */
#ifndef HF_VALIDATE_H
#define HF_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

struct hf_validate_options {
    const char *scenario_path;         /* required */
    const char *const *overrides;      /* --set and --policy, applied to every run */
    size_t override_count;
    const char *profile;               /* NULL: no calibrated simulation */
    const char *hosts;                 /* engines of the live run, comma-separated; NULL:
                                          $DOCKER_HOST, else the local socket */
    const char *out_dir;
    bool progress;
};

bool hf_validate(const struct hf_validate_options *o, struct hf_error *err);

/* Redraws validation directory DIR from its runs and study.json: validation.gp, the plots (when
 * `draw` and gnuplot is installed; *drawn, when not NULL, says whether they were) and report.html. What hf_validate does last, and hfsim plot DIR.
 * Errors: a missing study.json or run file (HF_EXIT_BAD_INPUT), a write failure. */
bool hf_validate_redraw(const char *dir, const char *shown_dir, bool draw, bool *drawn, struct hf_error *err);

#endif
