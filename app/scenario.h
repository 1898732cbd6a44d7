/* Scenario files: what to simulate (cluster, workload, policy and its parameters, seed, duration,
 * outputs), as JSON validated against one schema that is also the documentation (docs/scenario.md is
 * generated from it by `hfsim schema --markdown`).
 *
 * Loading order: the file (or the embedded default) is parsed and validated on its own, so its
 * errors name the file; then each `--set` override is applied in order and the result is validated
 * again, so errors an override causes name the override.
 *
 * Ownership: hf_scenario_load returns a new resolved document (json_decref it).
 * Errors: NULL with HF_EXIT_BAD_INPUT ("FILE:LINE:COL: ..." for syntax, "FILE: $.path: ..." for
 * content, "--set K=V: $.path: ..." for overrides) or HF_EXIT_USAGE for a malformed --set. */
#ifndef HF_SCENARIO_H
#define HF_SCENARIO_H

#include <jansson.h>
#include <stddef.h>

#include "sim/error.h"
#include "sim/schema.h"

#define HF_SCENARIO_MAX_POLICIES 32
#define HF_SCENARIO_MAX_BACKENDS 8
#define HF_SCENARIO_MAX_FIELDS (32 + HF_SCENARIO_MAX_POLICIES)

/* The scenario schema, composed at run time from the common sections, each backend's sections
 * (from the backend registry) and one section per policy (from the policy registry). */
struct hf_scenario_schema {
    struct hf_field fields[HF_SCENARIO_MAX_FIELDS + 1];
    const char *policy_names[HF_SCENARIO_MAX_POLICIES + 1];
    const char *model_names[HF_SCENARIO_MAX_BACKENDS + 1];
    char model_doc[512];
};

void hf_scenario_schema_init(struct hf_scenario_schema *schema);

/* The embedded default scenario (scenarios/default.json, compiled in). */
const char *hf_scenario_default_text(void);

/* path NULL: the embedded default. overrides: "path=value" strings, applied in order. */
json_t *hf_scenario_load(const char *path, const char *const *overrides, size_t override_count,
                         struct hf_error *err);

/* The same from text in memory; `label` stands for the file name in messages. */
json_t *hf_scenario_parse(const char *text, size_t length, const char *label,
                          const char *const *overrides, size_t override_count, struct hf_error *err);

/* "results/<name>-<policy>-<seed>" */
void hf_scenario_default_out_dir(const json_t *scenario, char *buf, size_t size);

#endif
