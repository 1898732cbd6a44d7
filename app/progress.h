/* Progress of long runs on stderr. On a terminal: one line, shown once the run has taken more than
 * a second, refreshed at most 5 times a second, erased when done. Otherwise (a log file, a batch
 * job): a plain line every 30 s of wall time, so a long run is never silent. Both off with -q. */
#ifndef HF_PROGRESS_H
#define HF_PROGRESS_H

/* Seconds of wall time between two plain progress lines when stderr is not a terminal. */
#define HF_PROGRESS_LINE_S 30.0

#include <stdbool.h>

#include "sim/engine.h"

struct hf_progress {
    bool enabled;
    bool terminal; /* stderr is a terminal: redraw in place; else append a line every 30 s */
    bool shown;
    const char *label;
    double started, last_draw;
    hf_time sim_total;
};

/* enabled: the caller's choice (e.g. not --quiet); the terminal check is done here. */
void hf_progress_start(struct hf_progress *p, const char *label, hf_time sim_total, bool enabled);
/* An hf_progress_fn for hf_engine_set_progress (ctx = struct hf_progress *). */
void hf_progress_engine_hook(const struct hf_engine *engine, void *ctx);
void hf_progress_finish(struct hf_progress *p);

#endif
