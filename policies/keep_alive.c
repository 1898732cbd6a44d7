#include "policies/keep_alive.h"

uint32_t hf_keep_alive_need(struct hf_keep_alive_common *common, struct hf_platform *platform,
                            uint32_t function, uint32_t extra)
{
    struct hf_function_load load;
    hf_platform_load(platform, function, &load);
    /* Every container of a run has the same concurrency: ask once (a container view is not free). */
    struct hf_container_view v;
    if (common->concurrency == 0 && hf_platform_has(platform, HF_PF_CONTAINERS) &&
        hf_platform_containers(platform, function, &v, 1) > 0)
        common->concurrency = v.concurrency;
    uint32_t concurrency = common->concurrency ? common->concurrency : 1;
    uint64_t requests = (uint64_t)load.in_flight + load.queued + extra;
    return (uint32_t)((requests + concurrency - 1) / concurrency);
}

struct hf_route hf_keep_alive_on_request(void *state, struct hf_platform *platform,
                                         const struct hf_request_view *request)
{
    if (!request->from_queue) {
        struct hf_function_load load;
        hf_platform_load(platform, request->function, &load);
        uint32_t need = hf_keep_alive_need(state, platform, request->function, 1);
        if (need > load.replicas)
            hf_platform_set_replicas(platform, request->function, need);
    }
    return (struct hf_route){HF_ROUTE_DEFAULT, 0, 0};
}

void hf_keep_alive_scale_up(struct hf_keep_alive_common *common, struct hf_platform *platform, uint32_t function)
{
    struct hf_function_load load;
    hf_platform_load(platform, function, &load);
    uint32_t need = hf_keep_alive_need(common, platform, function, 0);
    if (need > load.replicas)
        hf_platform_set_replicas(platform, function, need);
}
