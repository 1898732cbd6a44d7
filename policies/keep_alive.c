#include "policies/keep_alive.h"

#include <stdlib.h>

/* Containers needed for `load`'s requests plus `extra` arriving. */
static uint32_t need_for(struct hf_keep_alive_common *common, struct hf_platform *platform, uint32_t function,
                         const struct hf_function_load *load, uint32_t extra)
{
    /* Every container of a run has the same concurrency: ask once (a container view is not free). */
    struct hf_container_view v;
    if (common->concurrency == 0 && hf_platform_has(platform, HF_PF_CONTAINERS) &&
        hf_platform_containers(platform, function, &v, 1) > 0)
        common->concurrency = v.concurrency;
    uint32_t concurrency = common->concurrency ? common->concurrency : 1;
    uint64_t requests = (uint64_t)load->in_flight + load->queued + extra;
    return (uint32_t)((requests + concurrency - 1) / concurrency);
}

uint32_t hf_keep_alive_need(struct hf_keep_alive_common *common, struct hf_platform *platform,
                            uint32_t function, uint32_t extra)
{
    struct hf_function_load load;
    hf_platform_load(platform, function, &load);
    return need_for(common, platform, function, &load, extra);
}

struct hf_route hf_keep_alive_on_request(void *state, struct hf_platform *platform,
                                         const struct hf_request_view *request)
{
    if (!request->from_queue) {
        /* One load read for both the need and the replicas: this runs for every arrival. */
        struct hf_function_load load;
        hf_platform_load(platform, request->function, &load);
        uint32_t need = need_for(state, platform, request->function, &load, 1);
        if (need > load.replicas)
            hf_platform_set_replicas(platform, request->function, need);
    }
    return (struct hf_route){HF_ROUTE_DEFAULT, 0, 0};
}

void hf_keep_alive_arm(struct hf_keep_alive_timer *t, struct hf_platform *platform, hf_time due, uint64_t arg)
{
    if (t->due <= due)
        return;
    if (t->due != HF_TIME_NEVER)
        hf_platform_timer_cancel(platform, t->timer);
    hf_time now = hf_platform_now(platform);
    t->timer = hf_platform_timer_after(platform, due > now ? due - now : 0, arg);
    t->due = t->timer ? due : HF_TIME_NEVER;
}

void hf_keep_alive_expire(struct hf_keep_alive_timer *t, struct hf_keep_alive_views *scratch,
                          struct hf_platform *platform, uint32_t f, uint64_t arg, hf_keep_alive_deadline deadline,
                          const void *ctx)
{
    t->due = HF_TIME_NEVER;
    hf_time now = hf_platform_now(platform), next = HF_TIME_NEVER;
    uint32_t n = hf_platform_containers(platform, f, scratch->views, scratch->cap);
    if (n > scratch->cap) {
        struct hf_container_view *grown = realloc(scratch->views, n * sizeof *grown);
        if (!grown) {
            hf_keep_alive_arm(t, platform, hf_time_add(now, hf_time_from_s(1)), arg);
            return;
        }
        scratch->views = grown;
        scratch->cap = n;
        n = hf_platform_containers(platform, f, scratch->views, scratch->cap);
    }
    for (uint32_t i = 0; i < n; i++) {
        hf_time due = deadline(ctx, &scratch->views[i]);
        if (due <= now)
            hf_platform_stop(platform, scratch->views[i].id);
        else if (due < next)
            next = due;
    }
    if (next != HF_TIME_NEVER)
        hf_keep_alive_arm(t, platform, next, arg);
}

void hf_keep_alive_scale_up(struct hf_keep_alive_common *common, struct hf_platform *platform, uint32_t function)
{
    struct hf_function_load load;
    hf_platform_load(platform, function, &load);
    uint32_t need = need_for(common, platform, function, &load, 0);
    if (need > load.replicas)
        hf_platform_set_replicas(platform, function, need);
}
