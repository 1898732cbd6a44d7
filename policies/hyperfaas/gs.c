/* The global scheduler: a table per function of the containers that serve it (its own, then those
 * whose second worker is specialized for it), refreshed from the in-container schedulers' reports
 * every report interval. Between reports the GS adds what it sent itself, so its estimate is never
 * below the truth for its own traffic; it routes to the least pressed container its estimate admits,
 * and that container's ICS decides on live state. A refusal is a bounce: one round trip, then the
 * next candidate; after max_bounces, or with no candidate, the GS buffers the request (the gateway
 * queue), and a container that frees a slot pulls from that buffer. */
#include <stdlib.h>
#include <string.h>

#include "policies/hyperfaas/hyperfaas.h"

static bool reserve(struct hf_gs_function *g, uint32_t need)
{
    if (need <= g->cap)
        return true;
    uint32_t cap = g->cap ? g->cap : 8;
    while (cap < need)
        cap *= 2;
    struct hf_gs_entry *grown = realloc(g->entries, cap * sizeof *grown);
    if (!grown)
        return false;
    g->entries = grown;
    g->cap = cap;
    return true;
}

static int by_id(const void *a, const void *b)
{
    uint64_t x = ((const struct hf_gs_entry *)a)->view.id, y = ((const struct hf_gs_entry *)b)->view.id;
    return (x > y) - (x < y);
}

/* The old entry of container `id`; `old` is sorted by id (hf_gs_refresh sorts the old tables, which
 * only this lookup reads: a linear search per entry was quadratic in a function's containers, and
 * a scaler that starts thousands of them spent minutes here). */
static const struct hf_gs_entry *find(const struct hf_gs_entry *old, uint32_t n, uint64_t id)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (old[mid].view.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && old[lo].view.id == id ? &old[lo] : NULL;
}

/* Since-when timers carry over by container id; `on` says whether the condition holds now. */
static hf_time since(hf_time previous, bool on, hf_time now) { return on ? (previous ? previous : now) : 0; }

static void add_entry(struct hf_hyperfaas *h, struct hf_gs_function *g, const struct hf_gs_entry *old,
                      uint32_t old_n, const struct hf_container_view *v, hf_time now)
{
    const struct hf_gs_entry *prev = find(old, old_n, v->id);
    struct hf_gs_entry *e = &g->entries[g->count++];
    e->view = *v;
    e->low_since = since(prev ? prev->low_since : 0, v->ready && hf_ics_pressure(v) <= h->p.cpu_low, now);
    e->idle_since = since(prev ? prev->idle_since : 0, v->ready && v->in_flight == 0, now);
    e->shared_idle_since = since(prev ? prev->shared_idle_since : 0,
                                 v->shared_function != HF_GENERIC && v->shared_in_flight == 0, now);
}

bool hf_gs_refresh(struct hf_hyperfaas *h, struct hf_platform *platform, hf_time now)
{
    /* Old tables, kept for the timers; the new ones are built beside them. */
    struct hf_gs_function *old = malloc(h->functions * sizeof *old);
    if (!old)
        return false;
    memcpy(old, h->gs, h->functions * sizeof *old);
    for (uint32_t f = 0; f < h->functions; f++)
        if (old[f].count > 1)
            qsort(old[f].entries, old[f].count, sizeof *old[f].entries, by_id);
    bool ok = true;
    for (uint32_t f = 0; f < h->functions; f++) {
        struct hf_gs_function *g = &h->gs[f];
        g->entries = NULL;
        g->count = g->cap = g->own = 0;
        uint32_t n = hf_platform_containers(platform, f, h->scratch, h->scratch_cap);
        if (n > h->scratch_cap) {
            struct hf_container_view *grown = realloc(h->scratch, n * sizeof *grown);
            if (!grown) {
                ok = false;
                continue;
            }
            h->scratch = grown;
            h->scratch_cap = n;
            n = hf_platform_containers(platform, f, h->scratch, h->scratch_cap);
        }
        if (!reserve(g, n + 1)) {
            ok = false;
            continue;
        }
        for (uint32_t i = 0; i < n; i++)
            add_entry(h, g, old[f].entries, old[f].count, &h->scratch[i], now);
        g->own = g->count;
    }
    /* Second workers: a container specialized (or specializing) for g appears in g's table too. */
    for (uint32_t f = 0; f < h->functions; f++)
        for (uint32_t i = 0; i < h->gs[f].own; i++) {
            struct hf_container_view v = h->gs[f].entries[i].view;
            uint32_t s = v.shared_function;
            if (s == HF_GENERIC || s >= h->functions)
                continue;
            struct hf_gs_function *g = &h->gs[s];
            if (reserve(g, g->count + 1))
                add_entry(h, g, old[s].entries, old[s].count, &v, now);
        }
    for (uint32_t f = 0; f < h->functions; f++) {
        h->gs[f].overloaded_since = old[f].overloaded_since;
        h->gs[f].buffering_before = old[f].buffering_before;
        h->gs[f].base_limit = old[f].base_limit;
        free(old[f].entries);
    }
    free(old);
    return ok;
}

struct hf_route hf_gs_route(struct hf_hyperfaas *h, struct hf_platform *platform,
                            const struct hf_request_view *request)
{
    struct hf_gs_function *g = &h->gs[request->function];
    struct hf_container_view live;
    /* Behind a non-empty buffer: the request joins it, and the scaler sees the buffer on its tick;
     * booking a container here for a route the backend will not take would skew the GS's view. */
    if (request->joins_queue)
        return (struct hf_route){HF_ROUTE_QUEUE, 0, 0};
    /* A container pulling from the buffer has told us it has room: check live state, no bounce. */
    if (request->from_queue) {
        for (uint32_t i = 0; i < g->count; i++)
            if (hf_platform_container(platform, g->entries[i].view.id, &live) &&
                hf_ics_admits(&h->p, &live, request->function, request->memory_mb)) {
                g->entries[i].view = live;
                return (struct hf_route){live.id, 0, 0};
            }
        return (struct hf_route){HF_ROUTE_QUEUE, 0, 0};
    }
    uint32_t bounces = 0;
    uint64_t tried_mask = 0; /* candidates already bounced (first 64) */
    for (;;) {
        int64_t best = -1;
        double best_pressure = 0;
        for (uint32_t i = 0; i < g->count; i++) {
            const struct hf_container_view *v = &g->entries[i].view;
            if ((i < 64 && (tried_mask >> i & 1)) ||
                !hf_ics_admits(&h->p, v, request->function, request->memory_mb))
                continue;
            double pressure = hf_ics_pressure(v);
            if (best < 0 || pressure < best_pressure) {
                best = i;
                best_pressure = pressure;
            }
        }
        if (best < 0)
            return (struct hf_route){HF_ROUTE_QUEUE, 0, 0};
        struct hf_gs_entry *e = &g->entries[best];
        if (hf_platform_container(platform, e->view.id, &live) &&
            hf_ics_admits(&h->p, &live, request->function, request->memory_mb)) {
            /* The GS books what it sent, so its estimate keeps up until the next report. */
            live.in_flight++;
            if (live.function != request->function)
                live.shared_in_flight++;
            live.memory_used_mib += request->memory_mb;
            e->view = live;
            return (struct hf_route){live.id, (hf_time)bounces * h->p.bounce_rtt, bounces};
        }
        /* The ICS refused: the request comes back after a round trip; the GS learns the truth. */
        if (hf_platform_container(platform, e->view.id, &live))
            e->view = live;
        if (best < 64)
            tried_mask |= 1ull << best;
        if (++bounces > h->p.max_bounces)
            return (struct hf_route){HF_ROUTE_QUEUE, 0, 0};
    }
}

void hf_gs_fini(struct hf_hyperfaas *h)
{
    for (uint32_t f = 0; h->gs && f < h->functions; f++)
        free(h->gs[f].entries);
    free(h->gs);
    free(h->scratch);
}
