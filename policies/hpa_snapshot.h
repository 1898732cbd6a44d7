/* `hfsim hpa-calc`: one HPA decision from a JSON snapshot of a HorizontalPodAutoscaler and its pods.
 *
 * The snapshot names follow the contract (current_replicas, pods[].cpu_usage_milli, ...);
 * `behavior` uses Kubernetes' own field names (scaleUp/scaleDown, stabilizationWindowSeconds,
 * selectPolicy, policies[].type/value/periodSeconds). Two extensions: `scale_events` (earlier scale
 * changes, which the behavior rate limits count) and `downscale_stabilization_window_s` (the
 * controller flag --horizontal-pod-autoscaler-downscale-stabilization, 300 s). docs/hpa-calc.md
 * documents every field (`hfsim hpa-calc --schema`).
 *
 * Times are ages in seconds before the decision; CPU in millicores.
 * Errors: false with err = HF_EXIT_BAD_INPUT and "WHERE: $.path: message" for an invalid snapshot. */
#ifndef HF_HPA_SNAPSHOT_H
#define HF_HPA_SNAPSHOT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/schema.h"

struct hf_hpa_decision {
    int32_t desired;     /* what the controller would set, after guard, min/max and behavior */
    int32_t proposed;    /* the replica calculator's proposal before normalization */
    bool has_metrics;    /* false: no usable metrics, the controller keeps current replicas */
    int32_t utilization; /* percent of request (0 when !has_metrics) */
    int64_t raw_usage;   /* millicores (0 when !has_metrics) */
    char reason[160];    /* why there was no metric-based decision ("" otherwise) */
};

const struct hf_field *hf_hpa_snapshot_schema(void);

/* The `behavior` object's schema (Kubernetes field names), shared with the hpa policies. */
extern const struct hf_field hf_hpa_behavior_fields[];

/* A resolved behavior object -> rules, absent parts taking the API defaults. Errors name `where`
 * and the JSON path (e.g. empty policies without selectPolicy Disabled). */
struct hf_hpa_behavior;
bool hf_hpa_behavior_from_json(const json_t *behavior, double downscale_window_s,
                               struct hf_hpa_behavior *out, const char *where, struct hf_error *err);

/* Evaluates a parsed snapshot; `where` (file name) prefixes error messages. */
bool hf_hpa_snapshot_eval(const json_t *doc, const char *where, struct hf_hpa_decision *out,
                          struct hf_error *err);

#endif
