/* hybrid: the hybrid-histogram keep-alive of Shahrad et al., "Serverless in the Wild" (USENIX ATC
 * 2020). The paper keeps one histogram per application (Azure's unit of memory and containers);
 * hfsim keeps one per function, which is the same thing when every app has one function (see
 * docs/scenario.md, "Keep-alive policies").
 *
 * Idle time (IT): from the moment a function has nothing in flight or waiting to its next request.
 * Each IT goes into a histogram of 1-minute bins over a 4-hour range. When the histogram is
 * representative (at least min_samples ITs, and the coefficient of variation of its bin counts
 * above cv_threshold), the pre-warm window is its head percentile (5th) and the keep-alive window
 * its tail percentile (99th) minus the pre-warm, with a margin (10 %) each way: pre-warm shortened,
 * keep-alive lengthened. Otherwise (too few ITs, or no clear pattern) the standard keep-alive
 * applies: no pre-warm, containers kept for the whole range. When a function goes idle: with a
 * pre-warm window, its containers are unloaded at once and one is loaded again when the window
 * ends, then kept for the keep-alive window; without, they stay for the keep-alive window. ITs
 * beyond the range count as out of bounds (summary: none; the paper forecasts a function with many
 * of them by ARIMA, which is not modelled: such a function keeps the standard keep-alive).
 *
 * Event-driven: an arrival ends an idle period (on_request), the last container going idle starts
 * one (on_container_idle), and one timer per idle function moves it through pre-warm and keep-alive.
 * Nothing runs for a function between its events, so a day of 50,000 functions costs what its
 * invocations cost. Containers start on demand (keep_alive.c). */
#include <math.h>
#include <stdlib.h>

#include "policies/keep_alive.h"

#define BINS 240 /* 1-minute bins over 4 hours */

static const struct hf_field params[] = {
    {"head_percentile", HF_T_NUMBER, "%", "Pre-warm window percentile.", "5", HF_F_MIN | HF_F_MAX, 0, 100,
     NULL, NULL},
    {"tail_percentile", HF_T_NUMBER, "%", "Keep-alive window percentile.", "99", HF_F_MIN | HF_F_MAX, 0, 100,
     NULL, NULL},
    {"margin", HF_T_NUMBER, "", "Safety margin on both windows.", "0.1", HF_F_MIN | HF_F_MAX, 0, 1, NULL,
     NULL},
    {"cv_threshold", HF_T_NUMBER, "", "Bin-count CV above which the histogram is trusted.", "2", HF_F_MIN, 0,
     0, NULL, NULL},
    {"min_samples", HF_T_INT, "count", "Idle times needed before the histogram is trusted.", "10", HF_F_MIN,
     1, 0, NULL, NULL},
    {0},
};

enum phase { BUSY, PREWARM, KEEP, UNLOADED };

struct function_state {
    uint32_t bins[BINS];
    uint32_t samples, out_of_bounds;
    enum phase phase;   /* BUSY until its first idle period */
    bool used;          /* has had a request: its first idle time starts only then */
    hf_time idle_since; /* start of the current idle period (phase != BUSY) */
    hf_timer timer;
    double keep_s;      /* the current idle period's keep-alive window */
};

struct hybrid {
    struct hf_keep_alive_common common; /* first: hf_keep_alive_on_request reads it */
    double head, tail, margin, cv_threshold;
    uint32_t min_samples, functions;
    struct function_state *f;
};

static bool init(void *state, const json_t *p, struct hf_platform *platform, struct hf_error *err)
{
    struct hybrid *s = state;
    s->head = hf_json_number_at(p, "head_percentile") / 100;
    s->tail = hf_json_number_at(p, "tail_percentile") / 100;
    s->margin = hf_json_number_at(p, "margin");
    s->cv_threshold = hf_json_number_at(p, "cv_threshold");
    s->min_samples = (uint32_t)hf_json_int_at(p, "min_samples");
    if (s->head > s->tail)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "hybrid: head_percentile is above tail_percentile");
    s->functions = hf_platform_function_count(platform);
    s->f = calloc(s->functions ? s->functions : 1, sizeof *s->f);
    if (!s->f)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    for (uint32_t i = 0; i < s->functions; i++)
        hf_platform_set_replicas(platform, i, 0);
    return true;
}

/* The windows for a function, in seconds: pre-warm and keep-alive. */
static void windows(const struct hybrid *s, const struct function_state *f, double *prewarm, double *keep)
{
    *prewarm = 0;
    *keep = BINS * 60.0;
    if (f->samples < s->min_samples)
        return;
    double mean = (double)f->samples / BINS, var = 0;
    for (int i = 0; i < BINS; i++)
        var += (f->bins[i] - mean) * (f->bins[i] - mean);
    double cv = sqrt(var / BINS) / mean;
    if (cv <= s->cv_threshold)
        return;
    uint32_t seen = 0;
    int head_bin = -1, tail_bin = BINS - 1;
    for (int i = 0; i < BINS; i++) {
        seen += f->bins[i];
        if (head_bin < 0 && seen >= s->head * f->samples)
            head_bin = i;
        if (seen >= s->tail * f->samples) {
            tail_bin = i;
            break;
        }
    }
    *prewarm = head_bin * 60.0 * (1 - s->margin);
    *keep = ((tail_bin + 1) * 60.0 - *prewarm) * (1 + s->margin);
}

static void schedule(struct hybrid *s, struct hf_platform *platform, uint32_t fi, double after_idle_s)
{
    struct function_state *f = &s->f[fi];
    hf_time at = hf_time_add(f->idle_since, hf_time_from_s(after_idle_s)), now = hf_platform_now(platform);
    f->timer = hf_platform_timer_after(platform, at > now ? at - now : 0, fi);
}

/* The last request of function fi ended: an idle period starts. */
static void on_container_idle(void *state, struct hf_platform *platform, uint64_t container, uint32_t fi)
{
    (void)container;
    struct hybrid *s = state;
    if (fi >= s->functions || s->f[fi].phase != BUSY || !s->f[fi].used)
        return;
    struct hf_function_load load;
    hf_platform_load(platform, fi, &load);
    if (load.in_flight + load.queued > 0)
        return;
    struct function_state *f = &s->f[fi];
    f->idle_since = hf_platform_now(platform);
    double prewarm;
    windows(s, f, &prewarm, &f->keep_s);
    if (prewarm > 0) {
        hf_platform_set_replicas(platform, fi, 0); /* unloaded at once */
        f->phase = PREWARM;
        schedule(s, platform, fi, prewarm);
    } else {
        f->phase = KEEP;
        schedule(s, platform, fi, f->keep_s);
    }
}

static void on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    struct hybrid *s = state;
    uint32_t fi = (uint32_t)arg;
    if (fi >= s->functions)
        return;
    struct function_state *f = &s->f[fi];
    f->timer = 0;
    if (f->phase == PREWARM) { /* the predicted next call is near: load one container */
        hf_platform_set_replicas(platform, fi, 1);
        f->phase = KEEP;
        double prewarm, keep;
        windows(s, f, &prewarm, &keep);
        schedule(s, platform, fi, prewarm + f->keep_s);
    } else if (f->phase == KEEP) {
        hf_platform_set_replicas(platform, fi, 0);
        f->phase = UNLOADED;
    }
}

static struct hf_route on_request(void *state, struct hf_platform *platform, const struct hf_request_view *request)
{
    struct hybrid *s = state;
    uint32_t fi = request->function;
    if (fi < s->functions && !request->from_queue) {
        struct function_state *f = &s->f[fi];
        if (f->phase != BUSY) { /* an idle period ends: record it */
            double minutes = hf_time_to_s(hf_platform_now(platform) - f->idle_since) / 60;
            if (minutes < BINS) {
                f->bins[(int)minutes]++;
                f->samples++;
            } else {
                f->out_of_bounds++;
            }
            if (f->timer)
                hf_platform_timer_cancel(platform, f->timer);
            f->timer = 0;
            f->phase = BUSY;
        }
        f->used = true;
    }
    return hf_keep_alive_on_request(state, platform, request);
}

static void fini(void *state) { free(((struct hybrid *)state)->f); }

const struct hf_policy_type hf_policy_hybrid = {
    .name = "hybrid",
    .needs = HF_PF_ROUTING | HF_PF_STOP,
    .summary = "hybrid-histogram keep-alive (Shahrad et al., ATC 2020): pre-warm and keep-alive from idle times",
    .params = params,
    .state_size = sizeof(struct hybrid),
    .init = init,
    .on_timer = on_timer,
    .on_request = on_request,
    .on_container_idle = on_container_idle,
    .fini = fini,
};
