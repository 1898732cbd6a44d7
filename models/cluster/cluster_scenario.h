/* Builds a cluster model configuration from a resolved scenario (sections cluster, function,
 * gateway, metrics, workload.functions). Errors: HF_EXIT_BAD_INPUT with "$.path: message". */
#ifndef HF_CLUSTER_SCENARIO_H
#define HF_CLUSTER_SCENARIO_H

#include <jansson.h>

#include "models/cluster/cluster.h"

/* `out->shapes` is allocated when function.shapes is given: release it with hf_cluster_config_fini
 * (hf_cluster_create copies it). */
bool hf_cluster_config_from_scenario(const json_t *scenario, struct hf_cluster_config *out,
                                     struct hf_error *err);
void hf_cluster_config_fini(struct hf_cluster_config *config);

#endif
