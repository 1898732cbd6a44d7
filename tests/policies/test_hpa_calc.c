/* The HPA replica calculation against Kubernetes' own cases, ported from
 * pkg/controller/podautoscaler/replica_calculator_test.go (each Test cites its Go name).
 *
 * Conventions of those tests, reproduced here: every pod has two containers with the listed request
 * and usage, so pod request and usage are twice the listed values; the controller's testing
 * constants are tolerance 0.1, CPU initialization period 2 min, readiness delay 10 s; metrics are
 * fresh (age 0) with a 1 min window; a pod's Ready transition happened at its start; "hot" pods
 * started now, "cool" ones 3 min ago, and pods with no start time given started long ago. */
#include <criterion/criterion.h>
#include <string.h>

#include "policies/hpa_calc.h"

#define MISSING (-1)
#define LONG_AGO 1e9
#define HOT 0.0
#define COOL 180.0

struct pod_spec {
    int ready;        /* 1, 0 */
    double start_age; /* LONG_AGO, HOT, COOL */
    enum hf_pod_phase phase;
    bool deleting;
    int64_t request;  /* per container, milli */
    int64_t level;    /* per container, milli; MISSING for no metric */
};

static struct hf_hpa_calc_result calc(int32_t current, int32_t target, const struct pod_spec *specs, size_t n)
{
    struct hf_hpa_pod pods[16];
    for (size_t i = 0; i < n; i++) {
        const struct pod_spec *s = &specs[i];
        pods[i] = (struct hf_hpa_pod){
            .phase = s->phase,
            .deleting = s->deleting,
            .ready = s->ready,
            .has_start = true,
            .start_age_s = s->start_age,
            .ready_transition_age_s = s->start_age,
            .cpu_request_milli = 2 * s->request,
            .has_metric = s->level != MISSING && s->phase != HF_POD_FAILED && !s->deleting,
            .cpu_usage_milli = s->level == MISSING ? 0 : 2 * s->level,
            .metric_age_s = 0,
            .metric_window_s = 60,
        };
    }
    struct hf_hpa_calc_input in = {current, target, 0.1, 120, 10, pods, n};
    struct hf_hpa_calc_result out;
    hf_hpa_replicas(&in, &out);
    return out;
}

#define R(level) {1, LONG_AGO, HF_POD_RUNNING, false, 1000, level}
#define UNREADY(level) {0, LONG_AGO, HF_POD_RUNNING, false, 1000, level}
#define STARTED(ready, age, level) {ready, age, HF_POD_RUNNING, false, 1000, level}

static void expect(struct hf_hpa_calc_result r, int32_t replicas, int32_t utilization, int64_t raw)
{
    cr_assert_eq(r.error[0], '\0', "unexpected error: %s", r.error);
    cr_assert_eq(r.desired, replicas, "replicas %d, expected %d", r.desired, replicas);
    cr_assert_eq(r.utilization, utilization, "utilization %d, expected %d", r.utilization, utilization);
    cr_assert_eq(r.raw_usage, raw, "raw %lld, expected %lld", (long long)r.raw_usage, (long long)raw);
}

Test(hpa_calc, TestReplicaCalcScaleUp)
{
    struct pod_spec p[] = {R(300), R(500), R(700)};
    expect(calc(3, 30, p, 3), 5, 50, 2 * 500);
}

Test(hpa_calc, TestReplicaCalcScaleUpUnreadyLessScale)
{
    struct pod_spec p[] = {UNREADY(300), R(500), R(700)};
    expect(calc(3, 30, p, 3), 4, 60, 2 * 600);
}

Test(hpa_calc, TestReplicaCalcScaleUpHotCpuLessScale)
{
    struct pod_spec p[] = {STARTED(1, HOT, 300), STARTED(1, COOL, 500), STARTED(1, COOL, 700)};
    expect(calc(3, 30, p, 3), 4, 60, 2 * 600);
}

Test(hpa_calc, TestReplicaCalcScaleUpUnreadyNoScale)
{
    struct pod_spec p[] = {R(400), UNREADY(500), UNREADY(700)};
    expect(calc(3, 30, p, 3), 3, 40, 2 * 400);
}

Test(hpa_calc, TestReplicaCalcScaleHotCpuNoScale)
{
    struct pod_spec p[] = {STARTED(1, COOL, 400), STARTED(0, HOT, 500), STARTED(0, HOT, 700)};
    expect(calc(3, 30, p, 3), 3, 40, 2 * 400);
}

Test(hpa_calc, TestReplicaCalcScaleUpIgnoresFailedPods)
{
    struct pod_spec p[] = {R(500), R(700), {0, LONG_AGO, HF_POD_FAILED, false, 1000, MISSING},
                           {0, LONG_AGO, HF_POD_FAILED, false, 1000, MISSING}};
    expect(calc(2, 30, p, 4), 4, 60, 2 * 600);
}

Test(hpa_calc, TestReplicaCalcScaleUpIgnoresDeletionPods)
{
    struct pod_spec p[] = {R(500), R(700), {0, LONG_AGO, HF_POD_RUNNING, true, 1000, MISSING},
                           {0, LONG_AGO, HF_POD_RUNNING, true, 1000, MISSING}};
    expect(calc(2, 30, p, 4), 4, 60, 2 * 600);
}

Test(hpa_calc, TestReplicaCalcScaleDown)
{
    struct pod_spec p[] = {R(100), R(300), R(500), R(250), R(250)};
    expect(calc(5, 50, p, 5), 3, 28, 2 * 280);
}

Test(hpa_calc, TestReplicaCalcScaleDownIncludeUnreadyPods)
{
    struct pod_spec p[] = {R(100), R(300), R(500), UNREADY(250), UNREADY(250)};
    expect(calc(5, 50, p, 5), 2, 30, 2 * 300);
}

Test(hpa_calc, TestReplicaCalcScaleDownExcludeUnscheduledPods)
{
    struct pod_spec p[] = {R(100), {0, LONG_AGO, HF_POD_PENDING, false, 1000, MISSING},
                           {0, LONG_AGO, HF_POD_PENDING, false, 1000, MISSING},
                           {0, LONG_AGO, HF_POD_PENDING, false, 1000, MISSING},
                           {0, LONG_AGO, HF_POD_PENDING, false, 1000, MISSING}};
    expect(calc(5, 50, p, 5), 1, 10, 2 * 100);
}

Test(hpa_calc, TestReplicaCalcScaleDownIgnoreHotCpuPods)
{
    struct pod_spec p[] = {STARTED(1, COOL, 100), STARTED(1, COOL, 300), STARTED(1, COOL, 500),
                           STARTED(1, HOT, 250), STARTED(1, HOT, 250)};
    expect(calc(5, 50, p, 5), 2, 30, 2 * 300);
}

Test(hpa_calc, TestReplicaCalcScaleDownIgnoresFailedPods)
{
    struct pod_spec p[] = {R(100), R(300), R(500), R(250), R(250),
                           {0, LONG_AGO, HF_POD_FAILED, false, 1000, MISSING},
                           {0, LONG_AGO, HF_POD_FAILED, false, 1000, MISSING}};
    expect(calc(5, 50, p, 7), 3, 28, 2 * 280);
}

Test(hpa_calc, TestReplicaCalcTolerance)
{
    struct pod_spec p[] = {{1, LONG_AGO, HF_POD_RUNNING, false, 900, 1010},
                           {1, LONG_AGO, HF_POD_RUNNING, false, 1000, 1030},
                           {1, LONG_AGO, HF_POD_RUNNING, false, 1100, 1020}};
    expect(calc(3, 100, p, 3), 3, 102, 2 * 1020);
}

Test(hpa_calc, TestReplicaCalcMissingMetrics)
{
    struct pod_spec p[] = {R(400), R(95), R(MISSING), R(MISSING)};
    expect(calc(4, 100, p, 4), 3, 24, 495);
}

Test(hpa_calc, TestReplicaCalcMissingMetricsNoChangeEq)
{
    struct pod_spec p[] = {R(1000), R(MISSING)};
    expect(calc(2, 100, p, 2), 2, 100, 2 * 1000);
}

Test(hpa_calc, TestReplicaCalcMissingMetricsNoChangeGt)
{
    struct pod_spec p[] = {R(1900), R(MISSING)};
    expect(calc(2, 100, p, 2), 2, 190, 2 * 1900);
}

Test(hpa_calc, TestReplicaCalcMissingMetricsNoChangeLt)
{
    struct pod_spec p[] = {R(600), R(MISSING)};
    expect(calc(2, 100, p, 2), 2, 60, 2 * 600);
}

Test(hpa_calc, TestReplicaCalcMissingMetricsUnreadyChange)
{
    struct pod_spec p[] = {UNREADY(100), R(450), R(MISSING)};
    expect(calc(3, 50, p, 3), 3, 45, 2 * 450);
}

Test(hpa_calc, TestReplicaCalcMissingMetricsHotCpuNoChange)
{
    struct pod_spec p[] = {STARTED(1, HOT, 100), STARTED(1, COOL, 450), STARTED(1, COOL, MISSING)};
    expect(calc(3, 50, p, 3), 3, 45, 2 * 450);
}

Test(hpa_calc, TestReplicaCalcMissingMetricsUnreadyScaleUp)
{
    struct pod_spec p[] = {UNREADY(100), R(2000), R(MISSING)};
    expect(calc(3, 50, p, 3), 4, 200, 2 * 2000);
}

Test(hpa_calc, TestReplicaCalcMissingMetricsHotCpuScaleUp)
{
    struct pod_spec p[] = {STARTED(0, HOT, 100), STARTED(1, COOL, 2000), STARTED(1, COOL, MISSING)};
    expect(calc(3, 50, p, 3), 4, 200, 2 * 2000);
}

Test(hpa_calc, TestReplicaCalcMissingMetricsUnreadyScaleDown)
{
    struct pod_spec p[] = {UNREADY(100), R(100), R(100), R(MISSING)};
    expect(calc(4, 50, p, 4), 3, 10, 2 * 100);
}

Test(hpa_calc, TestReplicaCalcDuringRollingUpdateWithMaxSurge)
{
    struct pod_spec p[] = {R(100), R(100), R(MISSING)};
    expect(calc(2, 50, p, 3), 2, 10, 2 * 100);
}

Test(hpa_calc, TestReplicaCalcEmptyMetrics_no_metrics_is_an_error)
{
    struct pod_spec p[] = {R(MISSING), R(MISSING), R(MISSING)};
    struct hf_hpa_calc_result r = calc(4, 100, p, 3);
    cr_assert_neq(r.error[0], '\0');
    cr_assert_eq(r.desired, 4, "on error the controller keeps the current count");
}

/* groupPods cases from TestGroupPods (replica_calculator_test.go), through the calculator. */
Test(hpa_calc, TestGroupPods_fresh_metrics_during_initialization_count)
{
    /* started 1 min ago, Ready since 30 s, metric window 30 s: counted. */
    struct hf_hpa_pod pod = {HF_POD_RUNNING, false, 1, true, 60, 30, 1000, true, 500, 0, 30};
    struct hf_hpa_calc_input in = {1, 50, 0.1, 120, 10, &pod, 1};
    struct hf_hpa_calc_result r;
    cr_assert(hf_hpa_replicas(&in, &r), "%s", r.error);
    cr_assert_eq(r.utilization, 50);
    /* Same pod with a 60 s window: the window began before readiness, so the sample is ignored. */
    pod.metric_window_s = 60;
    cr_assert_not(hf_hpa_replicas(&in, &r));
}

/* ---- normalization: horizontal.go's rules ---- */

static int32_t normalize(int32_t current, int32_t proposed, int32_t min, int32_t max,
                         const struct hf_hpa_behavior *b, const struct hf_hpa_recommendation *h, size_t nh,
                         const struct hf_hpa_scale_event *e, size_t ne)
{
    struct hf_hpa_normalize_input in = {current, proposed, min, max, b, 300, h, nh, e, ne};
    return hf_hpa_normalize(&in);
}

Test(hpa_normalize, no_behavior_scale_up_limited_to_max_of_double_and_four)
{
    cr_assert_eq(normalize(1, 10, 1, 100, NULL, NULL, 0, NULL, 0), 4);
    cr_assert_eq(normalize(3, 20, 1, 100, NULL, NULL, 0, NULL, 0), 6);
    cr_assert_eq(normalize(3, 20, 1, 5, NULL, NULL, 0, NULL, 0), 5); /* max wins */
    cr_assert_eq(normalize(3, 0, 2, 5, NULL, NULL, 0, NULL, 0), 2);  /* min wins */
}

Test(hpa_normalize, no_behavior_downscale_stabilization_keeps_the_highest_recent_proposal)
{
    struct hf_hpa_recommendation h[] = {{299, 8}, {301, 12}, {10, 5}};
    cr_assert_eq(normalize(8, 2, 1, 100, NULL, h, 3, NULL, 0), 8); /* 12 is older than 300 s */
    struct hf_hpa_recommendation old[] = {{400, 8}};
    cr_assert_eq(normalize(8, 2, 1, 100, NULL, old, 1, NULL, 0), 2);
}

Test(hpa_normalize, behavior_defaults_limit_scale_up_per_15s)
{
    struct hf_hpa_behavior b;
    hf_hpa_behavior_defaults(&b, 300);
    /* 100 % or 4 pods per 15 s, Max select: from 3, at most max(6, 7) = 7. */
    cr_assert_eq(normalize(3, 50, 1, 100, &b, NULL, 0, NULL, 0), 7);
    /* 4 pods were already added 5 s ago: the period started at 3, so the limit is still 7. */
    struct hf_hpa_scale_event e[] = {{5, 4}};
    cr_assert_eq(normalize(7, 50, 1, 100, &b, NULL, 0, e, 1), 7);
    /* 20 s later the period is over: from 7, max(14, 11) = 14. */
    struct hf_hpa_scale_event old[] = {{20, 4}};
    cr_assert_eq(normalize(7, 50, 1, 100, &b, NULL, 0, old, 1), 14);
}

Test(hpa_normalize, behavior_select_min_and_disabled)
{
    struct hf_hpa_behavior b;
    hf_hpa_behavior_defaults(&b, 0);
    b.scale_up.select = HF_SELECT_MIN;
    cr_assert_eq(normalize(10, 50, 1, 100, &b, NULL, 0, NULL, 0), 14); /* min(20, 14) */
    b.scale_up.select = HF_SELECT_DISABLED;
    cr_assert_eq(normalize(10, 50, 1, 100, &b, NULL, 0, NULL, 0), 10);
    b.scale_down.select = HF_SELECT_DISABLED;
    cr_assert_eq(normalize(10, 1, 1, 100, &b, NULL, 0, NULL, 0), 10);
}

Test(hpa_normalize, behavior_scale_down_percent_and_stabilization)
{
    struct hf_hpa_behavior b;
    hf_hpa_behavior_defaults(&b, 60);
    b.scale_down.policies[0] = (struct hf_hpa_scaling_policy){HF_POLICY_PERCENT, 50, 60};
    struct hf_hpa_recommendation h[] = {{30, 9}};
    /* A proposal of 9 within the 60 s down window holds the count at 9 (clamped to current 10 -> 9). */
    cr_assert_eq(normalize(10, 2, 1, 100, &b, h, 1, NULL, 0), 9);
    /* No recent high proposal: 50 % per 60 s allows 10 -> 5, not 2. */
    cr_assert_eq(normalize(10, 2, 1, 100, &b, NULL, 0, NULL, 0), 5);
}

Test(hpa_normalize, guard_before_metrics)
{
    int32_t d;
    cr_assert(hf_hpa_guard(0, 1, 10, &d) && d == 0);
    cr_assert(hf_hpa_guard(12, 1, 10, &d) && d == 10);
    cr_assert(hf_hpa_guard(1, 2, 10, &d) && d == 2);
    cr_assert_not(hf_hpa_guard(5, 1, 10, &d));
}

/* ---- horizontal_test.go TestConvertDesiredReplicasWithRules, case by case ----
 * Those cases call the behavior rate limits directly; here they run through hf_hpa_normalize with
 * no recommendation history, which makes stabilization a no-op, so the results must match.
 * rules(pods, podsPeriod, percent, percentPeriod, window) mirrors the Go helper generateScalingRules
 * (select Max; a zero value leaves that policy out); a direction without rules takes the API
 * defaults. Events mirror generateEventsUniformDistribution: n events spread evenly over `interval`
 * seconds, at the middle of each of n equal segments. */

struct rules_spec {
    bool given;
    int32_t pods, pods_period, percent, percent_period, window;
};

#define RULES(a, b, c, d, e) ((struct rules_spec){true, a, b, c, d, e})
#define NO_RULES ((struct rules_spec){0})

struct with_rules_case {
    const char *name;
    int32_t min, max, current, desired, expected;
    struct rules_spec up, down;
    int up_events[4], down_events[4];
    int up_event_count, down_event_count;
};

static void apply_rules(struct hf_hpa_rules *r, struct rules_spec s)
{
    if (!s.given)
        return;
    r->stabilization_window_s = s.window;
    r->select = HF_SELECT_MAX;
    r->policy_count = 0;
    if (s.pods)
        r->policies[r->policy_count++] = (struct hf_hpa_scaling_policy){HF_POLICY_PODS, s.pods, s.pods_period};
    if (s.percent)
        r->policies[r->policy_count++] =
            (struct hf_hpa_scaling_policy){HF_POLICY_PERCENT, s.percent, s.percent_period};
}

static size_t uniform_events(const int *changes, int n, int sign, struct hf_hpa_scale_event *out)
{
    const double interval = 120.0, segment = interval / n;
    for (int i = 0; i < n; i++)
        out[i] = (struct hf_hpa_scale_event){interval - segment * i - segment / 2, sign * changes[i]};
    return (size_t)n;
}

static void run_with_rules(const struct with_rules_case *c)
{
    struct hf_hpa_behavior b;
    hf_hpa_behavior_defaults(&b, 300);
    apply_rules(&b.scale_up, c->up);
    apply_rules(&b.scale_down, c->down);
    struct hf_hpa_scale_event events[8];
    size_t n = uniform_events(c->up_events, c->up_event_count, +1, events);
    n += uniform_events(c->down_events, c->down_event_count, -1, events + n);
    struct hf_hpa_normalize_input in = {c->current, c->desired, c->min, c->max, &b, 300, NULL, 0,
                                        events, n};
    int32_t got = hf_hpa_normalize(&in);
    cr_expect_eq(got, c->expected, "%s: got %d, expected %d", c->name, got, c->expected);
}

Test(hpa_normalize, TestConvertDesiredReplicasWithRules)
{
    static const struct with_rules_case cases[] = {
        {"prenormalized desired replicas within range", 3, 8, 5, 7, 7, NO_RULES, NO_RULES, {0}, {0}, 0, 0},
        {"prenormalized desired replicas < minReplicas", 2, 8, 3, 1, 2, NO_RULES, NO_RULES, {0}, {0}, 0, 0},
        {"prenormalized desired replicas within range when minReplicas is 0", 0, 10, 1, 0, 0, NO_RULES,
         NO_RULES, {0}, {0}, 0, 0},
        {"maxReplicas is the limit because maxReplicas < scaleUpLimit", 1, 10, 20, 1000, 10, NO_RULES,
         NO_RULES, {0}, {0}, 0, 0},
        {"desired replica count is more than the maximum replica count", 100, 150, 100, 1000, 150,
         NO_RULES, NO_RULES, {0}, {0}, 0, 0},
        {"scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", 1, 2000, 3,
         1000, 4, RULES(0, 0, 1, 60, 0), NO_RULES, {0}, {0}, 0, 0},
        {"scaleUp with default behavior", 1, 1000, 10, 50, 20, NO_RULES, NO_RULES, {0}, {0}, 0, 0},
        {"scaleUp with pods policy larger than percent policy", 1, 1000, 10, 500, 110,
         RULES(100, 60, 100, 60, 0), NO_RULES, {0}, {0}, 0, 0},
        {"scaleUp with percent policy larger than pods policy", 1, 1000, 10, 500, 20,
         RULES(2, 60, 100, 60, 0), NO_RULES, {0}, {0}, 0, 0},
        {"scaleUp with spec MaxReplicas limitation with large pod policy", 1, 1000, 10, 50, 50,
         RULES(100, 60, 0, 0, 0), NO_RULES, {0}, {0}, 0, 0},
        {"scaleUp with spec MaxReplicas limitation with large percent policy", 1, 1000, 10, 50, 50,
         RULES(10000, 60, 0, 0, 0), NO_RULES, {0}, {0}, 0, 0},
        {"scaleUp with pod policy limitation", 1, 1000, 10, 50, 40, RULES(30, 60, 0, 0, 0), NO_RULES,
         {0}, {0}, 0, 0},
        {"scaleUp with percent policy limitation", 1, 1000, 10, 50, 30, RULES(0, 0, 200, 60, 0), NO_RULES,
         {0}, {0}, 0, 0},
        {"scaleDown with percent policy larger than pod policy", 1, 1000, 100, 2, 80, NO_RULES,
         RULES(20, 60, 1, 60, 300), {0}, {0}, 0, 0},
        {"scaleDown with pod policy larger than percent policy", 1, 1000, 100, 2, 98, NO_RULES,
         RULES(2, 60, 1, 60, 300), {0}, {0}, 0, 0},
        {"scaleDown with spec MinReplicas=nil limitation with large pod policy", 1, 1000, 10, 0, 1,
         NO_RULES, RULES(100, 60, 0, 0, 300), {0}, {0}, 0, 0},
        {"scaleDown with spec MinReplicas limitation with large percent policy", 5, 1000, 10, 2, 5,
         NO_RULES, RULES(0, 0, 100, 60, 300), {0}, {0}, 0, 0},
        {"scaleDown with pod policy limitation", 1, 1000, 10, 2, 5, NO_RULES, RULES(5, 60, 0, 0, 300),
         {0}, {0}, 0, 0},
        {"scaleDown with percent policy limitation", 1, 1000, 10, 5, 5, NO_RULES,
         RULES(0, 0, 50, 60, 300), {0}, {0}, 0, 0},
        {"scaleUp with spec MaxReplicas limitation with large pod policy and events", 1, 200, 100, 500,
         200, RULES(300, 60, 0, 0, 0), NO_RULES, {1, 5, 9}, {0}, 3, 0},
        {"scaleUp with spec MaxReplicas limitation with large percent policy and events", 1, 200, 100,
         500, 200, RULES(0, 0, 10000, 60, 0), NO_RULES, {1, 5, 9}, {0}, 3, 0},
        {"scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up "
         "events", 1, 1000, 100, 500, 100, RULES(5, 120, 0, 0, 0), NO_RULES, {1, 5, 9}, {0}, 3, 0},
        {"scaleUp with pod policy and previous scale up events", 1, 1000, 100, 500, 235,
         RULES(150, 120, 0, 0, 0), NO_RULES, {1, 5, 9}, {0}, 3, 0},
        {"scaleUp with percent policy and previous scale up events", 1, 1000, 100, 500, 255,
         RULES(0, 0, 200, 120, 0), NO_RULES, {1, 5, 9}, {0}, 3, 0},
        {"scaleDown with default policy and previous events", 1, 1000, 10, 5, 5, NO_RULES, NO_RULES, {0},
         {1, 5, 9}, 0, 3},
        {"scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", 1,
         1000, 100, 0, 1, NO_RULES, RULES(115, 120, 0, 0, 300), {0}, {1, 5, 9}, 0, 3},
        {"scaleDown with spec MinReplicas limitation with large pod policy and previous events", 5, 1000,
         100, 0, 5, NO_RULES, RULES(130, 120, 0, 0, 300), {0}, {1, 5, 9}, 0, 3},
        {"scaleDown with spec MinReplicas limitation with large percent policy and previous events", 5,
         1000, 100, 2, 5, NO_RULES, RULES(0, 0, 100, 120, 300), {0}, {1, 5, 9}, 0, 3},
        {"scaleDown with pod policy limitation and previous events", 1, 1000, 100, 2, 100, NO_RULES,
         RULES(5, 120, 0, 0, 300), {0}, {1, 5, 9}, 0, 3},
        {"scaleDown with percent policy limitation and previous events", 1, 1000, 100, 0, 56, NO_RULES,
         RULES(0, 0, 50, 120, 300), {0}, {2, 4, 6}, 0, 3},
        {"scaleDown with previous events preventing further scale down", 1, 1000, 100, 0, 100, NO_RULES,
         RULES(0, 0, 10, 120, 300), {0}, {10, 10, 10}, 0, 3},
        {"scaleDown with with previous events still allowing more scale down", 1, 1000, 10, 5, 5, NO_RULES,
         RULES(0, 0, 1000, 120, 300), {0}, {10, 10, 10}, 0, 3},
        {"check 'outdated' flag for events for one behavior for up", 1, 1000, 100, 200, 200,
         RULES(1000, 60, 0, 0, 0), NO_RULES, {8, 12, 9, 11}, {0}, 4, 0},
        {"check that events were not marked 'outdated' for two different policies in the behavior for "
         "up", 1, 1000, 100, 200, 200, RULES(1000, 120, 100, 60, 0), NO_RULES, {8, 12, 9, 11}, {0}, 4, 0},
        {"check that events were marked 'outdated' for two different policies in the behavior for up", 1,
         1000, 100, 200, 200, RULES(1000, 30, 100, 60, 0), NO_RULES, {8, 12, 9, 11}, {0}, 4, 0},
        {"check 'outdated' flag for events for one behavior for down", 1, 1000, 100, 5, 5, NO_RULES,
         RULES(1000, 60, 0, 0, 300), {0}, {8, 12, 9, 11}, 0, 4},
        {"check that events were not marked 'outdated' for two different policies in the behavior for "
         "down", 1, 1000, 100, 5, 5, NO_RULES, RULES(1000, 120, 100, 60, 300), {0}, {8, 12, 9, 11}, 0, 4},
        {"check that events were marked 'outdated' for two different policies in the behavior for down",
         1, 1000, 100, 5, 5, NO_RULES, RULES(1000, 30, 100, 60, 300), {0}, {8, 12, 9, 11}, 0, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_with_rules(&cases[i]);
}
