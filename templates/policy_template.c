/* TEMPLATE: a new scaling policy (docs/architecture.md, "Guide: a new policy"). The build compiles
 * this file (target hfsim_templates) but registers nothing: copy it to policies/NAME.c, rename the
 * type, add one line to policies/registry.c, and write tests/policies/test_NAME.c against a fake
 * backend (tests/policies/test_fixed.c is the smallest).
 *
 * The rules: a policy sees only the platform handle (sim/platform.h) and never knows whether it
 * runs simulated or live; it never blocks, reads no clock but hf_platform_now, prints no results;
 * what takes time ends in a callback. This one is a toy target tracker: every `period_s` it asks
 * each function for ceil(in flight / target) replicas. */
#include "sim/policy.h"

static const struct hf_field template_params[] = {
    /* Every parameter has a unit, a default and a range: the schema checks and documents it. */
    {"period_s", HF_T_NUMBER, "s", "How often it decides.", "1", HF_F_MIN | HF_F_MIN_EXCL, 0, 0, NULL, NULL},
    {"target", HF_T_INT, "count", "Requests in flight per replica it aims at.", "4", HF_F_MIN, 1, 0, NULL, NULL},
    {0},
};

struct template_state {
    hf_time period;
    uint32_t target, functions;
};

static bool template_init(void *state, const json_t *params, struct hf_platform *platform, struct hf_error *err)
{
    struct template_state *s = state;
    s->period = hf_time_from_s(hf_json_number_at(params, "period_s"));
    s->target = (uint32_t)hf_json_int_at(params, "target");
    s->functions = hf_platform_function_count(platform);
    for (uint32_t f = 0; f < s->functions; f++)
        hf_platform_set_replicas(platform, f, 1);
    /* init checks its first timer; later ones are the backend's to fail (sim/platform.h). */
    return hf_platform_timer_after(platform, s->period, 0) ||
           hf_fail(err, HF_EXIT_RUN_FAILED, "template: cannot schedule its timer");
}

static void template_on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    (void)arg;
    struct template_state *s = state;
    for (uint32_t f = 0; f < s->functions; f++) {
        struct hf_function_load load;
        hf_platform_load(platform, f, &load);
        uint64_t want = ((uint64_t)load.in_flight + load.queued + s->target - 1) / s->target;
        hf_platform_set_replicas(platform, f, want > 0 ? (uint32_t)want : 1);
    }
    hf_platform_timer_after(platform, s->period, 0);
}

static void template_fini(void *state) { (void)state; }

const struct hf_policy_type hf_policy_template = {
    .name = "template",
    .summary = "a toy target tracker: the starting point for a new policy",
    .params = template_params,
    .state_size = sizeof(struct template_state),
    .needs = 0, /* HF_PF_* it calls beyond the required ops; the runner refuses a backend without them */
    .init = template_init,
    .on_timer = template_on_timer,
    .fini = template_fini,
};
