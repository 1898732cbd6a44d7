/* Private to the cluster model (models/cluster*.c): its state and the functions its parts share.
 * Nothing outside models/cluster*.c includes this; the public face is models/cluster.h. */
#ifndef HF_CLUSTER_INTERNAL_H
#define HF_CLUSTER_INTERNAL_H

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/cluster/cfs_bandwidth.h"
#include "models/cluster/cluster.h"
#include "models/cluster/isolates.h"
#include "sim/engine.h"
#include "sim/policy_host.h"
#include "sim/ring.h"

enum container_state {
    C_FREE,        /* in the pool, unused */
    C_UNSCHEDULED, /* wants a VM, none fits */
    C_PULLING,     /* on a VM, waiting for its image */
    C_STARTING,    /* image present, sandbox/runtime/function init running */
    C_READY,       /* serving */
    C_STOPPING,    /* no new requests; goes when in-flight ones finish */
};

struct slot {
    uint64_t id;
    hf_time arrival;
    double memory_mib;
    uint32_t function; /* the container's own, or its second worker's */
    uint32_t isolate;  /* the function whose isolate runs it (function.isolates) */
};

/* Field order matters for speed: a trace replay touches tens of thousands of containers in random
 * order, so what every dispatch and completion reads comes first (two cache lines), the rest after. */
struct container {
    /* hot: routing, dispatch, completion */
    enum container_state state;
    uint32_t function;
    uint32_t generation;  /* bumped when the slot is reused: stale container ids are refused */
    uint32_t in_flight;
    uint32_t shared_in_flight;
    uint32_t shared_function;  /* second worker: HF_GENERIC or the function it serves */
    uint32_t free_slot_count;
    uint32_t vm;
    struct hf_ps_server cpu;
    hf_time finish_at;
    hf_event_handle finish_event;
    struct slot *slots;
    struct hf_isolate_table isolates; /* function.isolates: the runtime's isolates */
    uint32_t *free_slots;
    double memory_used_mib;
    /* warm: placement, VM sharing, readiness */
    uint32_t list_pos; /* index in its function's container list */
    uint32_t vm_pos;   /* index in its VM's member list */
    double demand;     /* min(limit, in_flight), as counted in its VM's demand */
    double cpu_limit;  /* cores: the function spec's, or what a resize set */
    double reserved;   /* cores reserved on its VM: the spec's request plus any resize above the spec's limit */
    hf_event_handle ready_event; /* its sandbox is created (SANDBOX_CREATING), or it is ready */
    hf_time scheduled_at, ready_change;
    /* cluster.sandbox_concurrency: its sandbox waits for, or holds, one of its VM's creation slots */
    enum { SANDBOX_NONE, SANDBOX_WAITING, SANDBOX_CREATING } sandbox;
    hf_time sandbox_ns, after_sandbox_ns, sandbox_asked; /* the stages' draws; when it asked */
    hf_time idle_since; /* when in_flight last fell to 0 (or it became ready); read while ready and idle */
    hf_time last_freed; /* when it last finished a request (or became ready): least-recently-used routing */
    /* cold: resizes, sharing, metrics, CFS periods (cpu_model cfs-quota) */
    struct hf_cfs cfs;
    hf_time cfs_at; /* its next budget event (HF_TIME_NEVER: none) */
    hf_event_handle cfs_event;
    double pending_limit; /* a resize in flight (applies at resize_event); 0 = none */
    hf_event_handle resize_event;
    uint32_t pending_shared;   /* a specialization in flight (HF_GENERIC = none) */
    hf_event_handle specialize_event;
    bool scraped; /* the metrics-server has one sample of its counter */
    bool has_metric;
    double scraped_busy_core_ns;
    double usage_milli;
    hf_time metric_time;
};

struct queued {
    uint64_t id;
    hf_time arrival, work;
    double memory_mib;
    uint32_t isolate; /* the function within its unit (hf_invocation.isolate, decoded) */
};

/* A request on its way to a container after bounces (delayed dispatch). */
struct transit {
    struct queued q;
    uint32_t function;
    uint64_t container;
    uint32_t next_free; /* free-list link */
    bool active;
};

struct function {
    uint32_t *containers; /* every non-free container of the function */
    uint32_t count, cap;
    uint32_t active;      /* not stopping: what the replica count means */
    uint32_t ready, rr;
    struct queued *waiting; /* the gateway queue's items, a FIFO ring */
    struct hf_ring queue;
    hf_event_handle timeout_event;
    hf_time timeout_at;
    hf_time last_arrival;
    uint64_t arrived, completed;
    uint64_t failed, waited, cold_starts; /* functions.csv */
    uint64_t in_flight;   /* sum of its containers' in_flight (kept, not summed: load() is hot) */
    uint64_t *warm;       /* warm-first routing: (generation << 32 | container) that freed a slot,
                           * most recent last; stale entries are dropped lazily */
    uint32_t warm_count, warm_cap;
    uint64_t ready_own_in_flight; /* its own requests in its READY containers: room exists iff this is
                                   * below ready x concurrency, so routing skips hopeless scans */
    bool keep_alive_armed;
};

enum image_state { IMAGE_ABSENT, IMAGE_PULLING, IMAGE_PRESENT };
enum vm_state { VM_OFF, VM_BOOTING, VM_ON };

struct vm {
    enum vm_state state;
    double cores, memory_mib, price_per_hour; /* its type's */
    hf_time empty_since; /* when it last became empty (VM_ON) */
    double cores_free, memory_free_mib;
    uint32_t *members; /* containers placed on it; sized at creation for as many as its requests fit */
    uint32_t member_count, member_cap;
    double demand;     /* sum over members of min(limit, requests in flight): cores they could use */
    bool contended;    /* demand > cores: members run at water-filled fair shares, not their limits */
    struct hf_ps_server pulls; /* registry link shared by concurrent pulls: PS at 1 "core" */
    uint32_t creating; /* sandboxes its runtime is creating (cluster.sandbox_concurrency) */
    hf_event_handle pull_event;
    hf_time pull_at;
};

struct hf_cluster {
    struct hf_engine *engine;
    struct hf_cluster_config config;
    struct vm *vms;
    uint8_t *images; /* [vm * function_count + function] enum image_state */
    /* Provisioning by image_transfer (function trees, a shared registry, start before complete);
     * NULL: the per-VM pull links of vms[].pulls, as before those existed. */
    struct hf_image_transfer *transfer;
    struct function *functions;
    struct container *containers;
    uint32_t container_count, container_cap;
    uint32_t *free_containers;
    uint32_t free_container_count;
    uint32_t *unscheduled; /* FIFO of containers waiting for a VM */
    uint32_t unscheduled_head, unscheduled_count, unscheduled_cap;
    uint32_t vm_slots;    /* VMs that can exist: autoscaling.max_vms, or vm_count without it */
    uint32_t billed_vms;  /* booting or on */
    double billed_price_per_hour; /* sum over billed VMs of their hourly prices */
    bool one_price;       /* every VM has the same price: the cost is vm_seconds x it */
    uint32_t booting_vms;
    double allocated_cores;
    double allocated_memory_mib; /* memory limits of containers placed on VMs */
    hf_time accounted_at;
    /* Allocation integrals up to accounted_at, advanced only when the allocation changes: reading
     * them (hf_cluster_account, for a sample or the summary) adds the pending piece without storing
     * it, so how often results are sampled cannot change their rounding. */
    double integrated_core_ns, integrated_memory_gb_s, integrated_vm_seconds, integrated_cost_usd;
    double released_busy_core_ns; /* CPU used by containers since returned to the pool */
    double idle_closed_mib_ns;    /* memory x time of idle periods that ended (wasted memory) */
    hf_time metric_resolution;
    double metric_phase; /* scrapes happen at (phase + k) * resolution: metrics-server started at an
                            arbitrary moment, not in step with the workload */
    hf_event_handle scrape_event;
    gsl_rng *cold_rng;
    gsl_rng *routing_rng; /* routing "random": its own stream, so other routings draw nothing */
    gsl_rng *placement_rng; /* placement "random": likewise */
    struct hf_function_shape *shapes; /* per function: memory and CPU of its containers */
    bool uniform_shapes;              /* every function has the same shape */
    struct transit *transits;
    uint32_t transit_cap, transit_free; /* free list head; UINT32_MAX = empty */
    struct hf_model_stats stats;
    struct hf_platform platform;
    struct hf_policy_host host; /* the attached policy, its timers and callbacks */
};

static inline hf_time hf_cl_now(const struct hf_cluster *c) { return hf_engine_now(c->engine); }
static inline const struct hf_function_shape *hf_cl_shape(const struct hf_cluster *c, uint32_t fi)
{
    return &c->shapes[fi];
}
/* OpenWhisk's probe order over n slots for a key: a home (the key's hash modulo n), then steps of a
 * size coprime with n (also from the hash), so every slot is visited once. */
void hf_cl_hash_probe(uint32_t key, uint32_t n, uint32_t *home, uint32_t *step);
/* Integrates the count gauges up to now: call just before changing replicas, ready, busy or
 * busy_containers (summary.json's time averages). */
static inline void hf_cl_gauges(struct hf_cluster *c)
{
    hf_gauges_advance(&c->stats.gauges, hf_cl_now(c), c->stats.replicas, c->stats.ready, c->stats.busy_containers,
                      c->stats.busy);
}

extern const struct hf_platform_ops hf_cl_platform_ops;

/* Container ci leaves an idle period (READY, nothing in flight): its memory-time counts as wasted. */
/* Memory a placed container holds (MiB): its limit, or for a Hydra runtime its own memory and its
 * isolates' (those present now: an isolate that expired while the runtime was idle is counted
 * through the idle period, an approximation of wasted_memory_gb_s only). */
static inline double hf_cl_held_mib(const struct hf_cluster *c, const struct container *k)
{
    const struct hf_isolate_config *iso = &c->config.function.isolates;
    return iso->enabled ? iso->runtime_memory_mib + iso->isolate_memory_mib * k->isolates.count
                        : hf_cl_shape(c, k->function)->memory_mib;
}

static inline void hf_cl_close_idle(struct hf_cluster *c, const struct container *k)
{
    if (k->state == C_READY && k->in_flight == 0)
        c->idle_closed_mib_ns += hf_cl_held_mib(c, k) * (double)(hf_cl_now(c) - k->idle_since);
}

/* cluster_requests.c: how requests end, the gateway queue */
void hf_cl_account_allocation(struct hf_cluster *c);
void hf_cl_fail_request(struct hf_cluster *c, uint64_t id, uint32_t function, hf_time arrival,
                         enum hf_fail_reason reason);
void hf_cl_complete_request(struct hf_cluster *c, const struct slot *s, uint32_t function);
struct queued hf_cl_dequeue(struct function *f);
void hf_cl_rearm_timeout(struct hf_cluster *c, uint32_t fi);
/* cluster_execution.c: processor sharing in containers, fair sharing of VM cores */
void hf_cl_reschedule_finish(struct hf_cluster *c, uint32_t ci);
bool hf_cl_has_room(const struct hf_cluster *c, const struct container *k, uint32_t function);
void hf_cl_vm_share(struct hf_cluster *c, uint32_t vi);
void hf_cl_load_changed(struct hf_cluster *c, uint32_t ci);
void hf_cl_dispatch(struct hf_cluster *c, uint32_t ci, const struct queued *q, uint32_t function);
void hf_cl_drain_queue_into(struct hf_cluster *c, uint32_t ci);
uint64_t hf_cl_container_id(const struct hf_cluster *c, uint32_t ci);
struct container *hf_cl_container_by_id(struct hf_cluster *c, uint64_t id, uint32_t *index);
/* warm-first routing: remembers that container ci has room for its function again. */
void hf_cl_note_warm(struct hf_cluster *c, uint32_t ci);
void hf_cl_note_filled(struct hf_cluster *c, uint32_t ci); /* warm-first: a dispatch filled it */
/* Routes through the policy's on_request (when it has one); false when it kept the request queued. */
/* `preferred`: a container known to have room for the function (one that just freed a slot), used
 * when the policy leaves the choice to the gateway; UINT32_MAX when there is none. */
bool hf_cl_route_by_policy(struct hf_cluster *c, uint32_t function, const struct queued *q, bool from_queue,
                           uint32_t preferred);
void hf_cl_transits_fini(struct hf_cluster *c);
/* Fails every request still on its way to a container (run end). */
void hf_cl_fail_transits(struct hf_cluster *c, enum hf_fail_reason reason);
/* cluster_nodes.c: placement and container lifetime */
void hf_cl_place_unscheduled(struct hf_cluster *c);
void hf_cl_release(struct hf_cluster *c, uint32_t ci);
/* Stops a READY container of function fi: it goes now when idle, else when its requests finish. */
void hf_cl_stop_ready(struct hf_cluster *c, uint32_t fi, uint32_t ci);
/* Container ci (READY) is idle: tells a policy that listens. The policy may stop it: return after. */
void hf_cl_note_idle(struct hf_cluster *c, uint32_t ci);
uint32_t hf_cl_set_replicas(struct hf_cluster *c, uint32_t fi, uint32_t n);
/* cluster_metrics.c, cluster_autoscaler.c */
void hf_cl_schedule_first_scrape(struct hf_cluster *c);
void hf_cl_on_autoscale(struct hf_engine *engine, void *ctx, uint64_t arg);

/* image_transfer's `usable`: the VM holds enough of the function's image; its containers waiting
 * for it start (cluster_nodes.c). */
void hf_cl_image_usable(void *cluster, uint32_t vm, uint32_t function);

/* Hydra runtimes (cluster_isolates.c). fits: the runtime holds its memory, its isolates' (with the
 * one the request needs) and its requests' (with this one) within its limit. enter: the request's
 * isolate in container k, started (its start added to *work) or evicting if need be, and the
 * request's memory held; false when the run failed. leave: a request ended. release: the container
 * goes, with its isolates' memory. unswept: MiB-ns held by isolates past their keep-alive that no
 * dispatch has dropped yet (read-only accounting subtracts it). */
bool hf_cl_isolate_fits(struct hf_cluster *c, struct container *k, uint32_t isolate, double memory_mib);
bool hf_cl_enter_isolate(struct hf_cluster *c, struct container *k, uint32_t isolate, double memory_mib, hf_time *work);
void hf_cl_leave_isolate(struct hf_cluster *c, struct container *k, const struct slot *s);
void hf_cl_release_isolates(struct hf_cluster *c, struct container *k);
double hf_cl_unswept_isolate_mib_ns(const struct hf_cluster *c, const struct container *k, hf_time now);

#endif
