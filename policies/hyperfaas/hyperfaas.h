/* HyperFaaS as policy modules (docs/hyperfaas.md): a global scheduler (gs.c) that routes every
 * request using in-container schedulers' periodic reports and their live admission decisions
 * (ics.c), and a scaler (scaler.c) that scales up, then out (including container sharing,
 * sharing.c), then starts containers in the background. Everything goes through struct hf_platform.
 *
 * Units: time in ns (hf_time), CPU in cores, memory in MiB. Ownership: the state owns its tables.
 * Private to policies/hyperfaas/. */
#ifndef HF_HYPERFAAS_H
#define HF_HYPERFAAS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/policy.h"

struct hf_hyperfaas_params {
    hf_time report_interval; /* ICS -> GS load reports, and the scaler's tick */
    hf_time bounce_rtt;      /* GS -> ICS -> GS when an ICS refuses */
    uint32_t max_bounces;    /* then the GS buffers the request */
    double cpu_high, cpu_low; /* watermarks on CPU pressure: requests in flight per core of limit */
    double memory_high;       /* watermark on memory used / limit */
    bool phase1, phase2, sharing, phase3;
    double max_scale_up;     /* phase 1: up to this multiple of the function's CPU limit */
    hf_time release_after;   /* phase 1: shrink back after this long below the low watermark */
    hf_time persist;         /* phase 3: overload lasting this long starts containers */
    hf_time generic_after;   /* a shared worker idle this long goes back to generic */
    hf_time idle_after;      /* a container idle this long may be stopped (down to min) */
    uint32_t min_replicas, max_replicas, initial_replicas;
};

/* What the GS knows of one container, from the last report. */
struct hf_gs_entry {
    struct hf_container_view view;
    hf_time low_since;   /* since when it has been at or under the low watermark (0 = not) */
    hf_time idle_since;  /* since when nothing has been in flight (0 = busy) */
    hf_time shared_idle_since;
};

struct hf_gs_function {
    struct hf_gs_entry *entries; /* its containers, then containers whose second worker serves it */
    uint32_t count, own, cap;
    hf_time overloaded_since;    /* 0 = not overloaded */
    bool buffering_before;       /* the GS was buffering at the previous tick too */
    double base_limit;           /* the function's CPU limit before any scale-up */
};

struct hf_hyperfaas {
    struct hf_hyperfaas_params p;
    uint32_t functions;
    struct hf_gs_function *gs;
    struct hf_container_view *scratch;
    uint32_t scratch_cap;
};

/* ics.c: would this container's ICS accept one more request of `function` now? */
bool hf_ics_admits(const struct hf_hyperfaas_params *p, const struct hf_container_view *c, uint32_t function,
                   uint32_t memory_mb);
/* CPU pressure: requests in flight per core of limit. */
double hf_ics_pressure(const struct hf_container_view *c);

/* gs.c */
bool hf_gs_refresh(struct hf_hyperfaas *h, struct hf_platform *platform, hf_time now);
struct hf_route hf_gs_route(struct hf_hyperfaas *h, struct hf_platform *platform,
                            const struct hf_request_view *request);
void hf_gs_fini(struct hf_hyperfaas *h);

/* scaler.c: one tick of phases 1-3 and scale-down, after a refresh. */
void hf_scaler_tick(struct hf_hyperfaas *h, struct hf_platform *platform, hf_time now);

/* sharing.c: phase 2's container sharing for an overloaded function; returns workers specialized. */
uint32_t hf_sharing_specialize(struct hf_hyperfaas *h, struct hf_platform *platform, uint32_t function,
                               uint32_t wanted);
/* Returns shared workers idle for generic_after to generic. */
void hf_sharing_release(struct hf_hyperfaas *h, struct hf_platform *platform, hf_time now);

#endif
