/* The in-container scheduler's admission rule (HyperFaaS): a container takes one more request only
 * while its worker has a slot and the container stays under its CPU and memory high watermarks;
 * otherwise the request is bounced back to the global scheduler. CPU load is measured as pressure,
 * requests in flight per core of limit: above 1 requests start slowing each other down. */
#include <math.h>

#include "policies/hyperfaas/hyperfaas.h"

double hf_ics_pressure(const struct hf_container_view *c)
{
    return c->cpu_limit > 0 ? (double)c->in_flight / c->cpu_limit : INFINITY;
}

bool hf_ics_admits(const struct hf_hyperfaas_params *p, const struct hf_container_view *c, uint32_t function,
                   uint32_t memory_mb)
{
    if (!c->ready)
        return false;
    bool own = c->function == function;
    if (!own && c->shared_function != function)
        return false;
    uint32_t worker_in_flight = own ? c->in_flight - c->shared_in_flight : c->shared_in_flight;
    if (worker_in_flight >= c->concurrency)
        return false;
    /* An idle container always takes one request, whatever the watermarks, so nothing starves: a
     * container whose base memory alone sits above the memory watermark would otherwise refuse
     * every request, and its function's requests would wait in the GS's buffer until they timed
     * out while the scaler started containers that refuse them too. The limit still holds: a
     * request larger than this container's room (another function's, for a shared worker) goes
     * elsewhere. */
    if (c->in_flight == 0)
        return c->memory_used_mib + memory_mb <= c->memory_limit_mib;
    if ((double)(c->in_flight + 1) / c->cpu_limit > p->cpu_high + 1e-9)
        return false;
    return c->memory_used_mib + memory_mb <= p->memory_high * c->memory_limit_mib;
}
