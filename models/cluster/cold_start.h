/* Cold start of a container as stages after the image is on the VM: sandbox creation, language
 * runtime start and function initialization, each a random duration. (The image pull stage depends
 * on the VM's image cache and registry bandwidth, so models/cluster.c computes it.)
 *
 * Presets name published profiles; docs/cold-starts.md lists their figures and sources. They are
 * approximations of the reported means and spreads, meant as starting points: every stage can be
 * overridden in the scenario.
 *
 * Units: ns. Errors: hf_cold_start_preset returns false for an unknown name. */
#ifndef HF_COLD_START_H
#define HF_COLD_START_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>

#include "sim/distribution.h"

enum hf_cold_stage { HF_STAGE_SANDBOX, HF_STAGE_RUNTIME, HF_STAGE_FUNCTION_INIT, HF_STAGE_COUNT };

struct hf_cold_start {
    struct hf_distribution stage[HF_STAGE_COUNT];
};

/* Preset names for the scenario schema, NULL-terminated. */
extern const char *const hf_cold_start_preset_names[];
extern const char *const hf_cold_stage_names[]; /* "sandbox", "runtime", "function_init" */

bool hf_cold_start_preset(struct hf_cold_start *cs, const char *name);

/* Total time of the stages after the pull, one draw per stage. */
hf_time hf_cold_start_draw(const struct hf_cold_start *cs, gsl_rng *rng);
/* The same draws, stage by stage (in the same order, so the streams stay as they were). */
void hf_cold_start_draw_stages(const struct hf_cold_start *cs, gsl_rng *rng, hf_time out[HF_STAGE_COUNT]);

#endif
