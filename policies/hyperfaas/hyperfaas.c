/* hyperfaas: the policy type gluing the global scheduler, the in-container schedulers' rules and the
 * three-phase scaler to the platform (see hyperfaas.h and docs/hyperfaas.md). */
#include <stdlib.h>

#include "policies/hyperfaas/hyperfaas.h"

static const struct hf_field params[] = {
    {"report_interval_ms", HF_T_NUMBER, "ms", "ICS load reports to the GS, and the scaler's tick.", "100",
     HF_F_MIN | HF_F_MIN_EXCL, 0, 0, NULL, NULL},
    {"bounce_rtt_ms", HF_T_NUMBER, "ms", "Round trip GS -> ICS -> GS when an ICS refuses a request.", "2",
     HF_F_MIN, 0, 0, NULL, NULL},
    {"max_bounces", HF_T_INT, "count", "Bounces before the GS buffers a request.", "3", HF_F_MIN, 0, 0, NULL,
     NULL},
    {"cpu_high", HF_T_NUMBER, "requests/core", "ICS high watermark on CPU pressure (in flight per core).",
     "2", HF_F_MIN | HF_F_MIN_EXCL, 0, 0, NULL, NULL},
    {"cpu_low", HF_T_NUMBER, "requests/core", "Low watermark: under it a container is under-used.", "0.5",
     HF_F_MIN, 0, 0, NULL, NULL},
    {"memory_high", HF_T_NUMBER, "", "ICS high watermark on memory used / limit.", "0.9",
     HF_F_MIN | HF_F_MIN_EXCL | HF_F_MAX, 0, 1, NULL, NULL},
    {"phase1", HF_T_BOOL, "", "Phase 1: transient vertical scale-up.", "true", 0, 0, 0, NULL, NULL},
    {"phase2", HF_T_BOOL, "", "Phase 2: scale-out onto containers with room.", "true", 0, 0, 0, NULL, NULL},
    {"sharing", HF_T_BOOL, "", "Container sharing: specialize other functions' generic workers.", "true", 0,
     0, 0, NULL, NULL},
    {"phase3", HF_T_BOOL, "", "Phase 3: background cold starts.", "true", 0, 0, 0, NULL, NULL},
    {"max_scale_up", HF_T_NUMBER, "x", "Phase 1 limit, as a multiple of the function's CPU limit.", "4",
     HF_F_MIN, 1, 0, NULL, NULL},
    {"release_after_s", HF_T_NUMBER, "s", "Phase 1: shrink back after this long under the low watermark.",
     "5", HF_F_MIN, 0, 0, NULL, NULL},
    {"persist_s", HF_T_NUMBER, "s", "Phase 3: buffering lasting this long starts containers.", "1",
     HF_F_MIN, 0, 0, NULL, NULL},
    {"generic_after_s", HF_T_NUMBER, "s", "A shared worker idle this long goes back to generic.", "10",
     HF_F_MIN, 0, 0, NULL, NULL},
    {"idle_after_s", HF_T_NUMBER, "s", "A container idle this long may be stopped.", "60", HF_F_MIN, 0, 0,
     NULL, NULL},
    {"min_replicas", HF_T_INT, "count", "Containers kept per function.", "1", HF_F_MIN, 0, 0, NULL, NULL},
    {"max_replicas", HF_T_INT, "count", "Most containers per function.", "100", HF_F_MIN, 1, 0, NULL, NULL},
    {"initial_replicas", HF_T_INT, "count", "Containers each function starts with.", "1", HF_F_MIN, 0, 0,
     NULL, NULL},
    {0},
};

#define HYPERFAAS_NEEDS (HF_PF_CONTAINERS | HF_PF_RESIZE | HF_PF_SPECIALIZE | HF_PF_RETRY_QUEUED | HF_PF_ROUTING)

static hf_time ms(const json_t *p, const char *key) { return hf_time_from_ms(hf_json_number_at(p, key)); }
static hf_time secs(const json_t *p, const char *key) { return hf_time_from_s(hf_json_number_at(p, key)); }

static bool hyperfaas_init(void *state, const json_t *json, struct hf_platform *platform, struct hf_error *err)
{
    struct hf_hyperfaas *h = state;
    if (!hf_platform_has(platform, HYPERFAAS_NEEDS))
        return hf_fail(err, HF_EXIT_BAD_INPUT,
                       "hyperfaas needs a model with containers, resizes and workers: use \"model\": \"cluster\"");
    h->p = (struct hf_hyperfaas_params){
        .report_interval = ms(json, "report_interval_ms"),
        .bounce_rtt = ms(json, "bounce_rtt_ms"),
        .max_bounces = (uint32_t)hf_json_int_at(json, "max_bounces"),
        .cpu_high = hf_json_number_at(json, "cpu_high"),
        .cpu_low = hf_json_number_at(json, "cpu_low"),
        .memory_high = hf_json_number_at(json, "memory_high"),
        .phase1 = hf_json_bool_at(json, "phase1"),
        .phase2 = hf_json_bool_at(json, "phase2"),
        .sharing = hf_json_bool_at(json, "sharing"),
        .phase3 = hf_json_bool_at(json, "phase3"),
        .max_scale_up = hf_json_number_at(json, "max_scale_up"),
        .release_after = secs(json, "release_after_s"),
        .persist = secs(json, "persist_s"),
        .generic_after = secs(json, "generic_after_s"),
        .idle_after = secs(json, "idle_after_s"),
        .min_replicas = (uint32_t)hf_json_int_at(json, "min_replicas"),
        .max_replicas = (uint32_t)hf_json_int_at(json, "max_replicas"),
        .initial_replicas = (uint32_t)hf_json_int_at(json, "initial_replicas"),
    };
    if (h->p.cpu_low > h->p.cpu_high)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "hyperfaas: cpu_low %g is above cpu_high %g", h->p.cpu_low,
                       h->p.cpu_high);
    if (h->p.min_replicas > h->p.max_replicas)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "hyperfaas: min_replicas %u is above max_replicas %u",
                       h->p.min_replicas, h->p.max_replicas);
    h->functions = hf_platform_function_count(platform);
    h->gs = calloc(h->functions ? h->functions : 1, sizeof *h->gs);
    if (!h->gs)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    for (uint32_t f = 0; f < h->functions; f++)
        hf_platform_set_replicas(platform, f, h->p.initial_replicas);
    return hf_platform_timer_after(platform, h->p.report_interval, 0) ||
           hf_fail(err, HF_EXIT_RUN_FAILED, "hyperfaas: cannot schedule its report timer");
}

static void learn_base_limits(struct hf_hyperfaas *h)
{
    /* Only this policy resizes, so the first limit seen of a function is its configured one. */
    for (uint32_t f = 0; f < h->functions; f++)
        if (h->gs[f].base_limit == 0 && h->gs[f].own > 0)
            h->gs[f].base_limit = h->gs[f].entries[0].view.cpu_limit;
}

static void hyperfaas_on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    (void)arg;
    struct hf_hyperfaas *h = state;
    hf_time now = hf_platform_now(platform);
    if (hf_gs_refresh(h, platform, now)) {
        learn_base_limits(h);
        /* Fresh reports may show room the GS's bookkeeping hid: offer the buffer again. */
        for (uint32_t f = 0; f < h->functions; f++)
            hf_platform_retry_queued(platform, f);
        hf_scaler_tick(h, platform, now);
    }
    hf_platform_timer_after(platform, h->p.report_interval, 0);
}

static struct hf_route hyperfaas_on_request(void *state, struct hf_platform *platform,
                                            const struct hf_request_view *request)
{
    return hf_gs_route(state, platform, request);
}

/* A new container or a newly specialized worker joins the GS's tables at once: redistribution
 * should not wait for the next report. */
static void refresh_now(void *state, struct hf_platform *platform, uint64_t container, uint32_t function)
{
    (void)container;
    (void)function;
    struct hf_hyperfaas *h = state;
    if (hf_gs_refresh(h, platform, hf_platform_now(platform)))
        learn_base_limits(h);
}

static void hyperfaas_fini(void *state) { hf_gs_fini(state); }

const struct hf_policy_type hf_policy_hyperfaas = {
    .name = "hyperfaas",
    .needs = HYPERFAAS_NEEDS,
    .summary = "HyperFaaS: global + in-container schedulers, scale up then out (sharing), then cold starts",
    .params = params,
    .state_size = sizeof(struct hf_hyperfaas),
    .init = hyperfaas_init,
    .on_timer = hyperfaas_on_timer,
    .on_request = hyperfaas_on_request,
    .on_container_ready = refresh_now,
    .on_specialized = refresh_now,
    .fini = hyperfaas_fini,
};
