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

bool hf_cl_isolate_fits(struct hf_cluster *c, struct container *k, uint32_t isolate, double memory_mib)
{
    const struct hf_isolate_config *iso = &c->config.function.isolates;
    expire(c, k);
    double limit = hf_cl_shape(c, k->function)->memory_mib;
    /* What it holds at the least, every idle isolate dropped: if even that does not fit, dropping
     * them would only cost later starts. */
    bool has = hf_isolates_has(&k->isolates, isolate);
    double least = iso->runtime_memory_mib +
                   iso->isolate_memory_mib * (hf_isolates_pinned(&k->isolates, isolate) + (has ? 0 : 1)) +
                   k->memory_used_mib + memory_mib;
    if (least > limit)
        return false;
    for (;;) {
        uint32_t isolates = k->isolates.count;
        if (!hf_isolates_has(&k->isolates, isolate) && isolates < k->isolates.cap)
            isolates++; /* a new one; at the cap it replaces an idle one */
        double held = iso->runtime_memory_mib + iso->isolate_memory_mib * isolates + k->memory_used_mib + memory_mib;
        if (held <= limit)
            return true;
        /* Memory pressure: the runtime drops its idle isolates, the longest idle first, before it
         * refuses the request. */
        if (!hf_isolates_evict_idle(&k->isolates, isolate))
            return false;
        hf_cl_account_allocation(c);
        c->allocated_memory_mib -= iso->isolate_memory_mib;
        c->stats.isolate_evictions++;
    }
}

bool hf_cl_enter_isolate(struct hf_cluster *c, struct container *k, uint32_t isolate, double memory_mib, hf_time *work)
{
    const struct hf_isolate_config *iso = &c->config.function.isolates;
    expire(c, k);
    /* The request's own memory is held while it runs. */
    hf_cl_account_allocation(c);
    c->allocated_memory_mib += memory_mib;
    enum hf_isolate_use use = hf_isolates_begin(&k->isolates, isolate);
    if (use == HF_ISOLATE_FULL) {
        /* Refused when the scenario is read (max_isolates >= concurrency): a busy isolate per
         * request in flight still leaves one free. */
        hf_engine_fail(c->engine, HF_EXIT_RUN_FAILED, "cluster: a runtime with every isolate busy took a request");
        c->allocated_memory_mib -= memory_mib;
        return false;
    }
    if (use == HF_ISOLATE_WARM)
        return true;
    c->stats.isolate_starts++;
    *work += iso->start;
    if (use == HF_ISOLATE_STARTED)
        c->allocated_memory_mib += iso->isolate_memory_mib;
    else
        c->stats.isolate_evictions++; /* one in, one out: the memory held is the same */
    return true;
}

void hf_cl_leave_isolate(struct hf_cluster *c, struct container *k, const struct slot *s)
{
    hf_isolates_end(&k->isolates, s->isolate, hf_cl_now(c));
    hf_cl_account_allocation(c);
    c->allocated_memory_mib -= s->memory_mib;
}

void hf_cl_release_isolates(struct hf_cluster *c, struct container *k)
{
    expire(c, k);
    hf_cl_account_allocation(c);
    /* Requests still in flight only when a failed run is torn down. */
    c->allocated_memory_mib -= c->config.function.isolates.isolate_memory_mib * k->isolates.count + k->memory_used_mib;
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
