/* Kubernetes HPA decision logic as pure functions, ported from pkg/controller/podautoscaler
 * (replica_calculator.go: GetResourceReplicas and groupPods; horizontal.go: the no-behavior
 * normalization, stabilizeRecommendation(WithBehaviors) and the behavior rate limits).
 *
 * Times are ages in seconds before "now" (the decision instant), so the functions need no clock.
 * CPU is in millicores. Nothing here allocates except hf_hpa_replicas's scratch, freed before return.
 * Errors: hf_hpa_replicas returns false with a Kubernetes-like message when no decision can be made
 * (the controller then keeps the current replica count). */
#ifndef HF_HPA_CALC_H
#define HF_HPA_CALC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hf_pod_phase { HF_POD_RUNNING, HF_POD_PENDING, HF_POD_FAILED };

struct hf_hpa_pod {
    enum hf_pod_phase phase;
    bool deleting;
    int ready;                      /* 1 Ready=True, 0 Ready=False, -1 no Ready condition */
    bool has_start;                 /* StartTime known */
    double start_age_s;             /* now - StartTime */
    double ready_transition_age_s;  /* now - Ready condition's LastTransitionTime */
    int64_t cpu_request_milli;      /* sum over the pod's containers */
    bool has_metric;                /* false: the metrics API returned nothing for the pod */
    int64_t cpu_usage_milli;
    double metric_age_s;            /* now - metric timestamp */
    double metric_window_s;         /* the metric's averaging window */
};

struct hf_hpa_calc_input {
    int32_t current_replicas;
    int32_t target_utilization; /* percent of request */
    double tolerance;           /* Kubernetes default 0.1 */
    double cpu_initialization_period_s; /* default 300 */
    double delay_of_initial_readiness_s; /* default 30 */
    const struct hf_hpa_pod *pods;
    size_t pod_count;
};

struct hf_hpa_calc_result {
    int32_t desired;      /* proposal before min/max and behavior */
    int32_t utilization;  /* integer-truncated percent, over pods with usable metrics */
    int64_t raw_usage;    /* mean usage in millicores over those pods */
    char error[128];
};

bool hf_hpa_replicas(const struct hf_hpa_calc_input *in, struct hf_hpa_calc_result *out);

/* ---- normalization: stabilization, rate limits, min/max ---- */

enum hf_hpa_select { HF_SELECT_MAX, HF_SELECT_MIN, HF_SELECT_DISABLED };
enum hf_hpa_policy_type { HF_POLICY_PODS, HF_POLICY_PERCENT };

struct hf_hpa_scaling_policy {
    enum hf_hpa_policy_type type;
    int32_t value;
    double period_s;
};

struct hf_hpa_rules {
    double stabilization_window_s;
    enum hf_hpa_select select;
    struct hf_hpa_scaling_policy policies[8];
    int policy_count;
};

struct hf_hpa_behavior {
    struct hf_hpa_rules scale_up, scale_down;
};

/* Kubernetes' API defaults for a behavior field: up 0 s window, max of (100 % or 4 pods per 15 s);
 * down: `downscale_window_s` window, 100 % per 15 s. */
void hf_hpa_behavior_defaults(struct hf_hpa_behavior *b, double downscale_window_s);

struct hf_hpa_recommendation {
    double age_s;
    int32_t replicas;
};

struct hf_hpa_scale_event {
    double age_s;
    int32_t change; /* > 0 scale-up by that many, < 0 scale-down */
};

struct hf_hpa_normalize_input {
    int32_t current_replicas, proposed, min_replicas, max_replicas;
    const struct hf_hpa_behavior *behavior; /* NULL: the controller's no-behavior path */
    double downscale_window_s;              /* no-behavior stabilization window, default 300 */
    const struct hf_hpa_recommendation *history; /* earlier unstabilized proposals */
    size_t history_count;
    const struct hf_hpa_scale_event *events; /* earlier scale changes (behavior path) */
    size_t event_count;
};

/* The replica count the controller would set. Does not record the new proposal: callers append
 * {0, proposed} to their history themselves. */
int32_t hf_hpa_normalize(const struct hf_hpa_normalize_input *in);

/* The controller's guard before any metric: replicas outside [min, max] or scaling disabled. Returns
 * true and sets *desired when it decides without metrics. */
bool hf_hpa_guard(int32_t current, int32_t min_replicas, int32_t max_replicas, int32_t *desired);

#endif
