/* What every platform model reports to the run loop: conservation ledger, latency histograms,
 * interval counters and gauges. Models embed one and update it; sim/run.c samples it. */
#ifndef HF_MODEL_STATS_H
#define HF_MODEL_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "sim/histogram.h"
#include "sim/ledger.h"
#include "sim/time.h"

/* Time integrals of the count gauges (count x seconds up to `at`), for time averages in
 * summary.json: a snapshot every interval says nothing of what happened between samples. A backend
 * calls hf_gauges_advance with the counts as they were, just before it changes one. */
struct hf_gauge_integrals {
    double containers_s, ready_s, busy_containers_s, requests_s;
    hf_time at;
};

static inline void hf_gauges_advance(struct hf_gauge_integrals *g, hf_time now, uint32_t containers, uint32_t ready,
                                     uint32_t busy_containers, uint32_t requests)
{
    double dt = hf_time_to_s(now - g->at);
    g->containers_s += containers * dt;
    g->ready_s += ready * dt;
    g->busy_containers_s += busy_containers * dt;
    g->requests_s += requests * dt;
    g->at = now;
}

struct hf_model_stats {
    struct hf_ledger ledger;
    struct hf_histogram latency;          /* whole run, completed requests, ns */
    struct hf_histogram interval_latency; /* since the last sample */
    uint64_t interval_arrived, interval_completed, interval_failed;
    /* Completed requests and their summed latency since the last stabilization bin (1 s of
     * simulated time, independent of outputs.interval_s so that no output setting moves a result). */
    uint64_t bin_completed, bin_latency_ns;
    uint64_t waited;          /* arrivals that found no room and queued */
    uint64_t cold_starts;     /* containers started */
    uint64_t resizes;         /* container CPU resizes applied */
    uint64_t specializations; /* second workers specialized for a function */
    uint64_t bounces;         /* requests an in-container scheduler sent back to the global one */
    bool isolates_reported;   /* the cluster ran Hydra runtimes (function.isolates) */
    uint64_t isolate_starts;  /* isolates created inside warm runtimes */
    uint64_t isolate_evictions; /* idle isolates dropped for a new one or for memory (not expiries) */
    uint32_t queued, busy, replicas, ready; /* gauges: waiting requests, requests in service, containers */
    uint32_t busy_containers; /* gauge: containers serving at least one request */
    struct hf_gauge_integrals gauges; /* of replicas, ready, busy_containers and busy over time */
    double allocated_cores_now; /* gauge: CPU limits of placed containers (cluster), servers (station) */
    double busy_core_ns;      /* CPU used by requests */
    double allocated_core_ns; /* integral of allocated cores (container limits or servers) over time */
    double memory_gb_s;       /* integral of allocated container memory (GiB) over time; cluster only */
    double wasted_memory_gb_s; /* the part of it in ready containers serving nothing (idle); cluster, live */
    double vm_seconds;        /* integral of billed VMs (booting or running) over time; 0 in the station */
    uint32_t vms;             /* gauge: billed VMs */
    /* Image provisioning, when the cluster's transfer model runs (cluster.provisioning and friends;
     * summary.json's "images"): MiB moved from the registry and between VMs, images fetched, tree
     * repairs, and when the last container became ready (ns; -1: none did). */
    struct {
        bool reported;
        double registry_mib, peer_mib;
        uint64_t fetches, repairs;
        hf_time last_ready_at;
        uint32_t not_ready; /* containers placed or pending, not ready (yet) at the end */
    } images;
    FILE *requests_log;       /* optional per-request CSV; borrowed */
};

#endif
