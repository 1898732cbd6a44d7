/* Hydra runtimes in the cluster (function.isolates): a request enters its function's isolate in the
 * runtime container it was routed to; isolates start, are evicted and expire there, and the memory
 * they hold is accounted to the run's memory_gb_s from when they start to when they go. */
#include "models/cluster/cluster_internal.h"

/* Drops the runtime's isolates idle past their keep-alive, their memory released from when each
 * expired (the integral ran on to now with it counted). */
static void expire(struct hf_cluster *c, struct container *k)
{
    const struct hf_isolate_config *iso = &c->config.function.isolates;
    double expired_ns = 0;
    uint32_t dropped = hf_isolates_expire(&k->isolates, hf_cl_now(c), iso->keep_alive, &expired_ns);
    if (dropped == 0)
        return;
    hf_cl_account_allocation(c);
    c->integrated_memory_gb_s -= iso->isolate_memory_mib / 1024.0 * (expired_ns / 1e9);
    c->allocated_memory_mib -= iso->isolate_memory_mib * dropped;
}

bool hf_cl_enter_isolate(struct hf_cluster *c, struct container *k, uint32_t isolate, hf_time *work)
{
    const struct hf_isolate_config *iso = &c->config.function.isolates;
    expire(c, k);
    enum hf_isolate_use use = hf_isolates_begin(&k->isolates, isolate);
    if (use == HF_ISOLATE_FULL) {
        /* Refused when the scenario is read (max_isolates >= concurrency): a busy isolate per
         * request in flight still leaves one free. */
        hf_engine_fail(c->engine, HF_EXIT_RUN_FAILED, "cluster: a runtime with every isolate busy took a request");
        return false;
    }
    if (use == HF_ISOLATE_WARM)
        return true;
    c->stats.isolate_starts++;
    *work += iso->start;
    if (use == HF_ISOLATE_STARTED) {
        hf_cl_account_allocation(c);
        c->allocated_memory_mib += iso->isolate_memory_mib;
    }
    return true;
}

void hf_cl_release_isolates(struct hf_cluster *c, struct container *k)
{
    expire(c, k);
    hf_cl_account_allocation(c);
    c->allocated_memory_mib -= c->config.function.isolates.isolate_memory_mib * k->isolates.count;
    hf_isolates_clear(&k->isolates);
}

double hf_cl_unswept_isolate_mib_ns(const struct hf_cluster *c, const struct container *k, hf_time now)
{
    const struct hf_isolate_config *iso = &c->config.function.isolates;
    double held = 0;
    for (uint32_t i = 0; i < k->isolates.count; i++) {
        const struct hf_isolate *s = &k->isolates.items[i];
        if (s->in_flight == 0 && s->idle_since != HF_TIME_NEVER && now - s->idle_since >= iso->keep_alive)
            held += (double)(now - (s->idle_since + iso->keep_alive));
    }
    return held * iso->isolate_memory_mib;
}
