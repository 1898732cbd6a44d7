#include "app/progress.h"

#include <stdio.h>
#include <unistd.h>

#include "sim/wallclock.h"

void hf_progress_start(struct hf_progress *p, const char *label, hf_time sim_total, bool enabled)
{
    p->enabled = enabled;
    p->terminal = isatty(STDERR_FILENO);
    p->shown = false;
    p->label = label;
    p->started = hf_wall_seconds();
    p->last_draw = p->started;
    p->sim_total = sim_total > 0 ? sim_total : 1;
}

void hf_progress_engine_hook(const struct hf_engine *engine, void *ctx)
{
    struct hf_progress *p = ctx;
    if (!p->enabled)
        return;
    double now = hf_wall_seconds();
    double elapsed = now - p->started;
    double every = p->terminal ? 0.2 : HF_PROGRESS_LINE_S;
    if (elapsed < (p->terminal ? 1.0 : HF_PROGRESS_LINE_S) || now - p->last_draw < every)
        return;
    p->last_draw = now;
    p->shown = p->terminal;
    double done = (double)hf_engine_now(engine) / (double)p->sim_total;
    if (done > 1)
        done = 1;
    double eta = done > 0 ? elapsed * (1 - done) / done : 0;
    fprintf(stderr, "%shfsim: %s %5.1f%% | sim %.1f/%.1f s | %.2f M events/s | ETA %.0f s%s",
            p->terminal ? "\r" : "", p->label, 100 * done, hf_time_to_s(hf_engine_now(engine)), hf_time_to_s(p->sim_total),
            (double)hf_engine_events(engine) / elapsed / 1e6, eta, p->terminal ? "   " : "\n");
    fflush(stderr);
}

void hf_progress_finish(struct hf_progress *p)
{
    if (p->shown)
        fprintf(stderr, "\r%80s\r", "");
    p->shown = false;
}
