#include "sim/policy_host.h"

void hf_policy_host_init(struct hf_policy_host *h, struct hf_engine *engine, struct hf_platform *platform)
{
    *h = (struct hf_policy_host){.engine = engine, .platform = platform};
}

void hf_policy_host_attach(struct hf_policy_host *h, const struct hf_policy_type *policy, void *state)
{
    h->policy = policy;
    h->state = state;
}

static void on_policy_timer(struct hf_engine *engine, void *ctx, uint64_t arg)
{
    (void)engine;
    struct hf_policy_host *h = ctx;
    if (h->policy && h->policy->on_timer)
        h->policy->on_timer(h->state, h->platform, arg);
}

hf_timer hf_policy_host_timer_at(struct hf_policy_host *h, hf_time at, uint64_t arg)
{
    return hf_engine_at(h->engine, at, on_policy_timer, h, arg);
}

hf_timer hf_policy_host_timer_after(struct hf_policy_host *h, hf_time delay, uint64_t arg)
{
    return hf_engine_after(h->engine, delay, on_policy_timer, h, arg);
}

bool hf_policy_host_timer_cancel(struct hf_policy_host *h, hf_timer timer)
{
    return hf_engine_cancel(h->engine, timer);
}

void hf_policy_host_container_ready(struct hf_policy_host *h, uint64_t container, uint32_t function)
{
    if (h->policy && h->policy->on_container_ready)
        h->policy->on_container_ready(h->state, h->platform, container, function);
}

void hf_policy_host_specialized(struct hf_policy_host *h, uint64_t container, uint32_t function)
{
    if (h->policy && h->policy->on_specialized)
        h->policy->on_specialized(h->state, h->platform, container, function);
}

void hf_policy_host_resized(struct hf_policy_host *h, uint64_t container)
{
    if (h->policy && h->policy->on_resized)
        h->policy->on_resized(h->state, h->platform, container);
}
