#include "models/cluster/cold_start.h"

#include <string.h>

const char *const hf_cold_stage_names[] = {"sandbox", "runtime", "function_init", NULL};

struct preset {
    const char *name;
    /* mean ms and CV per stage: sandbox, runtime, function init */
    double mean_ms[HF_STAGE_COUNT], cv[HF_STAGE_COUNT];
};

/* Figures are rounded approximations of what each source reports; docs/cold-starts.md has detail. */
static const struct preset presets[] = {
    /* Docker with runc: container create + start with a fresh network namespace costs a few hundred
     * ms (Mohan et al., "Agile Cold Starts for Scalable Serverless", HotCloud 2019; Oakes et al.,
     * "SOCK", USENIX ATC 2018); Python/Node runtime start ~100-200 ms (Wang et al., "Peeking
     * Behind the Curtains of Serverless Platforms", USENIX ATC 2018). */
    {"docker", {400, 150, 100}, {0.3, 0.3, 0.5}},
    /* Firecracker microVM: ~125 ms from API call to guest user space (Agache et al., "Firecracker",
     * NSDI 2020), then the same runtime and function init as a container. */
    {"firecracker", {125, 150, 100}, {0.2, 0.3, 0.5}},
    /* gVisor (runsc): sandbox start roughly twice runc's, and slower syscalls during init (Young et
     * al., "The True Cost of Containing: A gVisor Case Study", HotCloud 2019). */
    {"gvisor", {800, 250, 150}, {0.3, 0.3, 0.5}},
    /* SOCK-style zygote: lean containers forked from a pre-initialized runtime with packages
     * imported; tens of ms end to end (Oakes et al., "SOCK", USENIX ATC 2018). */
    {"sock-zygote", {10, 10, 20}, {0.3, 0.3, 0.5}},
    /* Checkpoint/restore of an initialized sandbox: restore in a few to tens of ms, no runtime or
     * function init left (Du et al., "Catalyzer", ASPLOS 2020; Ustiugov et al., "REAP", ASPLOS
     * 2021). */
    {"checkpoint-restore", {40, 0, 0}, {0.3, 0, 0}},
};

const char *const hf_cold_start_preset_names[] = {"docker", "firecracker", "gvisor", "sock-zygote",
                                                  "checkpoint-restore", NULL};

bool hf_cold_start_preset(struct hf_cold_start *cs, const char *name)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        if (strcmp(presets[i].name, name) != 0)
            continue;
        for (int s = 0; s < HF_STAGE_COUNT; s++)
            hf_distribution_init(&cs->stage[s],
                                 presets[i].cv[s] > 0 ? HF_DIST_LOGNORMAL : HF_DIST_CONSTANT,
                                 presets[i].mean_ms[s] * 1e6, presets[i].cv[s]);
        return true;
    }
    return false;
}

void hf_cold_start_draw_stages(const struct hf_cold_start *cs, gsl_rng *rng, hf_time out[HF_STAGE_COUNT])
{
    for (int s = 0; s < HF_STAGE_COUNT; s++)
        out[s] = hf_distribution_draw(&cs->stage[s], rng);
}

hf_time hf_cold_start_draw(const struct hf_cold_start *cs, gsl_rng *rng)
{
    hf_time stages[HF_STAGE_COUNT], total = 0;
    hf_cold_start_draw_stages(cs, rng, stages);
    for (int s = 0; s < HF_STAGE_COUNT; s++)
        total += stages[s];
    return total;
}
