#include "policies/hpa_snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "policies/hpa_calc.h"

static const char *const phases[] = {"Running", "Pending", "Failed", NULL};
static const char *const selects[] = {"Max", "Min", "Disabled", NULL};
static const char *const policy_types[] = {"Pods", "Percent", NULL};

static const struct hf_field pod_fields[] = {
    {"name", HF_T_STRING, "", "Pod name (echoed in messages only).", "\"\"", 0, 0, 0, NULL, NULL},
    {"phase", HF_T_ENUM, "", "Pod phase; Failed pods are ignored.", "\"Running\"", 0, 0, 0, phases, NULL},
    {"deleting", HF_T_BOOL, "", "DeletionTimestamp set: the pod is ignored.", "false", 0, 0, 0, NULL, NULL},
    {"ready", HF_T_BOOL, "", "Ready condition; absent = the pod has no Ready condition (unready).",
     NULL, HF_F_OPTIONAL, 0, 0, NULL, NULL},
    {"start_age_s", HF_T_NUMBER, "s", "Time since the pod's StartTime; absent = not started (unready).",
     NULL, HF_F_OPTIONAL | HF_F_MIN, 0, 0, NULL, NULL},
    {"ready_transition_age_s", HF_T_NUMBER, "s",
     "Time since the Ready condition last changed; absent = start_age_s.", NULL,
     HF_F_OPTIONAL | HF_F_MIN, 0, 0, NULL, NULL},
    {"cpu_request_milli", HF_T_INT, "millicores", "Sum of the pod's container CPU requests.", NULL,
     HF_F_REQUIRED | HF_F_MIN | HF_F_MIN_EXCL, 0, 0, NULL, NULL},
    {"cpu_usage_milli", HF_T_INT, "millicores", "Metric from the metrics API; absent = missing metric.",
     NULL, HF_F_OPTIONAL | HF_F_MIN, 0, 0, NULL, NULL},
    {"metric_age_s", HF_T_NUMBER, "s", "Time since the metric's timestamp (end of its window).", "0",
     HF_F_MIN, 0, 0, NULL, NULL},
    {"metric_window_s", HF_T_NUMBER, "s", "The metric's averaging window.", "60", HF_F_MIN, 0, 0, NULL,
     NULL},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

static const struct hf_field scaling_policy_fields[] = {
    {"type", HF_T_ENUM, "", "Pods (absolute) or Percent (of current replicas).", NULL, HF_F_REQUIRED,
     0, 0, policy_types, NULL},
    {"value", HF_T_INT, "", "Pods or percent allowed per period.", NULL,
     HF_F_REQUIRED | HF_F_MIN | HF_F_MIN_EXCL, 0, 0, NULL, NULL},
    {"periodSeconds", HF_T_INT, "s", "Window the change is counted over.", NULL,
     HF_F_REQUIRED | HF_F_MIN | HF_F_MIN_EXCL | HF_F_MAX, 0, 1800, NULL, NULL},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

static const struct hf_field scaling_policy_item[] = {
    {"", HF_T_OBJECT, "", "A scaling policy.", NULL, 0, 0, 0, NULL, scaling_policy_fields},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

/* Absent fields take Kubernetes' API defaults in rules_from_json (they differ by direction). */
static const struct hf_field rules_fields[] = {
    {"stabilizationWindowSeconds", HF_T_INT, "s",
     "Absent: 0 for scaleUp, downscale_stabilization_window_s for scaleDown.", NULL,
     HF_F_OPTIONAL | HF_F_MIN | HF_F_MAX, 0, 3600, NULL, NULL},
    {"selectPolicy", HF_T_ENUM, "", "Which policy limits the change.", "\"Max\"", 0, 0, 0, selects, NULL},
    {"policies", HF_T_ARRAY, "", "Absent: scaleUp max(100 %, 4 pods) per 15 s; scaleDown 100 % per 15 s.",
     NULL, HF_F_OPTIONAL, 0, 0, NULL, scaling_policy_item},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

const struct hf_field hf_hpa_behavior_fields[] = {
    {"scaleUp", HF_T_OBJECT, "", "Scale-up rules.", NULL, HF_F_OPTIONAL, 0, 0, NULL, rules_fields},
    {"scaleDown", HF_T_OBJECT, "", "Scale-down rules.", NULL, HF_F_OPTIONAL, 0, 0, NULL, rules_fields},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

static const struct hf_field history_fields[] = {
    {"age_s", HF_T_NUMBER, "s", "How long ago the recommendation was made.", NULL,
     HF_F_REQUIRED | HF_F_MIN, 0, 0, NULL, NULL},
    {"replicas", HF_T_INT, "count", "The unstabilized recommendation.", NULL, HF_F_REQUIRED | HF_F_MIN,
     0, 0, NULL, NULL},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

static const struct hf_field event_fields[] = {
    {"age_s", HF_T_NUMBER, "s", "How long ago the scale change happened.", NULL,
     HF_F_REQUIRED | HF_F_MIN, 0, 0, NULL, NULL},
    {"change", HF_T_INT, "count", "Replicas added (> 0) or removed (< 0).", NULL, HF_F_REQUIRED, 0, 0,
     NULL, NULL},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

static const struct hf_field pod_item[] = {
    {"", HF_T_OBJECT, "", "A pod matched by the HPA's selector.", NULL, 0, 0, 0, NULL, pod_fields},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};
static const struct hf_field history_item[] = {
    {"", HF_T_OBJECT, "", "A recommendation.", NULL, 0, 0, 0, NULL, history_fields},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};
static const struct hf_field event_item[] = {
    {"", HF_T_OBJECT, "", "A scale change.", NULL, 0, 0, 0, NULL, event_fields},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

static const struct hf_field snapshot_fields[] = {
    {"current_replicas", HF_T_INT, "count", "The scale target's current replica count (0 = scaling disabled).",
     NULL, HF_F_REQUIRED | HF_F_MIN, 0, 0, NULL, NULL},
    {"target_utilization", HF_T_INT, "%", "Target average CPU utilization, percent of request.", NULL,
     HF_F_REQUIRED | HF_F_MIN | HF_F_MIN_EXCL, 0, 0, NULL, NULL},
    {"tolerance", HF_T_NUMBER, "", "No change while the usage ratio is within 1 +- tolerance.", "0.1",
     HF_F_MIN, 0, 0, NULL, NULL},
    {"cpu_initialization_period_s", HF_T_NUMBER, "s", "--horizontal-pod-autoscaler-cpu-initialization-period.",
     "300", HF_F_MIN, 0, 0, NULL, NULL},
    {"delay_of_initial_readiness_s", HF_T_NUMBER, "s",
     "--horizontal-pod-autoscaler-initial-readiness-delay.", "30", HF_F_MIN, 0, 0, NULL, NULL},
    {"pods", HF_T_ARRAY, "", "Pods matched by the selector.", NULL, HF_F_REQUIRED, 0, 0, NULL, pod_item},
    {"min_replicas", HF_T_INT, "count", "spec.minReplicas.", "1", HF_F_MIN, 0, 0, NULL, NULL},
    {"max_replicas", HF_T_INT, "count", "spec.maxReplicas.", NULL, HF_F_REQUIRED | HF_F_MIN, 1, 0, NULL,
     NULL},
    {"behavior", HF_T_OBJECT, "", "spec.behavior; absent = the controller's no-behavior path.", NULL,
     HF_F_OPTIONAL, 0, 0, NULL, hf_hpa_behavior_fields},
    {"history", HF_T_ARRAY, "", "Earlier unstabilized recommendations (the stabilization window's input).",
     NULL, 0, 0, 0, NULL, history_item},
    {"scale_events", HF_T_ARRAY, "", "Extension: earlier scale changes, for behavior rate limits.", NULL, 0,
     0, 0, NULL, event_item},
    {"downscale_stabilization_window_s", HF_T_NUMBER, "s",
     "Extension: --horizontal-pod-autoscaler-downscale-stabilization.", "300", HF_F_MIN, 0, 0, NULL, NULL},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

const struct hf_field *hf_hpa_snapshot_schema(void) { return snapshot_fields; }

static enum hf_hpa_select select_from(const char *s)
{
    return strcmp(s, "Min") == 0 ? HF_SELECT_MIN
         : strcmp(s, "Disabled") == 0 ? HF_SELECT_DISABLED : HF_SELECT_MAX;
}

/* Overlays the given rules on `rules`, which holds Kubernetes' defaults for the direction. */
static bool rules_from_json(const json_t *given, struct hf_hpa_rules *rules, const char *where,
                            const char *direction, struct hf_error *err)
{
    if (!given)
        return true;
    const json_t *window = json_object_get(given, "stabilizationWindowSeconds");
    if (window)
        rules->stabilization_window_s = (double)json_integer_value(window);
    rules->select = select_from(hf_json_string_at(given, "selectPolicy"));
    const json_t *policies = json_object_get(given, "policies");
    if (!policies)
        return true;
    size_t n = json_array_size(policies);
    if (n == 0 && rules->select != HF_SELECT_DISABLED)
        return hf_fail(err, HF_EXIT_BAD_INPUT,
                       "%s: $.behavior.%s.policies: must hold at least one policy unless "
                       "selectPolicy is Disabled", where, direction);
    if (n > sizeof rules->policies / sizeof rules->policies[0])
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: $.behavior.%s.policies: at most %zu policies",
                       where, direction, sizeof rules->policies / sizeof rules->policies[0]);
    rules->policy_count = (int)n;
    for (size_t i = 0; i < n; i++) {
        const json_t *p = json_array_get(policies, i);
        rules->policies[i] = (struct hf_hpa_scaling_policy){
            .type = strcmp(hf_json_string_at(p, "type"), "Pods") == 0 ? HF_POLICY_PODS : HF_POLICY_PERCENT,
            .value = (int32_t)hf_json_int_at(p, "value"),
            .period_s = (double)hf_json_int_at(p, "periodSeconds"),
        };
    }
    return true;
}

bool hf_hpa_behavior_from_json(const json_t *behavior, double downscale_window_s,
                               struct hf_hpa_behavior *out, const char *where, struct hf_error *err)
{
    hf_hpa_behavior_defaults(out, downscale_window_s);
    return rules_from_json(json_object_get(behavior, "scaleUp"), &out->scale_up, where, "scaleUp", err) &&
           rules_from_json(json_object_get(behavior, "scaleDown"), &out->scale_down, where, "scaleDown",
                           err);
}

static void pod_from_json(const json_t *p, struct hf_hpa_pod *pod)
{
    const char *phase = hf_json_string_at(p, "phase");
    const json_t *ready = json_object_get(p, "ready");
    const json_t *start = json_object_get(p, "start_age_s");
    const json_t *transition = json_object_get(p, "ready_transition_age_s");
    const json_t *usage = json_object_get(p, "cpu_usage_milli");
    *pod = (struct hf_hpa_pod){
        .phase = strcmp(phase, "Pending") == 0  ? HF_POD_PENDING
               : strcmp(phase, "Failed") == 0 ? HF_POD_FAILED : HF_POD_RUNNING,
        .deleting = hf_json_bool_at(p, "deleting"),
        .ready = ready ? (json_is_true(ready) ? 1 : 0) : -1,
        .has_start = start != NULL,
        .start_age_s = start ? json_number_value(start) : 0,
        .cpu_request_milli = hf_json_int_at(p, "cpu_request_milli"),
        .has_metric = usage != NULL,
        .cpu_usage_milli = usage ? json_integer_value(usage) : 0,
        .metric_age_s = hf_json_number_at(p, "metric_age_s"),
        .metric_window_s = hf_json_number_at(p, "metric_window_s"),
    };
    pod->ready_transition_age_s = transition ? json_number_value(transition) : pod->start_age_s;
}

static int32_t clamp_i32(long long v)
{
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

static bool decide(const json_t *s, const char *where, struct hf_hpa_decision *out,
                   struct hf_hpa_pod *pods, struct hf_hpa_recommendation *history,
                   struct hf_hpa_scale_event *events, struct hf_error *err)
{
    int32_t current = clamp_i32(hf_json_int_at(s, "current_replicas"));
    int32_t min_r = clamp_i32(hf_json_int_at(s, "min_replicas"));
    int32_t max_r = clamp_i32(hf_json_int_at(s, "max_replicas"));
    if (min_r > max_r)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: $.min_replicas: %d is above max_replicas %d",
                       where, min_r, max_r);
    double down_window = hf_json_number_at(s, "downscale_stabilization_window_s");
    struct hf_hpa_behavior behavior;
    const json_t *b = json_object_get(s, "behavior");
    if (b && !hf_hpa_behavior_from_json(b, down_window, &behavior, where, err))
        return false;

    *out = (struct hf_hpa_decision){.desired = current, .proposed = current};
    if (hf_hpa_guard(current, min_r, max_r, &out->desired)) {
        snprintf(out->reason, sizeof out->reason, current == 0 ? "scaling is disabled (0 replicas)"
                                                               : "replicas outside [min, max]");
        return true;
    }

    const json_t *jpods = json_object_get(s, "pods");
    size_t n = json_array_size(jpods);
    for (size_t i = 0; i < n; i++)
        pod_from_json(json_array_get(jpods, i), &pods[i]);
    struct hf_hpa_calc_input in = {
        .current_replicas = current,
        .target_utilization = clamp_i32(hf_json_int_at(s, "target_utilization")),
        .tolerance = hf_json_number_at(s, "tolerance"),
        .cpu_initialization_period_s = hf_json_number_at(s, "cpu_initialization_period_s"),
        .delay_of_initial_readiness_s = hf_json_number_at(s, "delay_of_initial_readiness_s"),
        .pods = pods,
        .pod_count = n,
    };
    struct hf_hpa_calc_result r;
    if (!hf_hpa_replicas(&in, &r)) {
        /* The controller records the failure and leaves the scale target alone. */
        snprintf(out->reason, sizeof out->reason, "%s", r.error);
        return true;
    }
    out->has_metrics = true;
    out->proposed = r.desired;
    out->utilization = r.utilization;
    out->raw_usage = r.raw_usage;

    const json_t *jhistory = json_object_get(s, "history");
    size_t hn = json_array_size(jhistory);
    for (size_t i = 0; i < hn; i++) {
        const json_t *h = json_array_get(jhistory, i);
        history[i] = (struct hf_hpa_recommendation){hf_json_number_at(h, "age_s"),
                                                    clamp_i32(hf_json_int_at(h, "replicas"))};
    }
    const json_t *jevents = json_object_get(s, "scale_events");
    size_t en = json_array_size(jevents);
    for (size_t i = 0; i < en; i++) {
        const json_t *e = json_array_get(jevents, i);
        events[i] = (struct hf_hpa_scale_event){hf_json_number_at(e, "age_s"),
                                                clamp_i32(hf_json_int_at(e, "change"))};
    }
    struct hf_hpa_normalize_input norm = {
        .current_replicas = current,
        .proposed = r.desired,
        .min_replicas = min_r,
        .max_replicas = max_r,
        .behavior = b ? &behavior : NULL,
        .downscale_window_s = down_window,
        .history = history,
        .history_count = hn,
        .events = events,
        .event_count = en,
    };
    out->desired = hf_hpa_normalize(&norm);
    return true;
}

bool hf_hpa_snapshot_eval(const json_t *doc, const char *where, struct hf_hpa_decision *out,
                          struct hf_error *err)
{
    json_t *s = hf_schema_resolve(snapshot_fields, doc, err);
    if (!s) {
        hf_error_prefix(err, where);
        return false;
    }
    size_t pods_n = json_array_size(json_object_get(s, "pods"));
    size_t hist_n = json_array_size(json_object_get(s, "history"));
    size_t ev_n = json_array_size(json_object_get(s, "scale_events"));
    struct hf_hpa_pod *pods = calloc(pods_n + 1, sizeof *pods);
    struct hf_hpa_recommendation *history = calloc(hist_n + 1, sizeof *history);
    struct hf_hpa_scale_event *events = calloc(ev_n + 1, sizeof *events);
    bool ok = pods && history && events
                  ? decide(s, where, out, pods, history, events, err)
                  : hf_fail(err, HF_EXIT_RUN_FAILED, "%s: out of memory", where);
    free(pods);
    free(history);
    free(events);
    json_decref(s);
    return ok;
}
