/* openfaas: OpenFaaS Community Edition's alert-based autoscaling (Prometheus + AlertManager).
 *
 * Prometheus evaluates `sum(rate(gateway_function_invocation_total{code="200"}[10s])) by
 * (function_name) > 5` every evaluation interval; the alert APIHighInvocationRate fires after the
 * condition held `for` 5 s. AlertManager notifies the gateway after group_wait (5 s), then again
 * every repeat_interval (30 s) while the alert fires; each notification adds
 * ceil(max_replicas x scale_factor %) replicas (com.openfaas.scale.factor 20 %, scale.max 20), up
 * to max. When the alert resolves, the next notification (group_interval, 10 s later) scales the
 * function back to min_replicas. The rate is over completed requests, as the metric counts
 * responses with code 200. */
#include <math.h>
#include <stdlib.h>

#include "sim/policy.h"

static const struct hf_field openfaas_params[] = {
    {"rate_threshold", HF_T_NUMBER, "1/s", "The alert's invocation-rate threshold.", "5", HF_F_MIN, 0, 0, NULL,
     NULL},
    {"rate_window_s", HF_T_NUMBER, "s", "The rate() window.", "10", HF_F_MIN | HF_F_MIN_EXCL, 0, 0, NULL, NULL},
    {"evaluation_s", HF_T_NUMBER, "s", "Prometheus evaluation interval.", "5", HF_F_MIN | HF_F_MIN_EXCL, 0, 0,
     NULL, NULL},
    {"for_s", HF_T_NUMBER, "s", "The alert's `for` duration.", "5", HF_F_MIN, 0, 0, NULL, NULL},
    {"group_wait_s", HF_T_NUMBER, "s", "AlertManager group_wait.", "5", HF_F_MIN, 0, 0, NULL, NULL},
    {"group_interval_s", HF_T_NUMBER, "s", "AlertManager group_interval (resolved notification).", "10",
     HF_F_MIN, 0, 0, NULL, NULL},
    {"repeat_interval_s", HF_T_NUMBER, "s", "AlertManager repeat_interval.", "30", HF_F_MIN | HF_F_MIN_EXCL, 0,
     0, NULL, NULL},
    {"scale_factor", HF_T_NUMBER, "%", "com.openfaas.scale.factor: step as a percentage of max.", "20",
     HF_F_MIN | HF_F_MIN_EXCL | HF_F_MAX, 0, 100, NULL, NULL},
    {"min_replicas", HF_T_INT, "count", "com.openfaas.scale.min.", "1", HF_F_MIN, 0, 0, NULL, NULL},
    {"max_replicas", HF_T_INT, "count", "com.openfaas.scale.max.", "20", HF_F_MIN, 1, 0, NULL, NULL},
    {0},
};

/* A rate() needs the counter's values over the window: a ring of (time, completed) samples. */
#define SAMPLES 64

struct alert {
    hf_time at[SAMPLES];
    uint64_t value[SAMPLES];
    uint32_t next, filled;
    hf_time pending_since; /* condition true since (0 = false) */
    bool firing;
    hf_time next_notify;   /* when AlertManager sends the next notification (0 = none due) */
    bool resolve_due;
};

struct openfaas_state {
    double threshold, window_s, factor;
    hf_time evaluation, for_time, group_wait, group_interval, repeat;
    uint32_t min, max, functions;
    struct alert *alerts;
};

static hf_time secs(const json_t *p, const char *k) { return hf_time_from_s(hf_json_number_at(p, k)); }

static bool openfaas_init(void *state, const json_t *p, struct hf_platform *platform, struct hf_error *err)
{
    struct openfaas_state *s = state;
    s->threshold = hf_json_number_at(p, "rate_threshold");
    s->window_s = hf_json_number_at(p, "rate_window_s");
    s->evaluation = secs(p, "evaluation_s");
    s->for_time = secs(p, "for_s");
    s->group_wait = secs(p, "group_wait_s");
    s->group_interval = secs(p, "group_interval_s");
    s->repeat = secs(p, "repeat_interval_s");
    s->factor = hf_json_number_at(p, "scale_factor") / 100;
    s->min = (uint32_t)hf_json_int_at(p, "min_replicas");
    s->max = (uint32_t)hf_json_int_at(p, "max_replicas");
    if (s->min > s->max)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "openfaas: min_replicas %u is above max_replicas %u", s->min,
                       s->max);
    s->functions = hf_platform_function_count(platform);
    s->alerts = calloc(s->functions ? s->functions : 1, sizeof *s->alerts);
    if (!s->alerts)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    for (uint32_t f = 0; f < s->functions; f++)
        hf_platform_set_replicas(platform, f, s->min > 0 ? s->min : 1);
    return hf_platform_timer_after(platform, s->evaluation, 0) ||
           hf_fail(err, HF_EXIT_RUN_FAILED, "openfaas: cannot schedule its evaluation timer");
}

/* rate() over the window: (newest - oldest in window) / their time span, as Prometheus extrapolates
 * only within the samples it has. */
static double rate(const struct openfaas_state *s, const struct alert *a, hf_time now)
{
    if (a->filled < 2)
        return 0;
    uint32_t newest = (a->next + SAMPLES - 1) % SAMPLES, oldest = newest;
    for (uint32_t i = 1; i < a->filled; i++) {
        uint32_t k = (newest + SAMPLES - i) % SAMPLES;
        if (now - a->at[k] > hf_time_from_s(s->window_s))
            break;
        oldest = k;
    }
    if (oldest == newest)
        return 0;
    return (double)(a->value[newest] - a->value[oldest]) / hf_time_to_s(a->at[newest] - a->at[oldest]);
}

static void notify(struct openfaas_state *s, struct hf_platform *platform, uint32_t f, struct alert *a)
{
    struct hf_function_load load;
    hf_platform_load(platform, f, &load);
    uint32_t target;
    if (a->firing) {
        uint32_t step = (uint32_t)ceil(s->max * s->factor);
        target = load.replicas + step > s->max ? s->max : load.replicas + step;
    } else {
        target = s->min;
    }
    if (target != load.replicas)
        hf_platform_set_replicas(platform, f, target);
}

static void openfaas_on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    (void)arg;
    struct openfaas_state *s = state;
    hf_time now = hf_platform_now(platform);
    for (uint32_t f = 0; f < s->functions; f++) {
        struct alert *a = &s->alerts[f];
        struct hf_function_load load;
        hf_platform_load(platform, f, &load);
        a->at[a->next] = now;
        a->value[a->next] = load.completed;
        a->next = (a->next + 1) % SAMPLES;
        if (a->filled < SAMPLES)
            a->filled++;
        bool condition = rate(s, a, now) > s->threshold;
        if (condition) {
            if (a->pending_since == 0)
                a->pending_since = now;
            if (!a->firing && now - a->pending_since >= s->for_time) {
                a->firing = true;
                a->resolve_due = false;
                a->next_notify = now + s->group_wait;
            }
        } else {
            a->pending_since = 0;
            if (a->firing) {
                a->firing = false;
                a->resolve_due = true;
                a->next_notify = now + s->group_interval;
            }
        }
        if (a->next_notify != 0 && now >= a->next_notify) {
            notify(s, platform, f, a);
            a->next_notify = a->firing ? now + s->repeat : 0;
            a->resolve_due = false;
        }
    }
    hf_platform_timer_after(platform, s->evaluation, 0);
}

static void openfaas_fini(void *state) { free(((struct openfaas_state *)state)->alerts); }

const struct hf_policy_type hf_policy_openfaas = {
    .name = "openfaas",
    .summary = "OpenFaaS CE alert scaling: >5 req/s for 5 s fires, +20 % of max per notification, min on resolve",
    .params = openfaas_params,
    .state_size = sizeof(struct openfaas_state),
    .init = openfaas_init,
    .on_timer = openfaas_on_timer,
    .fini = openfaas_fini,
};
