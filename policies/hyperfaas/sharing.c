/* Container sharing (HyperFaaS phase 2): every container has a second, generic worker. When a
 * function's burst outgrows its own containers, the GS specializes the generic workers of
 * under-used containers of other functions for it (a switch far cheaper than a cold start), least
 * pressed first; a shared worker idle for generic_after goes back to generic. */
#include "policies/hyperfaas/hyperfaas.h"

uint32_t hf_sharing_specialize(struct hf_hyperfaas *h, struct hf_platform *platform, uint32_t function,
                               uint32_t wanted)
{
    uint32_t done = 0;
    while (done < wanted) {
        struct hf_gs_entry *best = NULL;
        for (uint32_t g = 0; g < h->functions; g++) {
            if (g == function)
                continue;
            for (uint32_t i = 0; i < h->gs[g].own; i++) {
                struct hf_gs_entry *e = &h->gs[g].entries[i];
                const struct hf_container_view *v = &e->view;
                if (!v->ready || v->shared_function != HF_GENERIC || v->specializing ||
                    hf_ics_pressure(v) > h->p.cpu_low)
                    continue;
                if (!best || hf_ics_pressure(v) < hf_ics_pressure(&best->view))
                    best = e;
            }
        }
        if (!best)
            break;
        best->view.specializing = true; /* not again this tick, whatever the answer */
        if (hf_platform_specialize(platform, best->view.id, function))
            done++;
    }
    return done;
}

void hf_sharing_release(struct hf_hyperfaas *h, struct hf_platform *platform, hf_time now)
{
    for (uint32_t g = 0; g < h->functions; g++)
        for (uint32_t i = 0; i < h->gs[g].own; i++) {
            struct hf_gs_entry *e = &h->gs[g].entries[i];
            if (e->view.shared_function != HF_GENERIC && e->shared_idle_since != 0 &&
                now - e->shared_idle_since >= h->p.generic_after)
                hf_platform_specialize(platform, e->view.id, HF_GENERIC);
        }
}
