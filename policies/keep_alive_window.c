/* keepalive-window: containers on demand; each function keeps the largest number of containers it
 * needed within the last keep_alive_s seconds, need being its requests in flight and waiting over
 * its containers' concurrency, sampled every second while it is busy. This was hfsim's `keepalive`
 * before R2.3; the field's keep-alive times out each container on its own (keep_alive_timeout.c).
 * Here a function's containers go together, and only when none was needed for the whole window.
 *
 * Cost grows with busy functions, not with all functions: a trace replay has tens of thousands of
 * functions, most of them idle at any moment. Busy functions (work in flight or waiting) are sampled
 * each second into a sliding-window maximum (a monotonic deque of (time, need)); once a function is
 * idle nothing changes until its largest recent need expires, so a timer per function fires then
 * (timer argument 1 + function; argument 0 is the one-second tick). A function turns busy through
 * on_request: every arrival reaches it at its instant, also one that joins a non-empty queue
 * (request->joins_queue). */
#include <stdlib.h>

#include "policies/keep_alive.h"

static const struct hf_field params[] = {
    {"keep_alive_s", HF_T_INT, "s", "How long an unneeded container stays warm.", "600", HF_F_MIN | HF_F_MAX,
     1, 86400, NULL, NULL},
    {"initial_replicas", HF_T_INT, "count", "Containers each function starts with.", "0", HF_F_MIN, 0, 0, NULL,
     NULL},
    {0},
};

struct sample {
    hf_time at;
    uint32_t need;
};

/* Samples with strictly decreasing need from head to tail: the head is the window's maximum. */
struct window_max {
    struct sample *ring;
    uint32_t head, count, cap;
};

struct function_state {
    struct window_max window;
    bool busy;
    bool expiry_pending;
};

struct fixed_keep_alive {
    struct hf_keep_alive_common common; /* first: hf_keep_alive_on_request reads it */
    hf_time keep;
    uint32_t functions;
    struct function_state *f;
    uint32_t *busy_list, busy_count;
};

static bool window_push(struct window_max *w, hf_time at, uint32_t need)
{
    /* cap is a power of two: ring indices wrap with a mask (this runs for every arrival) */
    uint32_t mask = w->cap - 1;
    while (w->count > 0 && w->ring[(w->head + w->count - 1) & mask].need <= need)
        w->count--;
    if (w->count == w->cap) {
        uint32_t cap = w->cap ? w->cap * 2 : 4;
        struct sample *grown = malloc(cap * sizeof *grown);
        if (!grown)
            return false;
        for (uint32_t i = 0; i < w->count; i++)
            grown[i] = w->ring[(w->head + i) & mask];
        free(w->ring);
        w->ring = grown;
        w->head = 0;
        w->cap = cap;
        mask = cap - 1;
    }
    w->ring[(w->head + w->count++) & mask] = (struct sample){at, need};
    return true;
}

/* Drops samples older than the window; returns the maximum need left (0 when none). */
static uint32_t window_max_since(struct window_max *w, hf_time since)
{
    while (w->count > 0 && w->ring[w->head].at <= since) {
        w->head = (w->head + 1) & (w->cap - 1);
        w->count--;
    }
    return w->count ? w->ring[w->head].need : 0;
}

static bool init(void *state, const json_t *p, struct hf_platform *platform, struct hf_error *err)
{
    struct fixed_keep_alive *s = state;
    s->keep = hf_time_from_s((double)hf_json_int_at(p, "keep_alive_s"));
    s->functions = hf_platform_function_count(platform);
    s->f = calloc(s->functions ? s->functions : 1, sizeof *s->f);
    s->busy_list = malloc((s->functions ? s->functions : 1) * sizeof *s->busy_list);
    if (!s->f || !s->busy_list)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    uint32_t initial = (uint32_t)hf_json_int_at(p, "initial_replicas");
    hf_time now = hf_platform_now(platform);
    for (uint32_t f = 0; f < s->functions; f++) {
        hf_platform_set_replicas(platform, f, initial);
        if (initial > 0) {
            if (!window_push(&s->f[f].window, now, initial))
                return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
            s->f[f].expiry_pending = true;
            if (!hf_platform_timer_after(platform, s->keep, 1 + (uint64_t)f))
                return hf_fail(err, HF_EXIT_RUN_FAILED, "keepalive-window: cannot schedule an expiry timer");
        }
    }
    return hf_platform_timer_after(platform, hf_time_from_s(1), 0) ||
           hf_fail(err, HF_EXIT_RUN_FAILED, "keepalive-window: cannot schedule its tick");
}

/* Scales down to the window's maximum; when idle, arms the timer for the next expiry. */
static void settle(struct fixed_keep_alive *s, struct hf_platform *platform, uint32_t f, hf_time now)
{
    struct function_state *fs = &s->f[f];
    uint32_t keep = window_max_since(&fs->window, now - s->keep);
    struct hf_function_load load;
    hf_platform_load(platform, f, &load);
    if (keep < load.replicas)
        hf_platform_set_replicas(platform, f, keep);
    if (!fs->busy && !fs->expiry_pending && fs->window.count > 0) {
        hf_time expires = fs->window.ring[fs->window.head].at + s->keep;
        fs->expiry_pending = true;
        hf_platform_timer_after(platform, expires > now ? expires - now : 0, 1 + (uint64_t)f);
    }
}

static void tick(struct fixed_keep_alive *s, struct hf_platform *platform)
{
    hf_time now = hf_platform_now(platform);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < s->busy_count; i++) {
        uint32_t f = s->busy_list[i];
        struct function_state *fs = &s->f[f];
        hf_keep_alive_scale_up(&s->common, platform, f);
        uint32_t need = hf_keep_alive_need(&s->common, platform, f, 0);
        if (need > 0)
            window_push(&fs->window, now, need); /* out of memory: the sample is lost, not the run */
        fs->busy = need > 0;
        if (fs->busy)
            s->busy_list[kept++] = f;
        settle(s, platform, f, now);
    }
    s->busy_count = kept;
    hf_platform_timer_after(platform, hf_time_from_s(1), 0);
}

static void on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    struct fixed_keep_alive *s = state;
    if (arg == 0) {
        tick(s, platform);
        return;
    }
    uint32_t f = (uint32_t)(arg - 1);
    if (f >= s->functions)
        return;
    s->f[f].expiry_pending = false;
    if (!s->f[f].busy)
        settle(s, platform, f, hf_platform_now(platform));
}

static struct hf_route on_request(void *state, struct hf_platform *platform, const struct hf_request_view *request)
{
    struct fixed_keep_alive *s = state;
    uint32_t f = request->function;
    if (f < s->functions && !s->f[f].busy) {
        s->f[f].busy = true;
        s->busy_list[s->busy_count++] = f;
    }
    /* The containers this arrival needs count as needed now, or the next tick could stop the one
     * just started for it when the sampled need happens to be lower. */
    if (f < s->functions && !request->from_queue)
        window_push(&s->f[f].window, hf_platform_now(platform), hf_keep_alive_need(&s->common, platform, f, 1));
    return hf_keep_alive_on_request(state, platform, request);
}

static void fini(void *state)
{
    struct fixed_keep_alive *s = state;
    for (uint32_t f = 0; s->f && f < s->functions; f++)
        free(s->f[f].window.ring);
    free(s->f);
    free(s->busy_list);
}

const struct hf_policy_type hf_policy_keep_alive_window = {
    .name = "keepalive-window",
    .needs = HF_PF_ROUTING,
    .summary = "containers on demand; a function keeps the most it needed within the last window",
    .params = params,
    .state_size = sizeof(struct fixed_keep_alive),
    .init = init,
    .on_timer = on_timer,
    .on_request = on_request,
    .fini = fini,
};
