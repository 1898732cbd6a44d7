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
 * applies: no pre-warm, a keep-alive window of the whole range. ITs beyond the range count as out
 * of bounds; the paper forecasts a function with many of them by ARIMA, which is not modelled here:
 * a function with more out-of-bounds ITs than in-range ones keeps the standard keep-alive.
 *
 * When a function goes idle with a pre-warm window, its containers are unloaded at once and one is
 * loaded again when the window ends. Every container that is idle (after its last request, or once
 * pre-warmed) is kept for the keep-alive window and then stopped: the paper has one instance per
 * app, and hfsim's containers run one request each (or `function.concurrency`), so the window applies
 * to each container; with a single container this is exactly the paper's policy.
 *
 * Event-driven: an arrival ends an idle period (on_request), a container going idle starts its
 * keep-alive (on_container_idle), and per function one timer for the earliest container expiry
 * and one for the end of the pre-warm window. Windows are recomputed only when an IT is recorded.
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

struct function_state {
    uint32_t bins[BINS];
    uint32_t samples, out_of_bounds;
    bool used;          /* has had a request: idle periods start only after one */
    bool idle;          /* nothing in flight or waiting since idle_since */
    hf_time idle_since;
    double prewarm_s, keep_s;   /* the windows, recomputed when an idle time is recorded */
    hf_timer prewarm_timer;     /* 0: none */
    struct hf_keep_alive_timer expiry;
};

struct hybrid {
    struct hf_keep_alive_common common; /* first: hf_keep_alive_on_request reads it */
    double head, tail, margin, cv_threshold;
    uint32_t min_samples, functions;
    struct function_state *f;
    struct hf_keep_alive_views scratch;
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
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.hybrid.head_percentile: %g %% is above tail_percentile %g %%", s->head * 100, s->tail * 100);
    s->functions = hf_platform_function_count(platform);
    s->f = calloc(s->functions ? s->functions : 1, sizeof *s->f);
    if (!s->f)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    for (uint32_t i = 0; i < s->functions; i++) {
        s->f[i].keep_s = BINS * 60.0;
        s->f[i].expiry.due = HF_TIME_NEVER;
        hf_platform_set_replicas(platform, i, 0);
    }
    return true;
}

/* The windows for a function, in seconds: pre-warm and keep-alive. */
static void windows(const struct hybrid *s, const struct function_state *f, double *prewarm, double *keep)
{
    *prewarm = 0;
    *keep = BINS * 60.0;
    /* Mostly idle times beyond the range: the paper forecasts those (ARIMA), which is not modelled;
     * such a function keeps the standard keep-alive rather than windows from a minority of its ITs. */
    if (f->samples < s->min_samples || f->out_of_bounds > f->samples)
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

/* Timer arguments: 2 x function for its expiry timer, 2 x function + 1 for its pre-warm timer.
 * A container's keep-alive: the function's current window from when it went idle. */
static hf_time expires(const void *ctx, const struct hf_container_view *v)
{
    const struct function_state *f = ctx;
    return v->idle_since == HF_TIME_NEVER ? HF_TIME_NEVER : hf_time_add(v->idle_since, hf_time_from_s(f->keep_s));
}

static void on_container_idle(void *state, struct hf_platform *platform, uint64_t container, uint32_t fi)
{
    struct hybrid *s = state;
    if (fi >= s->functions)
        return;
    struct function_state *f = &s->f[fi];
    struct hf_function_load load;
    hf_platform_load(platform, fi, &load);
    if (!f->idle && load.in_flight + load.queued == 0 && f->used) { /* an idle period starts */
        f->idle = true;
        f->idle_since = hf_platform_now(platform);
        if (f->prewarm_s > 0) {
            hf_platform_set_replicas(platform, fi, 0); /* unloaded at once */
            f->prewarm_timer = hf_platform_timer_after(platform, hf_time_from_s(f->prewarm_s), 2 * (uint64_t)fi + 1);
            return;
        }
    }
    struct hf_container_view v;
    if (!hf_platform_container(platform, container, &v))
        return;
    hf_time due = expires(f, &v);
    if (due <= hf_platform_now(platform))
        hf_platform_stop(platform, container);
    else
        hf_keep_alive_arm(&f->expiry, platform, due, 2 * (uint64_t)fi);
}

static void on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    struct hybrid *s = state;
    uint32_t fi = (uint32_t)(arg / 2);
    if (fi >= s->functions)
        return;
    if (arg % 2 == 0) {
        hf_keep_alive_expire(&s->f[fi].expiry, &s->scratch, platform, fi, arg, expires, &s->f[fi]);
    } else { /* the predicted next call is near: load one container (kept for the keep-alive window) */
        s->f[fi].prewarm_timer = 0;
        hf_platform_set_replicas(platform, fi, 1);
    }
}

static struct hf_route on_request(void *state, struct hf_platform *platform, const struct hf_request_view *request)
{
    struct hybrid *s = state;
    uint32_t fi = request->function;
    if (fi < s->functions && !request->from_queue)
        s->f[fi].used = true;
    if (fi < s->functions && !request->from_queue && s->f[fi].idle) { /* an idle period ends: record it */
        struct function_state *f = &s->f[fi];
        double minutes = hf_time_to_s(hf_platform_now(platform) - f->idle_since) / 60;
        if (minutes < BINS) {
            f->bins[(int)minutes]++;
            f->samples++;
        } else {
            f->out_of_bounds++;
        }
        windows(s, f, &f->prewarm_s, &f->keep_s);
        if (f->prewarm_timer)
            hf_platform_timer_cancel(platform, f->prewarm_timer);
        f->prewarm_timer = 0;
        f->idle = false;
    }
    return hf_keep_alive_on_request(state, platform, request);
}

static void fini(void *state)
{
    struct hybrid *s = state;
    free(s->f);
    free(s->scratch.views);
}

const struct hf_policy_type hf_policy_hybrid = {
    .name = "hybrid",
    .needs = HF_PF_ROUTING | HF_PF_STOP | HF_PF_CONTAINERS,
    .summary = "hybrid-histogram keep-alive (Shahrad et al., ATC 2020): pre-warm and keep-alive from idle times",
    .params = params,
    .state_size = sizeof(struct hybrid),
    .init = init,
    .on_timer = on_timer,
    .on_request = on_request,
    .on_container_idle = on_container_idle,
    .fini = fini,
};
