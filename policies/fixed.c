/* fixed: a constant number of replicas per function, set once and never changed.
 * The baseline every autoscaler is compared with: over-provisioned it shows the latency floor,
 * under-provisioned it shows what a burst does when nothing reacts. */
#include "sim/policy.h"

static const struct hf_field fixed_params[] = {
    {"replicas", HF_T_INT, "count", "Replicas kept for every function from the start.", "4",
     HF_F_MIN, 0, 0, NULL, NULL},
    {0},
};

struct fixed_state {
    uint32_t replicas;
};

static bool fixed_init(void *state, const json_t *params, struct hf_platform *platform,
                       struct hf_error *err)
{
    (void)err;
    struct fixed_state *s = state;
    s->replicas = (uint32_t)json_integer_value(json_object_get(params, "replicas"));
    uint32_t functions = hf_platform_function_count(platform);
    for (uint32_t f = 0; f < functions; f++)
        hf_platform_set_replicas(platform, f, s->replicas);
    return true;
}

static void fixed_on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    (void)state;
    (void)platform;
    (void)arg; /* fixed sets no timers */
}

static void fixed_fini(void *state) { (void)state; }

const struct hf_policy_type hf_policy_fixed = {
    .name = "fixed",
    .summary = "constant replicas per function (no autoscaling): the do-nothing baseline",
    .params = fixed_params,
    .state_size = sizeof(struct fixed_state),
    .init = fixed_init,
    .on_timer = fixed_on_timer,
    .fini = fixed_fini,
};
