/* hpa and hpa-tuned: Kubernetes' Horizontal Pod Autoscaler on CPU utilization, one per function.
 *
 * Every sync period the controller reads the function's pods (phase, readiness, start and readiness
 * times, CPU requests) and the metrics-server's latest usage samples, computes a proposal with the
 * replica calculator and normalizes it (stabilization window, scale-up limits or behavior policies,
 * min/max): policies/hpa_calc.h, the same code `hfsim hpa-calc` runs. The metrics are as stale as
 * the metrics-server makes them, and new pods are unready through their cold start, which is what
 * makes the default HPA slow to absorb a burst.
 *
 * hpa:       Kubernetes defaults: 15 s sync, 0.1 tolerance, 300 s CPU initialization period, 30 s
 *            readiness delay, no behavior (scale-up at most max(2x, 4) per sync, 300 s downscale
 *            stabilization), metrics-server at 60 s resolution.
 * hpa-tuned: the knobs an operator turns for bursts: 5 s sync, metrics at 15 s resolution, a behavior
 *            that may multiply replicas tenfold per 15 s on scale-up, and 60 s downscale window.
 * Both take every field, so any tuning in between is one --set away. */
#include <stdlib.h>
#include <string.h>

#include "policies/hpa_calc.h"
#include "policies/hpa_snapshot.h"
#include "sim/policy.h"

#define COMMON_FIELDS(sync, resolution, down_window)                                                \
    {"target_utilization", HF_T_INT, "%", "Target average CPU utilization, percent of request.", "50", \
     HF_F_MIN | HF_F_MIN_EXCL, 0, 0, NULL, NULL},                                                    \
    {"min_replicas", HF_T_INT, "count", "spec.minReplicas.", "1", HF_F_MIN, 0, 0, NULL, NULL},     \
    {"max_replicas", HF_T_INT, "count", "spec.maxReplicas.", "20", HF_F_MIN, 1, 0, NULL, NULL},    \
    {"initial_replicas", HF_T_INT, "count", "Replicas each function starts with.", "1", HF_F_MIN, 0, \
     0, NULL, NULL},                                                                                 \
    {"sync_period_s", HF_T_NUMBER, "s", "--horizontal-pod-autoscaler-sync-period.", sync,            \
     HF_F_MIN | HF_F_MIN_EXCL, 0, 0, NULL, NULL},                                                    \
    {"tolerance", HF_T_NUMBER, "", "--horizontal-pod-autoscaler-tolerance.", "0.1", HF_F_MIN, 0, 0,  \
     NULL, NULL},                                                                                    \
    {"cpu_initialization_period_s", HF_T_NUMBER, "s",                                                \
     "--horizontal-pod-autoscaler-cpu-initialization-period.", "300", HF_F_MIN, 0, 0, NULL, NULL},   \
    {"delay_of_initial_readiness_s", HF_T_NUMBER, "s",                                               \
     "--horizontal-pod-autoscaler-initial-readiness-delay.", "30", HF_F_MIN, 0, 0, NULL, NULL},      \
    {"downscale_stabilization_s", HF_T_NUMBER, "s",                                                  \
     "--horizontal-pod-autoscaler-downscale-stabilization.", down_window, HF_F_MIN, 0, 0, NULL, NULL}, \
    {"metric_resolution_s", HF_T_NUMBER, "s",                                                        \
     "metrics-server --metric-resolution this deployment runs with (overrides metrics.resolution_s).", \
     resolution, HF_F_MIN | HF_F_MIN_EXCL, 0, 0, NULL, NULL}

static const struct hf_field hpa_params[] = {
    COMMON_FIELDS("15", "60", "300"),
    {"behavior", HF_T_OBJECT, "", "spec.behavior (Kubernetes names); absent = the no-behavior path.",
     NULL, HF_F_OPTIONAL, 0, 0, NULL, hf_hpa_behavior_fields},
    {0},
};

/* hpa-tuned's behavior has defaults of its own, so it is always present. */
static const struct hf_field tuned_policy_fields[] = {
    {"type", HF_T_ENUM, "", "Pods or Percent.", NULL, HF_F_REQUIRED, 0, 0,
     (const char *const[]){"Pods", "Percent", NULL}, NULL},
    {"value", HF_T_INT, "", "Pods or percent per period.", NULL, HF_F_REQUIRED | HF_F_MIN | HF_F_MIN_EXCL,
     0, 0, NULL, NULL},
    {"periodSeconds", HF_T_INT, "s", "Period.", NULL, HF_F_REQUIRED | HF_F_MIN | HF_F_MIN_EXCL | HF_F_MAX,
     0, 1800, NULL, NULL},
    {0},
};
static const struct hf_field tuned_policy_item[] = {
    {"", HF_T_OBJECT, "", "A scaling policy.", NULL, 0, 0, 0, NULL, tuned_policy_fields},
    {0},
};
static const char *const selects[] = {"Max", "Min", "Disabled", NULL};
static const struct hf_field tuned_up_fields[] = {
    {"stabilizationWindowSeconds", HF_T_INT, "s", "Scale-up stabilization.", "0", HF_F_MIN | HF_F_MAX, 0,
     3600, NULL, NULL},
    {"selectPolicy", HF_T_ENUM, "", "Which policy limits the change.", "\"Max\"", 0, 0, 0, selects, NULL},
    {"policies", HF_T_ARRAY, "", "Up to 10x the replicas, or 20 pods, per 15 s.",
     "[{\"type\": \"Percent\", \"value\": 900, \"periodSeconds\": 15},"
     " {\"type\": \"Pods\", \"value\": 20, \"periodSeconds\": 15}]",
     0, 0, 0, NULL, tuned_policy_item},
    {0},
};
static const struct hf_field tuned_down_fields[] = {
    {"stabilizationWindowSeconds", HF_T_INT, "s", "Scale-down stabilization.", "60", HF_F_MIN | HF_F_MAX,
     0, 3600, NULL, NULL},
    {"selectPolicy", HF_T_ENUM, "", "Which policy limits the change.", "\"Max\"", 0, 0, 0, selects, NULL},
    {"policies", HF_T_ARRAY, "", "Half the replicas per 15 s.",
     "[{\"type\": \"Percent\", \"value\": 50, \"periodSeconds\": 15}]", 0, 0, 0, NULL, tuned_policy_item},
    {0},
};
static const struct hf_field tuned_behavior_fields[] = {
    {"scaleUp", HF_T_OBJECT, "", "Scale-up rules.", NULL, 0, 0, 0, NULL, tuned_up_fields},
    {"scaleDown", HF_T_OBJECT, "", "Scale-down rules.", NULL, 0, 0, 0, NULL, tuned_down_fields},
    {0},
};

static const struct hf_field tuned_params[] = {
    COMMON_FIELDS("5", "15", "60"),
    {"behavior", HF_T_OBJECT, "", "spec.behavior (Kubernetes names), tuned for bursts by default.", NULL,
     0, 0, 0, NULL, tuned_behavior_fields},
    {0},
};

/* What one function's controller remembers between syncs. */
struct function_history {
    struct hf_hpa_recommendation *recs; /* ages filled at decision time from `at` */
    hf_time *rec_at;
    size_t rec_count, rec_cap, rec_at_cap;
    struct hf_hpa_scale_event *events;
    hf_time *event_at;
    size_t event_count, event_cap, event_at_cap;
};

struct hpa_state {
    int32_t target, min_replicas, max_replicas;
    hf_time sync_period;
    double tolerance, cpu_init_s, readiness_delay_s, downscale_window_s;
    bool has_behavior;
    struct hf_hpa_behavior behavior;
    double memory_s; /* how long history must be kept: the longest window or period */
    uint32_t functions;
    struct function_history *history;
    struct hf_pod_view *views;
    struct hf_hpa_pod *pods;
    uint32_t pod_cap;
};

static bool hpa_init(void *state, const json_t *params, struct hf_platform *platform,
                     struct hf_error *err)
{
    struct hpa_state *s = state;
    s->target = (int32_t)hf_json_int_at(params, "target_utilization");
    s->min_replicas = (int32_t)hf_json_int_at(params, "min_replicas");
    s->max_replicas = (int32_t)hf_json_int_at(params, "max_replicas");
    if (s->min_replicas > s->max_replicas)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "policy: min_replicas %d is above max_replicas %d",
                       s->min_replicas, s->max_replicas);
    s->sync_period = hf_time_from_s(hf_json_number_at(params, "sync_period_s"));
    s->tolerance = hf_json_number_at(params, "tolerance");
    s->cpu_init_s = hf_json_number_at(params, "cpu_initialization_period_s");
    s->readiness_delay_s = hf_json_number_at(params, "delay_of_initial_readiness_s");
    s->downscale_window_s = hf_json_number_at(params, "downscale_stabilization_s");
    s->memory_s = s->downscale_window_s;
    const json_t *behavior = json_object_get(params, "behavior");
    if (behavior) {
        s->has_behavior = true;
        if (!hf_hpa_behavior_from_json(behavior, s->downscale_window_s, &s->behavior, "policy", err))
            return false;
        const struct hf_hpa_rules *rules[] = {&s->behavior.scale_up, &s->behavior.scale_down};
        for (int r = 0; r < 2; r++) {
            if (rules[r]->stabilization_window_s > s->memory_s)
                s->memory_s = rules[r]->stabilization_window_s;
            for (int p = 0; p < rules[r]->policy_count; p++)
                if (rules[r]->policies[p].period_s > s->memory_s)
                    s->memory_s = rules[r]->policies[p].period_s;
        }
    }
    if (!hf_platform_has(platform, HF_PF_PODS))
        return hf_fail(err, HF_EXIT_BAD_INPUT,
                       "the hpa policies need a model with pods and metrics: use \"model\": \"cluster\"");
    if (hf_platform_has(platform, HF_PF_METRIC_RESOLUTION))
        hf_platform_set_metric_resolution(platform, hf_time_from_s(hf_json_number_at(params, "metric_resolution_s")));
    s->functions = hf_platform_function_count(platform);
    s->history = calloc(s->functions ? s->functions : 1, sizeof *s->history);
    if (!s->history)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    uint32_t initial = (uint32_t)hf_json_int_at(params, "initial_replicas");
    for (uint32_t f = 0; f < s->functions; f++)
        hf_platform_set_replicas(platform, f, initial);
    return hf_platform_timer_after(platform, s->sync_period, 0) ||
           hf_fail(err, HF_EXIT_RUN_FAILED, "hpa: cannot schedule its sync timer");
}

static bool reserve(void **array, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *grown = realloc(*array, n * size);
    if (!grown)
        return false;
    *array = grown;
    *cap = n;
    return true;
}

/* Drops history older than any window or period can look back. */
static void prune(struct hpa_state *s, struct function_history *h, hf_time now)
{
    hf_time horizon = now - hf_time_from_s(s->memory_s) - s->sync_period;
    size_t keep = 0;
    for (size_t i = 0; i < h->rec_count; i++)
        if (h->rec_at[i] >= horizon) {
            h->rec_at[keep] = h->rec_at[i];
            h->recs[keep++] = h->recs[i];
        }
    h->rec_count = keep;
    keep = 0;
    for (size_t i = 0; i < h->event_count; i++)
        if (h->event_at[i] >= horizon) {
            h->event_at[keep] = h->event_at[i];
            h->events[keep++] = h->events[i];
        }
    h->event_count = keep;
}

static double age_s(hf_time now, hf_time then) { return hf_time_to_s(now - then); }

static void sync_function(struct hpa_state *s, struct hf_platform *platform, uint32_t f, hf_time now)
{
    struct hf_function_load load;
    hf_platform_load(platform, f, &load);
    int32_t current = (int32_t)load.replicas;
    int32_t desired;
    if (hf_hpa_guard(current, s->min_replicas, s->max_replicas, &desired)) {
        if (desired != current)
            hf_platform_set_replicas(platform, f, (uint32_t)desired);
        return;
    }
    uint32_t n = hf_platform_pods(platform, f, s->views, s->pod_cap);
    if (n > s->pod_cap) {
        size_t cap = s->pod_cap;
        if (!reserve((void **)&s->views, &cap, n, sizeof *s->views))
            return;
        cap = s->pod_cap;
        if (!reserve((void **)&s->pods, &cap, n, sizeof *s->pods))
            return;
        s->pod_cap = (uint32_t)cap;
        n = hf_platform_pods(platform, f, s->views, s->pod_cap);
    }
    for (uint32_t i = 0; i < n; i++) {
        const struct hf_pod_view *v = &s->views[i];
        s->pods[i] = (struct hf_hpa_pod){
            .phase = v->running ? HF_POD_RUNNING : HF_POD_PENDING,
            .deleting = v->deleting,
            .ready = v->ready ? 1 : 0,
            .has_start = v->scheduled,
            .start_age_s = age_s(now, v->start_time),
            .ready_transition_age_s = age_s(now, v->ready_change),
            .cpu_request_milli = (int64_t)(v->cpu_request_milli + 0.5),
            .has_metric = v->has_metric,
            .cpu_usage_milli = (int64_t)(v->cpu_usage_milli + 0.5),
            .metric_age_s = age_s(now, v->metric_time),
            .metric_window_s = hf_time_to_s(v->metric_window),
        };
    }
    struct hf_hpa_calc_input in = {current, s->target, s->tolerance, s->cpu_init_s,
                                   s->readiness_delay_s, s->pods, n};
    struct hf_hpa_calc_result r;
    if (!hf_hpa_replicas(&in, &r))
        return; /* as the controller: record the failure, leave the scale alone */

    struct function_history *h = &s->history[f];
    prune(s, h, now);
    for (size_t i = 0; i < h->rec_count; i++)
        h->recs[i].age_s = age_s(now, h->rec_at[i]);
    for (size_t i = 0; i < h->event_count; i++)
        h->events[i].age_s = age_s(now, h->event_at[i]);
    struct hf_hpa_normalize_input norm = {
        .current_replicas = current,
        .proposed = r.desired,
        .min_replicas = s->min_replicas,
        .max_replicas = s->max_replicas,
        .behavior = s->has_behavior ? &s->behavior : NULL,
        .downscale_window_s = s->downscale_window_s,
        .history = h->recs,
        .history_count = h->rec_count,
        .events = h->events,
        .event_count = h->event_count,
    };
    desired = hf_hpa_normalize(&norm);
    if (reserve((void **)&h->recs, &h->rec_cap, h->rec_count + 1, sizeof *h->recs) &&
        reserve((void **)&h->rec_at, &h->rec_at_cap, h->rec_count + 1, sizeof *h->rec_at)) {
        h->recs[h->rec_count] = (struct hf_hpa_recommendation){0, r.desired};
        h->rec_at[h->rec_count++] = now;
    }
    if (desired == current)
        return;
    hf_platform_set_replicas(platform, f, (uint32_t)desired);
    if (reserve((void **)&h->events, &h->event_cap, h->event_count + 1, sizeof *h->events) &&
        reserve((void **)&h->event_at, &h->event_at_cap, h->event_count + 1, sizeof *h->event_at)) {
        h->events[h->event_count] = (struct hf_hpa_scale_event){0, desired - current};
        h->event_at[h->event_count++] = now;
    }
}

static void hpa_on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    (void)arg;
    struct hpa_state *s = state;
    hf_time now = hf_platform_now(platform);
    for (uint32_t f = 0; f < s->functions; f++)
        sync_function(s, platform, f, now);
    hf_platform_timer_after(platform, s->sync_period, 0);
}

static void hpa_fini(void *state)
{
    struct hpa_state *s = state;
    for (uint32_t f = 0; s->history && f < s->functions; f++) {
        free(s->history[f].recs);
        free(s->history[f].rec_at);
        free(s->history[f].events);
        free(s->history[f].event_at);
    }
    free(s->history);
    free(s->views);
    free(s->pods);
}

const struct hf_policy_type hf_policy_hpa = {
    .name = "hpa",
    .needs = HF_PF_PODS,
    .summary = "Kubernetes HPA on CPU with its defaults (15 s sync, 60 s metrics, no behavior)",
    .params = hpa_params,
    .state_size = sizeof(struct hpa_state),
    .init = hpa_init,
    .on_timer = hpa_on_timer,
    .fini = hpa_fini,
};

const struct hf_policy_type hf_policy_hpa_tuned = {
    .name = "hpa-tuned",
    .needs = HF_PF_PODS,
    .summary = "Kubernetes HPA tuned for bursts (5 s sync, 15 s metrics, 10x scale-up behavior)",
    .params = tuned_params,
    .state_size = sizeof(struct hpa_state),
    .init = hpa_init,
    .on_timer = hpa_on_timer,
    .fini = hpa_fini,
};
