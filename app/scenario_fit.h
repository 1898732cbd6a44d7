/* Does a scenario make sense as a whole: is its policy one its model can host, and does the run
 * read every setting the user changed?
 *
 * A policy declares the platform features it needs (hf_policy_type.needs); a model provides a set
 * (hf_model_features, the same bits its ops table gives at run time). A mismatch is refused before
 * the run instead of failing every request.
 *
 * A `--set` (or a sweep axis) that the run never reads would be a silent no-op: a section of
 * another policy (hpa.* while the policy is hpa-tuned, whose section is hpa-tuned.*), of another
 * model (station.* on the cluster), trace.* without a trace, the synthetic arrivals under a trace
 * replay, metrics.resolution_s under an HPA preset (which sets its own), cluster.vms or
 * cluster.instance_type beside cluster.hosts, keepalive.seed without exponential timeouts.
 * hf_scenario_ignores says who ignores it and why.
 *
 * Errors: false with HF_EXIT_BAD_INPUT and a message naming the setting, the policy or model. */
#ifndef HF_SCENARIO_FIT_H
#define HF_SCENARIO_FIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

/* HF_PF_* bits the simulated model of that name provides. */
unsigned hf_model_features(const char *model);

/* The scenario's policy on a backend with `features` (model: its name, for the message). */
bool hf_scenario_check_features(const json_t *scenario, unsigned features, const char *model,
                                struct hf_error *err);
/* The same against the scenario's own model. */
bool hf_scenario_check_fit(const json_t *scenario, struct hf_error *err);

/* True when the resolved scenario's run never reads `path` ("hpa.sync_period_s"; a "--set" text
 * "path=value" is accepted too); `why` then says who ignores it. */
bool hf_scenario_ignores(const json_t *scenario, const char *path, char *why, size_t why_size);

/* Every override must be read: the first that is not fails with "--set TEXT: WHY". */
bool hf_scenario_check_sets(const json_t *scenario, const char *const *sets, size_t count, struct hf_error *err);

#endif
