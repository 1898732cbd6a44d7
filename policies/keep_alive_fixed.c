/* keepalive: containers on demand, each function's containers kept warm for a fixed time after
 * they were last needed (AWS Lambda and OpenWhisk keep idle containers for minutes; OpenWhisk's
 * default is 10 minutes). Every second the containers a function needs (requests in flight and
 * waiting over its containers' concurrency) are recorded; the function keeps the most it needed
 * within the keep-alive window. */
#include <stdlib.h>

#include "policies/keep_alive.h"

static const struct hf_field params[] = {
    {"keep_alive_s", HF_T_INT, "s", "How long an unneeded container stays warm.", "600", HF_F_MIN | HF_F_MAX,
     1, 86400, NULL, NULL},
    {"initial_replicas", HF_T_INT, "count", "Containers each function starts with.", "0", HF_F_MIN, 0, 0, NULL,
     NULL},
    {0},
};

struct fixed_keep_alive {
    uint32_t window, functions;
    uint32_t *need; /* [function * window + second % window]: containers needed in that second */
    uint32_t second;
};

static bool init(void *state, const json_t *p, struct hf_platform *platform, struct hf_error *err)
{
    struct fixed_keep_alive *s = state;
    s->window = (uint32_t)hf_json_int_at(p, "keep_alive_s");
    s->functions = platform->ops->function_count(platform->backend);
    s->need = calloc((size_t)s->window * (s->functions ? s->functions : 1), sizeof *s->need);
    if (!s->need)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory (keep-alive window x functions)");
    uint32_t initial = (uint32_t)hf_json_int_at(p, "initial_replicas");
    for (uint32_t f = 0; f < s->functions; f++) {
        platform->ops->set_replicas(platform->backend, f, initial);
        for (uint32_t i = 0; i < s->window; i++)
            s->need[(size_t)f * s->window + i] = initial;
    }
    platform->ops->timer_after(platform->backend, hf_time_from_s(1), 0);
    return true;
}

static void on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    (void)arg;
    struct fixed_keep_alive *s = state;
    s->second++;
    for (uint32_t f = 0; f < s->functions; f++) {
        hf_keep_alive_scale_up(platform, f);
        uint32_t *ring = &s->need[(size_t)f * s->window];
        ring[s->second % s->window] = hf_keep_alive_need(platform, f, 0);
        uint32_t keep = 0;
        for (uint32_t i = 0; i < s->window; i++)
            keep = ring[i] > keep ? ring[i] : keep;
        struct hf_function_load load;
        platform->ops->load(platform->backend, f, &load);
        if (keep < load.replicas)
            platform->ops->set_replicas(platform->backend, f, keep);
    }
    platform->ops->timer_after(platform->backend, hf_time_from_s(1), 0);
}

static void fini(void *state) { free(((struct fixed_keep_alive *)state)->need); }

const struct hf_policy_type hf_policy_keep_alive = {
    .name = "keepalive",
    .summary = "containers on demand, kept warm a fixed time after last needed (10 min, OpenWhisk-like)",
    .params = params,
    .state_size = sizeof(struct fixed_keep_alive),
    .init = init,
    .on_timer = on_timer,
    .on_request = hf_keep_alive_on_request,
    .fini = fini,
};
