/* kpa: Knative's Pod Autoscaler (knative.dev/serving/pkg/autoscaler), on concurrency.
 *
 * Every second the observed concurrency of a function (requests in its pods plus those buffered
 * in front of them, as queue-proxies and the activator report it) goes into a per-second ring.
 * Every tick (2 s) the autoscaler averages it over the stable window (60 s) and the panic window
 * (10 % of it, 6 s). desired = ceil(average / (target x target utilization)). It enters panic mode
 * when the panic-window desire reaches panic_threshold (200 %) of the ready pods, and then uses the
 * panic average and never scales down, until a whole stable window passes without that condition.
 * Rates: at most max_scale_up_rate x ready pods up, ready / max_scale_down_rate down. With
 * scale-to-zero, a function whose stable average is 0 goes to 0 after the grace period. Defaults
 * are Knative's config-autoscaler defaults. Simplification: the averages are plain means of the
 * per-second samples (Knative weights buckets the same way for the stable window; its optional
 * exponential panic weighting is not modelled). */
#include <math.h>
#include <stdlib.h>

#include "sim/policy.h"

static const struct hf_field kpa_params[] = {
    {"target", HF_T_NUMBER, "requests",
     "Concurrent requests per pod; 0 = the containers' concurrency limit (Knative with containerConcurrency "
     "set), or 100 (container-concurrency-target-default) when the platform cannot say.",
     "0", HF_F_MIN, 0, 0, NULL, NULL},
    {"target_utilization", HF_T_NUMBER, "", "container-concurrency-target-percentage / 100.", "0.7",
     HF_F_MIN | HF_F_MIN_EXCL | HF_F_MAX, 0, 1, NULL, NULL},
    {"stable_window_s", HF_T_NUMBER, "s", "stable-window.", "60", HF_F_MIN, 6, 3600, NULL, NULL},
    {"panic_window_percentage", HF_T_NUMBER, "%", "panic-window-percentage of the stable window.", "10",
     HF_F_MIN | HF_F_MAX, 1, 100, NULL, NULL},
    {"panic_threshold_percentage", HF_T_NUMBER, "%", "panic-threshold-percentage.", "200", HF_F_MIN, 110, 0,
     NULL, NULL},
    {"max_scale_up_rate", HF_T_NUMBER, "x", "max-scale-up-rate.", "1000", HF_F_MIN | HF_F_MIN_EXCL, 1, 0,
     NULL, NULL},
    {"max_scale_down_rate", HF_T_NUMBER, "x", "max-scale-down-rate.", "2", HF_F_MIN | HF_F_MIN_EXCL, 1, 0,
     NULL, NULL},
    {"tick_s", HF_T_NUMBER, "s", "The autoscaler's tick-interval.", "2", HF_F_MIN | HF_F_MIN_EXCL, 0, 0, NULL,
     NULL},
    {"scale_to_zero", HF_T_BOOL, "", "enable-scale-to-zero.", "true", 0, 0, 0, NULL, NULL},
    {"scale_to_zero_grace_s", HF_T_NUMBER, "s", "scale-to-zero-grace-period.", "30", HF_F_MIN, 0, 0, NULL,
     NULL},
    {"min_scale", HF_T_INT, "count", "Revision min-scale.", "0", HF_F_MIN, 0, 0, NULL, NULL},
    {"max_scale", HF_T_INT, "count", "Revision max-scale (0 = unlimited).", "0", HF_F_MIN, 0, 0, NULL, NULL},
    {"initial_scale", HF_T_INT, "count", "initial-scale.", "1", HF_F_MIN, 0, 0, NULL, NULL},
    {0},
};

enum { TIMER_SAMPLE = 0, TIMER_TICK = 1 };

struct kpa_function {
    double *samples; /* per-second concurrency, ring of stable_window_s entries */
    uint32_t next, filled;
    bool panicking;
    hf_time panic_since_ok; /* last time the panic condition held (while panicking) */
    hf_time zero_since;     /* since when the stable average has been 0 (0 = not) */
};

struct kpa_state {
    double target, utilization, panic_threshold, up_rate, down_rate, grace_s;
    uint32_t window, panic_window, min_scale, max_scale;
    bool to_zero;
    hf_time tick;
    uint32_t functions;
    struct kpa_function *f;
};

static bool kpa_init(void *state, const json_t *p, struct hf_platform *platform, struct hf_error *err)
{
    struct kpa_state *s = state;
    s->target = hf_json_number_at(p, "target");
    s->utilization = hf_json_number_at(p, "target_utilization");
    s->window = (uint32_t)ceil(hf_json_number_at(p, "stable_window_s"));
    s->panic_window = (uint32_t)fmax(1, ceil(s->window * hf_json_number_at(p, "panic_window_percentage") / 100));
    s->panic_threshold = hf_json_number_at(p, "panic_threshold_percentage") / 100;
    s->up_rate = hf_json_number_at(p, "max_scale_up_rate");
    s->down_rate = hf_json_number_at(p, "max_scale_down_rate");
    s->tick = hf_time_from_s(hf_json_number_at(p, "tick_s"));
    s->to_zero = hf_json_bool_at(p, "scale_to_zero");
    s->grace_s = hf_json_number_at(p, "scale_to_zero_grace_s");
    s->min_scale = (uint32_t)hf_json_int_at(p, "min_scale");
    s->max_scale = (uint32_t)hf_json_int_at(p, "max_scale");
    if (s->max_scale && s->min_scale > s->max_scale)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "kpa: min_scale %u is above max_scale %u", s->min_scale,
                       s->max_scale);
    s->functions = hf_platform_function_count(platform);
    s->f = calloc(s->functions ? s->functions : 1, sizeof *s->f);
    if (!s->f)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    uint32_t initial = (uint32_t)hf_json_int_at(p, "initial_scale");
    for (uint32_t i = 0; i < s->functions; i++) {
        s->f[i].samples = calloc(s->window, sizeof *s->f[i].samples);
        if (!s->f[i].samples)
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        hf_platform_set_replicas(platform, i, initial > s->min_scale ? initial : s->min_scale);
    }
    return (hf_platform_timer_after(platform, hf_time_from_s(1), TIMER_SAMPLE) &&
            hf_platform_timer_after(platform, s->tick, TIMER_TICK)) ||
           hf_fail(err, HF_EXIT_RUN_FAILED, "kpa: cannot schedule its timers");
}

/* Mean of the last n per-second samples. */
static double average(const struct kpa_state *s, const struct kpa_function *f, uint32_t n)
{
    if (n > f->filled)
        n = f->filled;
    if (n == 0)
        return 0;
    double sum = 0;
    for (uint32_t i = 1; i <= n; i++)
        sum += f->samples[(f->next + s->window - i) % s->window];
    return sum / n;
}

static void decide(struct kpa_state *s, struct hf_platform *platform, uint32_t fi, hf_time now)
{
    struct kpa_function *f = &s->f[fi];
    struct hf_function_load load;
    hf_platform_load(platform, fi, &load);
    double target = s->target;
    if (target == 0) {
        struct hf_container_view v;
        target = hf_platform_has(platform, HF_PF_CONTAINERS) && hf_platform_containers(platform, fi, &v, 1) > 0
                     ? v.concurrency : 100;
    }
    double per_pod = target * s->utilization;
    double stable = average(s, f, s->window), panic = average(s, f, s->panic_window);
    double want_stable = ceil(stable / per_pod), want_panic = ceil(panic / per_pod);
    double ready = load.ready > 0 ? load.ready : 1;
    bool panic_condition = want_panic / ready >= s->panic_threshold;
    if (panic_condition) {
        f->panicking = true;
        f->panic_since_ok = now;
    } else if (f->panicking && now - f->panic_since_ok >= hf_time_from_s(s->window)) {
        f->panicking = false;
    }
    double desired = f->panicking ? fmax(want_panic, load.replicas) : want_stable;
    /* Rate limits relative to ready pods, as Knative applies them. */
    desired = fmin(desired, ceil(s->up_rate * ready));
    desired = fmax(desired, floor(ready / s->down_rate));
    /* Scale to zero only after the whole stable window saw nothing, plus the grace period. */
    if (stable == 0 && f->filled >= s->window) {
        if (f->zero_since == 0)
            f->zero_since = now;
        if (!s->to_zero || hf_time_to_s(now - f->zero_since) < s->grace_s)
            desired = fmax(desired, 1);
        else
            desired = 0;
    } else {
        f->zero_since = 0;
        if (stable > 0 || panic > 0 || load.queued > 0)
            desired = fmax(desired, 1);
    }
    if (desired < s->min_scale)
        desired = s->min_scale;
    if (s->max_scale && desired > s->max_scale)
        desired = s->max_scale;
    if ((uint32_t)desired != load.replicas)
        hf_platform_set_replicas(platform, fi, (uint32_t)desired);
}

static void kpa_on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    struct kpa_state *s = state;
    hf_time now = hf_platform_now(platform);
    if (arg == TIMER_SAMPLE) {
        for (uint32_t i = 0; i < s->functions; i++) {
            struct hf_function_load load;
            hf_platform_load(platform, i, &load);
            struct kpa_function *f = &s->f[i];
            f->samples[f->next] = load.in_flight + load.queued;
            f->next = (f->next + 1) % s->window;
            if (f->filled < s->window)
                f->filled++;
        }
        hf_platform_timer_after(platform, hf_time_from_s(1), TIMER_SAMPLE);
        return;
    }
    for (uint32_t i = 0; i < s->functions; i++)
        decide(s, platform, i, now);
    hf_platform_timer_after(platform, s->tick, TIMER_TICK);
}

static void kpa_fini(void *state)
{
    struct kpa_state *s = state;
    for (uint32_t i = 0; s->f && i < s->functions; i++)
        free(s->f[i].samples);
    free(s->f);
}

const struct hf_policy_type hf_policy_kpa = {
    .name = "kpa",
    .summary = "Knative Pod Autoscaler: concurrency target, 60 s stable / 6 s panic windows, scale to zero",
    .params = kpa_params,
    .state_size = sizeof(struct kpa_state),
    .init = kpa_init,
    .on_timer = kpa_on_timer,
    .fini = kpa_fini,
};
