/* The single-queue model: one function served by up to `servers` identical servers in front of a
 * FIFO gateway queue (an M/G/c/K queue with waiting-time timeout).
 *
 * This is the foundation's platform backend: a real simulation, small enough to check against
 * queueing theory, on which policies act through struct hf_platform (replicas = servers in use).
 * The container cluster of issue 2 replaces it as the default model; it stays for theory checks.
 *
 * Semantics:
 *  - an arrival starts service at once when fewer than `replicas` servers are busy, else waits in the
 *    queue; when the queue holds `queue_capacity` requests it fails with reason queue_full;
 *  - a request that waits `timeout` without starting fails with reason timeout (an exact event for
 *    the queue head: deadlines are FIFO-ordered, so one pending timer suffices);
 *  - lowering replicas never preempts: busy servers finish, then stay idle;
 *  - hf_station_fail_all() ends everything still in the system with a reason (run end).
 *
 * Ownership: the station borrows the engine; it owns its arrays and histograms.
 * Errors: create fails only when out of memory. */
#ifndef HF_STATION_H
#define HF_STATION_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/engine.h"
#include "sim/invocation.h"
#include "sim/model_stats.h"
#include "sim/platform.h"
#include "sim/policy.h"
#include "sim/policy_host.h"
#include "sim/ring.h"

struct hf_station_config {
    uint32_t servers;        /* capacity: most servers that can ever be busy */
    uint32_t queue_capacity; /* most waiting requests; 0 = no queue */
    hf_time timeout;         /* longest wait before failing; HF_TIME_NEVER = none */
};

struct hf_station_request {
    uint64_t id;
    hf_time arrival;
    hf_time work;
};

struct hf_station {
    struct hf_engine *engine;
    struct hf_station_config config;
    uint32_t replicas, busy;
    struct hf_station_request *in_service; /* indexed by server */
    uint32_t *idle_servers;
    uint32_t idle_count;
    struct hf_station_request *waiting; /* the queue's items, a FIFO ring */
    struct hf_ring queue;
    hf_event_handle timeout_event;
    hf_time timeout_at;
    struct hf_model_stats stats; /* gauges refreshed by hf_station_account() */
    hf_time replicas_since;
    double integrated_core_ns; /* replicas x time up to replicas_since (sampling only reads it) */
    struct hf_platform platform;
    struct hf_policy_host host; /* the attached policy and its timers */
};

bool hf_station_create(struct hf_station *s, struct hf_engine *engine,
                       const struct hf_station_config *config);
void hf_station_destroy(struct hf_station *s);

/* The sink a workload source delivers to (hf_invocation_sink). */
void hf_station_arrive(void *station, const struct hf_invocation *inv);

/* Routes on_timer callbacks of the platform to this policy instance. */
void hf_station_attach_policy(struct hf_station *s, const struct hf_policy_type *policy, void *state);

/* Fails every waiting and in-service request with `reason` (used when the drain period ends). */
void hf_station_fail_all(struct hf_station *s, enum hf_fail_reason reason);

/* Brings the allocated-capacity integral and the stats gauges up to now (call before reading). */
void hf_station_account(struct hf_station *s);

#endif
