/* The HyperFaaS scaler, "scale up, then out", one tick per report interval:
 * A function is overloaded when the GS has been buffering its requests for a whole report interval
 * (two ticks in a row): a request waiting for a moment is not a burst.
 *  1. vertical: a container of an overloaded function at its CPU high watermark gets its limit
 *     doubled (up to max_scale_up x the function's limit, and only into cores its VM has free),
 *     after the resize latency; a container under the low watermark for release_after shrinks back;
 *  2. out: its own containers with room take buffered requests (routing); once phase 1 has nothing
 *     left to give (every container at its cap, resizing, or on a full VM), generic workers of
 *     under-used containers of other functions are specialized for it (sharing.c);
 *  3. background cold starts: overload lasting `persist` with phase 1 exhausted adds containers, one
 *     batch at a time (no new batch while one is starting), at most doubling; when they are ready
 *     they pull the buffered requests: the burst is redistributed.
 * Containers idle for idle_after are stopped, down to min_replicas. */
#include <math.h>

#include "policies/hyperfaas/hyperfaas.h"

/* Returns true when phase 1 has nothing left to give this function (or is off). */
static bool phase1(struct hf_hyperfaas *h, struct hf_platform *platform, struct hf_gs_function *g,
                   bool overloaded, hf_time now)
{
    double base = g->base_limit;
    bool exhausted = true;
    for (uint32_t i = 0; i < g->own; i++) {
        struct hf_gs_entry *e = &g->entries[i];
        const struct hf_container_view *v = &e->view;
        if (!v->ready || v->resizing)
            continue;
        /* The first sign of a burst: the GS is buffering and this container is at its watermark. */
        if (overloaded && hf_ics_pressure(v) >= h->p.cpu_high &&
            v->cpu_limit < base * h->p.max_scale_up - 1e-9) {
            double target = fmin(base * h->p.max_scale_up, v->cpu_limit * 2);
            /* Headroom above the base limit must be free on the VM; what is reserved already counts. */
            double room = v->cpu_limit + v->node_cores_free;
            target = fmin(target, room);
            if (target > v->cpu_limit + 0.01 && hf_platform_resize(platform, v->id, target))
                exhausted = false;
        } else if (v->cpu_limit > base + 1e-9 && e->low_since != 0 && now - e->low_since >= h->p.release_after) {
            hf_platform_resize(platform, v->id, base);
        }
        if (v->resizing)
            exhausted = false; /* capacity on its way */
    }
    return exhausted;
}

void hf_scaler_tick(struct hf_hyperfaas *h, struct hf_platform *platform, hf_time now)
{
    for (uint32_t f = 0; f < h->functions; f++) {
        struct hf_gs_function *g = &h->gs[f];
        struct hf_function_load load;
        hf_platform_load(platform, f, &load);
        bool buffering = load.queued > 0;
        bool overloaded = buffering && g->buffering_before;
        g->buffering_before = buffering;
        bool scaled_up = h->p.phase1 ? !phase1(h, platform, g, overloaded, now) : false;
        if (!overloaded) {
            g->overloaded_since = 0;
            /* Scale in: containers idle for idle_after, down to min_replicas. */
            uint32_t idle = 0;
            for (uint32_t i = 0; i < g->own; i++)
                if (g->entries[i].idle_since != 0 && now - g->entries[i].idle_since >= h->p.idle_after)
                    idle++;
            uint32_t keep = load.replicas > idle ? load.replicas - idle : 0;
            if (keep < h->p.min_replicas)
                keep = h->p.min_replicas;
            if (keep < load.replicas)
                hf_platform_set_replicas(platform, f, keep);
            continue;
        }
        if (g->overloaded_since == 0)
            g->overloaded_since = now;
        uint32_t concurrency = g->own ? g->entries[0].view.concurrency : 1;
        uint32_t batches = (load.queued + concurrency - 1) / concurrency;
        if (scaled_up)
            continue; /* phase 1 is still adding capacity: give it a report interval */
        if (h->p.phase2 && h->p.sharing)
            hf_sharing_specialize(h, platform, f, batches);
        if (h->p.phase3 && now - g->overloaded_since >= h->p.persist && load.ready >= load.replicas) {
            uint32_t add = batches < 1 ? 1 : batches;
            if (load.replicas > 0 && add > load.replicas)
                add = load.replicas; /* at most double per batch */
            uint32_t target = load.replicas + add;
            if (target > h->p.max_replicas)
                target = h->p.max_replicas;
            if (target > load.replicas)
                hf_platform_set_replicas(platform, f, target);
        }
    }
    if (h->p.sharing)
        hf_sharing_release(h, platform, now);
}
