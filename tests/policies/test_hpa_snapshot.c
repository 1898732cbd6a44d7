/* `hfsim hpa-calc` snapshots end to end: JSON -> replica calculator -> normalization. Cases reuse
 * Kubernetes' own (replica_calculator_test.go and horizontal_test.go, named per test) written as
 * snapshots, plus the snapshot-specific rules: absent fields meaning "missing", K8s behavior
 * defaults by direction, and clear errors. */
#include <criterion/criterion.h>
#include <string.h>

#include "policies/hpa_snapshot.h"
#include "sim/rng.h"
#include "support/json_mutate.h"

static struct hf_hpa_decision decide_text(const char *text, bool expect_ok, struct hf_error *err)
{
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    cr_assert_not_null(doc, "test snapshot does not parse: %s", jerr.text);
    struct hf_hpa_decision d;
    memset(&d, 0xAB, sizeof d);
    bool ok = hf_hpa_snapshot_eval(doc, "snap.json", &d, err);
    json_decref(doc);
    cr_assert_eq(ok, expect_ok, "eval %s: %s", ok ? "succeeded" : "failed", err->message);
    return d;
}

static struct hf_hpa_decision decide(const char *text)
{
    struct hf_error err = {0};
    return decide_text(text, true, &err);
}

#define POD(usage) "{\"ready\": true, \"start_age_s\": 3600, \"cpu_request_milli\": 1000, " usage "}"

/* replica_calculator_test.go TestReplicaCalcScaleUp: 3 pods at 300/500/700 of 1000 m, target 30 %. */
Test(hpa_snapshot, TestReplicaCalcScaleUp)
{
    struct hf_hpa_decision d = decide(
        "{\"current_replicas\": 3, \"target_utilization\": 30, \"max_replicas\": 10, \"pods\": ["
        POD("\"cpu_usage_milli\": 300") "," POD("\"cpu_usage_milli\": 500") ","
        POD("\"cpu_usage_milli\": 700") "]}");
    cr_assert(d.has_metrics);
    cr_assert_eq(d.proposed, 5);
    cr_assert_eq(d.desired, 5);
    cr_assert_eq(d.utilization, 50);
    cr_assert_eq(d.raw_usage, 500);
}

/* TestReplicaCalcMissingMetricsNoChangeGt: a pod without a metric counts as 100 % on scale-down
 * only; here usage is above target so it counts as 0 and the ratio falls back into tolerance. The
 * snapshot expresses the missing metric by leaving cpu_usage_milli out. */
Test(hpa_snapshot, TestReplicaCalcMissingMetricsNoChangeGt_absent_field_is_missing_metric)
{
    struct hf_hpa_decision d = decide(
        "{\"current_replicas\": 2, \"target_utilization\": 100, \"max_replicas\": 10, \"pods\": ["
        POD("\"cpu_usage_milli\": 1900") "," POD("\"name\": \"no-metric\"") "]}");
    cr_assert_eq(d.desired, 2);
    cr_assert_eq(d.utilization, 190);
    cr_assert_eq(d.raw_usage, 1900);
}

/* TestReplicaCalcScaleUpUnreadyLessScale: an unready pod (absent Ready condition here) counts as 0
 * on scale-up: 3 pods, usage 400/500/700 of 1000 with the first unready, target 30 %. Readiness
 * absent means "no Ready condition", which Kubernetes treats as unready. */
Test(hpa_snapshot, TestReplicaCalcScaleUpUnreadyLessScale)
{
    struct hf_hpa_decision d = decide(
        "{\"current_replicas\": 3, \"target_utilization\": 30, \"max_replicas\": 10, \"pods\": ["
        "{\"start_age_s\": 3600, \"cpu_request_milli\": 1000, \"cpu_usage_milli\": 400},"
        POD("\"cpu_usage_milli\": 500") "," POD("\"cpu_usage_milli\": 700") "]}");
    cr_assert_eq(d.desired, 4);
    cr_assert_eq(d.utilization, 60);
    cr_assert_eq(d.raw_usage, 600);
}

/* horizontal.go, no-behavior path: scale-up is limited to max(2 * current, 4) per decision
 * (TestScaleUpCM-style: 1 replica at 1000 % of a 10 % target proposes 100). */
Test(hpa_snapshot, no_behavior_scale_up_limit)
{
    struct hf_hpa_decision d = decide(
        "{\"current_replicas\": 1, \"target_utilization\": 10, \"max_replicas\": 200, \"pods\": ["
        POD("\"cpu_usage_milli\": 10000") "]}");
    cr_assert_eq(d.proposed, 100);
    cr_assert_eq(d.desired, 4);
}

/* No-behavior downscale stabilization: the highest proposal of the last 300 s wins. */
Test(hpa_snapshot, no_behavior_downscale_stabilization_uses_history)
{
    const char *pods = "\"pods\": [" POD("\"cpu_usage_milli\": 100") "," POD("\"cpu_usage_milli\": 100") ","
                       POD("\"cpu_usage_milli\": 100") "," POD("\"cpu_usage_milli\": 100") "]";
    char text[2048];
    snprintf(text, sizeof text,
             "{\"current_replicas\": 4, \"target_utilization\": 50, \"max_replicas\": 10, %s,"
             " \"history\": [{\"age_s\": 100, \"replicas\": 4}, {\"age_s\": 400, \"replicas\": 9}]}",
             pods);
    struct hf_hpa_decision d = decide(text);
    cr_assert_eq(d.proposed, 1);
    cr_assert_eq(d.desired, 4, "the 4 proposed 100 s ago holds; the 9 is outside the window");
    snprintf(text, sizeof text,
             "{\"current_replicas\": 4, \"target_utilization\": 50, \"max_replicas\": 10, %s,"
             " \"downscale_stabilization_window_s\": 0}", pods);
    cr_assert_eq(decide(text).desired, 1);
}

/* behavior with Kubernetes' names: a Pods policy of 1 per 60 s, and the scale events that used it. */
Test(hpa_snapshot, behavior_pods_policy_counts_scale_events)
{
    const char *fmt =
        "{\"current_replicas\": 3, \"target_utilization\": 50, \"max_replicas\": 10, \"pods\": ["
        POD("\"cpu_usage_milli\": 800") "," POD("\"cpu_usage_milli\": 800") ","
        POD("\"cpu_usage_milli\": 800") "], \"behavior\": {\"scaleUp\": {\"policies\": "
        "[{\"type\": \"Pods\", \"value\": 1, \"periodSeconds\": 60}]}}%s}";
    char text[2048];
    snprintf(text, sizeof text, fmt, "");
    struct hf_hpa_decision d = decide(text);
    cr_assert_eq(d.proposed, 5);
    cr_assert_eq(d.desired, 4);
    snprintf(text, sizeof text, fmt, ", \"scale_events\": [{\"age_s\": 30, \"change\": 1}]");
    cr_assert_eq(decide(text).desired, 3, "the period's one pod was already used 30 s ago");
    snprintf(text, sizeof text, fmt, ", \"scale_events\": [{\"age_s\": 61, \"change\": 1}]");
    cr_assert_eq(decide(text).desired, 4, "that event left the 60 s period");
}

/* Given behavior without scaleDown: Kubernetes' defaults apply to scaleDown, its window from the
 * controller flag (downscale_stabilization_window_s). */
Test(hpa_snapshot, behavior_missing_direction_takes_api_defaults)
{
    const char *fmt =
        "{\"current_replicas\": 4, \"target_utilization\": 50, \"max_replicas\": 10, \"pods\": ["
        POD("\"cpu_usage_milli\": 100") "," POD("\"cpu_usage_milli\": 100") ","
        POD("\"cpu_usage_milli\": 100") "," POD("\"cpu_usage_milli\": 100") "],"
        " \"behavior\": {\"scaleUp\": {\"selectPolicy\": \"Disabled\"}},"
        " \"history\": [{\"age_s\": 200, \"replicas\": 4}]%s}";
    char text[2048];
    snprintf(text, sizeof text, fmt, "");
    cr_assert_eq(decide(text).desired, 4, "300 s default window keeps the 4 of 200 s ago");
    snprintf(text, sizeof text, fmt, ", \"downscale_stabilization_window_s\": 100");
    cr_assert_eq(decide(text).desired, 1, "100 % per 15 s allows going straight to 1");
}

Test(hpa_snapshot, guard_decides_without_metrics)
{
    struct hf_hpa_decision d = decide(
        "{\"current_replicas\": 12, \"target_utilization\": 50, \"max_replicas\": 10, \"pods\": []}");
    cr_assert_not(d.has_metrics);
    cr_assert_eq(d.desired, 10);
    d = decide("{\"current_replicas\": 0, \"target_utilization\": 50, \"max_replicas\": 10, \"pods\": []}");
    cr_assert_eq(d.desired, 0);
    cr_assert(strstr(d.reason, "disabled"));
}

Test(hpa_snapshot, no_metrics_keeps_current_replicas_and_says_why)
{
    struct hf_hpa_decision d = decide(
        "{\"current_replicas\": 2, \"target_utilization\": 50, \"max_replicas\": 10, \"pods\": ["
        POD("\"name\": \"a\"") "," POD("\"name\": \"b\"") "]}");
    cr_assert_not(d.has_metrics);
    cr_assert_eq(d.desired, 2);
    cr_assert(strstr(d.reason, "metrics"), "%s", d.reason);
}

static void expect_error(const char *text, const char *needle)
{
    struct hf_error err = {0};
    decide_text(text, false, &err);
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert(strncmp(err.message, "snap.json: ", 11) == 0, "%s", err.message);
    cr_assert(strstr(err.message, needle), "expected \"%s\" in: %s", needle, err.message);
}

Test(hpa_snapshot, invalid_snapshots_name_the_field)
{
    expect_error("{\"target_utilization\": 50, \"max_replicas\": 1, \"pods\": []}",
                 "$.current_replicas: missing");
    expect_error("{\"current_replicas\": 1, \"target_utilization\": 50, \"max_replicas\": 1, \"pods\": ["
                 "{\"cpu_request_milli\": 1000, \"cpu_usage\": 5}]}",
                 "$.pods[0]: unknown key \"cpu_usage\"");
    expect_error("{\"current_replicas\": 1, \"target_utilization\": 50, \"max_replicas\": 1, \"pods\": ["
                 "{\"cpu_request_milli\": 0}]}",
                 "$.pods[0].cpu_request_milli: must be > 0");
    expect_error("{\"current_replicas\": 1, \"target_utilization\": 50, \"max_replicas\": 1, \"pods\": ["
                 "{\"cpu_request_milli\": 5, \"phase\": \"Unknown\"}]}",
                 "$.pods[0].phase: \"Unknown\" is not one of: Running, Pending, Failed");
    expect_error("{\"current_replicas\": 1, \"target_utilization\": 50, \"min_replicas\": 3,"
                 " \"max_replicas\": 2, \"pods\": []}",
                 "$.min_replicas: 3 is above max_replicas 2");
    expect_error("{\"current_replicas\": 1, \"target_utilization\": 50, \"max_replicas\": 2, \"pods\": [],"
                 " \"behavior\": {\"scaleDown\": {\"policies\": []}}}",
                 "$.behavior.scaleDown.policies: must hold at least one policy");
}

Test(hpa_snapshot, corrupted_snapshots_fail_cleanly)
{
    const char *seed_text =
        "{\"current_replicas\": 3, \"target_utilization\": 30, \"max_replicas\": 10, \"pods\": ["
        POD("\"cpu_usage_milli\": 300") ",{\"phase\": \"Pending\", \"cpu_request_milli\": 1000}],"
        " \"behavior\": {\"scaleUp\": {\"policies\": [{\"type\": \"Pods\", \"value\": 1,"
        " \"periodSeconds\": 60}]}}, \"history\": [{\"age_s\": 1, \"replicas\": 2}],"
        " \"scale_events\": [{\"age_s\": 1, \"change\": -1}]}";
    gsl_rng *rng = hf_rng_stream(2026, "fuzz-hpa-snapshot");
    static char buf[4096];
    int accepted = 0, rejected = 0, unparsable = 0;
    for (int i = 0; i < 3000; i++) {
        size_t len = hf_test_json_mutate(rng, seed_text, buf, sizeof buf);
        json_error_t jerr;
        json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
        if (!doc) {
            unparsable++;
            continue;
        }
        struct hf_error err = {0};
        struct hf_hpa_decision d;
        if (hf_hpa_snapshot_eval(doc, "fuzz.json", &d, &err)) {
            accepted++;
            cr_assert_geq(d.desired, 0, "case %d", i);
        } else {
            rejected++;
            cr_assert_eq(err.code, HF_EXIT_BAD_INPUT, "case %d: %s", i, err.message);
            cr_assert(strncmp(err.message, "fuzz.json: $", 12) == 0, "case %d: %s", i, err.message);
        }
        json_decref(doc);
    }
    gsl_rng_free(rng);
    /* Most mutations break the syntax; the rest must reach the schema and the calculator. */
    cr_assert_gt(rejected, 50, "accepted %d, rejected %d, unparsable %d", accepted, rejected, unparsable);
    cr_assert_gt(accepted, 3, "accepted %d, rejected %d, unparsable %d", accepted, rejected, unparsable);
}
