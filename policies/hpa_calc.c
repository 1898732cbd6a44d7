#include "policies/hpa_calc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum pod_group { POD_READY, POD_UNREADY, POD_MISSING, POD_IGNORED };

/* groupPods: deleted and failed pods are ignored; pending pods are unready; pods without a metric
 * are missing; a pod within its CPU initialization period is unready if not Ready or if its metric
 * window started before it became Ready; after that period, only if it is not Ready and has never
 * been Ready (its readiness changed within delay_of_initial_readiness of its start). */
static enum pod_group classify(const struct hf_hpa_calc_input *in, const struct hf_hpa_pod *p)
{
    if (p->deleting || p->phase == HF_POD_FAILED)
        return POD_IGNORED;
    if (p->phase == HF_POD_PENDING)
        return POD_UNREADY;
    if (!p->has_metric)
        return POD_MISSING;
    if (p->ready < 0 || !p->has_start)
        return POD_UNREADY;
    bool unready;
    if (p->start_age_s < in->cpu_initialization_period_s) {
        /* metric.Timestamp.Before(transition + window), in ages */
        unready = p->ready == 0 || p->ready_transition_age_s - p->metric_age_s < p->metric_window_s;
    } else {
        /* start + delay after transition, in ages */
        unready = p->ready == 0 &&
                  in->delay_of_initial_readiness_s > p->start_age_s - p->ready_transition_age_s;
    }
    return unready ? POD_UNREADY : POD_READY;
}

struct usage {
    int64_t metric;
    bool counted;
};

/* GetResourceUtilizationRatio: integer percent of summed usage over summed requests. */
static bool utilization_ratio(const struct hf_hpa_calc_input *in, const struct usage *u, double *ratio,
                              int32_t *utilization, int64_t *raw)
{
    int64_t metrics_total = 0, requests_total = 0, entries = 0;
    for (size_t i = 0; i < in->pod_count; i++) {
        if (!u[i].counted)
            continue;
        metrics_total += u[i].metric;
        requests_total += in->pods[i].cpu_request_milli;
        entries++;
    }
    if (requests_total == 0)
        return false;
    *utilization = (int32_t)(metrics_total * 100 / requests_total);
    *ratio = (double)*utilization / (double)in->target_utilization;
    if (raw)
        *raw = metrics_total / entries;
    return true;
}

/* Long on purpose: it follows replica_calculator.go's GetResourceReplicas branch by branch (ready,
 * unready, missing pods; the tolerance; the rebalance in both directions) so it can be checked line
 * by line against Kubernetes; cut into pieces, that correspondence would be lost. */
bool hf_hpa_replicas(const struct hf_hpa_calc_input *in, struct hf_hpa_calc_result *out)
{
    out->error[0] = '\0';
    out->desired = in->current_replicas;
    out->utilization = 0;
    out->raw_usage = 0;
    if (in->pod_count == 0) {
        snprintf(out->error, sizeof out->error, "no pods returned by selector while calculating replica count");
        return false;
    }
    enum pod_group *group = calloc(in->pod_count, sizeof *group);
    struct usage *u = calloc(in->pod_count, sizeof *u);
    if (!group || !u) {
        free(group);
        free(u);
        snprintf(out->error, sizeof out->error, "out of memory");
        return false;
    }
    int ready = 0, unready = 0, missing = 0, with_metrics = 0;
    for (size_t i = 0; i < in->pod_count; i++) {
        group[i] = classify(in, &in->pods[i]);
        ready += group[i] == POD_READY;
        unready += group[i] == POD_UNREADY;
        missing += group[i] == POD_MISSING;
        /* removeMetricsForPods(ignored), removeMetricsForPods(unready) */
        u[i].counted = group[i] == POD_READY;
        u[i].metric = in->pods[i].cpu_usage_milli;
        with_metrics += u[i].counted;
    }
    bool ok = false;
    double ratio = 0;
    if (with_metrics == 0) {
        snprintf(out->error, sizeof out->error,
                 "did not receive metrics for targeted pods (pods might be unready)");
        goto done;
    }
    if (!utilization_ratio(in, u, &ratio, &out->utilization, &out->raw_usage)) {
        snprintf(out->error, sizeof out->error, "no metrics returned matched known pods");
        goto done;
    }
    ok = true;
    bool scale_up_with_unready = unready > 0 && ratio > 1.0;
    if (!scale_up_with_unready && missing == 0) {
        if (fabs(1.0 - ratio) > in->tolerance)
            out->desired = (int32_t)ceil(ratio * ready);
        goto done;
    }
    if (missing > 0) {
        /* Scale-down: missing pods count as using max(100 %, target) of their request; scale-up: 0. */
        int64_t fallback = in->target_utilization > 100 ? in->target_utilization : 100;
        for (size_t i = 0; i < in->pod_count; i++) {
            if (group[i] != POD_MISSING || ratio == 1.0)
                continue;
            u[i].metric = ratio < 1.0 ? in->pods[i].cpu_request_milli * fallback / 100 : 0;
            u[i].counted = true;
        }
    }
    if (scale_up_with_unready)
        for (size_t i = 0; i < in->pod_count; i++)
            if (group[i] == POD_UNREADY) {
                u[i].metric = 0;
                u[i].counted = true;
            }
    double new_ratio;
    int32_t ignored_utilization;
    if (!utilization_ratio(in, u, &new_ratio, &ignored_utilization, NULL)) {
        ok = false;
        snprintf(out->error, sizeof out->error, "no metrics returned matched known pods");
        goto done;
    }
    if (fabs(1.0 - new_ratio) <= in->tolerance || (ratio < 1.0 && new_ratio > 1.0) ||
        (ratio > 1.0 && new_ratio < 1.0))
        goto done; /* too small a change, or the direction would flip */
    int counted = 0;
    for (size_t i = 0; i < in->pod_count; i++)
        counted += u[i].counted;
    int32_t proposed = (int32_t)ceil(new_ratio * counted);
    if ((new_ratio < 1.0 && proposed > in->current_replicas) ||
        (new_ratio > 1.0 && proposed < in->current_replicas))
        goto done;
    out->desired = proposed;
done:
    free(group);
    free(u);
    return ok;
}

/* ---- normalization ---- */

void hf_hpa_behavior_defaults(struct hf_hpa_behavior *b, double downscale_window_s)
{
    b->scale_up = (struct hf_hpa_rules){
        .stabilization_window_s = 0,
        .select = HF_SELECT_MAX,
        .policies = {{HF_POLICY_PERCENT, 100, 15}, {HF_POLICY_PODS, 4, 15}},
        .policy_count = 2,
    };
    b->scale_down = (struct hf_hpa_rules){
        .stabilization_window_s = downscale_window_s,
        .select = HF_SELECT_MAX,
        .policies = {{HF_POLICY_PERCENT, 100, 15}},
        .policy_count = 1,
    };
}

bool hf_hpa_guard(int32_t current, int32_t min_replicas, int32_t max_replicas, int32_t *desired)
{
    if (current == 0 && min_replicas != 0) {
        *desired = 0; /* scaling is disabled while the target has zero replicas */
        return true;
    }
    if (current > max_replicas) {
        *desired = max_replicas;
        return true;
    }
    if (current < min_replicas) {
        *desired = min_replicas;
        return true;
    }
    return false;
}

static int32_t min32(int32_t a, int32_t b) { return a < b ? a : b; }
static int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }

/* Replicas added (or removed) by events within the last period_s. */
static int32_t change_in_period(const struct hf_hpa_normalize_input *in, double period_s, bool up)
{
    int32_t sum = 0;
    for (size_t i = 0; i < in->event_count; i++) {
        const struct hf_hpa_scale_event *e = &in->events[i];
        if (e->age_s < period_s && (up ? e->change > 0 : e->change < 0))
            sum += up ? e->change : -e->change;
    }
    return sum;
}

static int32_t period_start(const struct hf_hpa_normalize_input *in, double period_s)
{
    return in->current_replicas - change_in_period(in, period_s, true) +
           change_in_period(in, period_s, false);
}

static int32_t scale_up_limit(const struct hf_hpa_normalize_input *in, const struct hf_hpa_rules *r)
{
    if (r->select == HF_SELECT_DISABLED)
        return in->current_replicas;
    int32_t result = r->select == HF_SELECT_MIN ? INT32_MAX : INT32_MIN;
    for (int i = 0; i < r->policy_count; i++) {
        const struct hf_hpa_scaling_policy *p = &r->policies[i];
        int32_t start = period_start(in, p->period_s);
        int32_t proposed = p->type == HF_POLICY_PODS
                               ? start + p->value
                               : (int32_t)ceil((double)start * (1 + (double)p->value / 100));
        result = r->select == HF_SELECT_MIN ? min32(result, proposed) : max32(result, proposed);
    }
    return result;
}

static int32_t scale_down_limit(const struct hf_hpa_normalize_input *in, const struct hf_hpa_rules *r)
{
    if (r->select == HF_SELECT_DISABLED)
        return in->current_replicas;
    int32_t result = r->select == HF_SELECT_MIN ? INT32_MIN : INT32_MAX;
    for (int i = 0; i < r->policy_count; i++) {
        const struct hf_hpa_scaling_policy *p = &r->policies[i];
        int32_t start = period_start(in, p->period_s);
        int32_t proposed = p->type == HF_POLICY_PODS
                               ? start - p->value
                               : (int32_t)((double)start * (1 - (double)p->value / 100));
        result = r->select == HF_SELECT_MIN ? max32(result, proposed) : min32(result, proposed);
    }
    return result;
}

static int32_t normalize_with_behavior(const struct hf_hpa_normalize_input *in)
{
    const struct hf_hpa_behavior *b = in->behavior;
    /* stabilizeRecommendationWithBehaviors: up = min over the up window, down = max over the down
     * window, both including the new proposal; the result is current clamped into [up, down]. */
    int32_t up = in->proposed, down = in->proposed;
    for (size_t i = 0; i < in->history_count; i++) {
        const struct hf_hpa_recommendation *r = &in->history[i];
        if (r->age_s < b->scale_up.stabilization_window_s)
            up = min32(up, r->replicas);
        if (r->age_s < b->scale_down.stabilization_window_s)
            down = max32(down, r->replicas);
    }
    int32_t desired = in->current_replicas;
    if (desired < up)
        desired = up;
    if (desired > down)
        desired = down;
    /* convertDesiredReplicasWithBehaviorRate */
    if (desired > in->current_replicas) {
        int32_t limit = max32(scale_up_limit(in, &b->scale_up), in->current_replicas);
        int32_t maximum = min32(in->max_replicas, limit);
        if (desired > maximum)
            return maximum;
    } else if (desired < in->current_replicas) {
        int32_t limit = min32(scale_down_limit(in, &b->scale_down), in->current_replicas);
        int32_t minimum = max32(in->min_replicas, limit);
        if (desired < minimum)
            return minimum;
    }
    return max32(in->min_replicas, min32(desired, in->max_replicas));
}

int32_t hf_hpa_normalize(const struct hf_hpa_normalize_input *in)
{
    if (in->behavior)
        return normalize_with_behavior(in);
    /* stabilizeRecommendation: the highest proposal within the downscale window. */
    int32_t stabilized = in->proposed;
    for (size_t i = 0; i < in->history_count; i++)
        if (in->history[i].age_s <= in->downscale_window_s)
            stabilized = max32(stabilized, in->history[i].replicas);
    /* convertDesiredReplicasWithRules: scale-up limit max(2 * current, 4), then min/max. */
    int32_t up_limit = max32(2 * in->current_replicas, 4);
    int32_t maximum = min32(in->max_replicas, up_limit);
    if (stabilized < in->min_replicas)
        return in->min_replicas;
    if (stabilized > maximum)
        return maximum;
    return stabilized;
}
