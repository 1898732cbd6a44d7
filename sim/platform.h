/* The platform: the only thing a policy sees.
 *
 * A policy reads time and state and acts through this handle; it never knows whether the backend is
 * the simulated cluster (models/) or real Docker engines (live/). It never blocks: what takes time
 * completes later through a callback (a timer fires policy->on_timer).
 *
 * Second form (cluster model): pod views for autoscalers that reason per container (the HPA) and
 * the metrics-server resolution, which a policy preset may tune. Resizes and worker specialization
 * join with HyperFaaS; docs/architecture.md records each change. Optional ops may be NULL in a
 * backend that lacks the concept (the single-queue model has no pods).
 *
 * Ownership: the backend owns everything behind `backend`; a policy keeps no pointer into it other
 * than the platform handle it was given. */
#ifndef HF_PLATFORM_H
#define HF_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/time.h"

typedef uint64_t hf_timer;

/* Load of one function as the backend sees it now. */
struct hf_function_load {
    uint32_t replicas;  /* replicas the policy asked for */
    uint32_t ready;     /* replicas that can take requests */
    uint32_t in_flight; /* requests being served */
    uint32_t queued;    /* requests waiting at the gateway */
    uint64_t arrived, completed; /* cumulative counts since the start (counters, as Prometheus sees) */
};

/* One container (pod) of a function, as the Kubernetes API and metrics API would show it. */
struct hf_pod_view {
    bool scheduled;       /* bound to a VM: StartTime is set (unscheduled pods are Pending) */
    uint32_t node;        /* the VM it is bound to (when scheduled) */
    bool running;         /* containers started (Running phase); false while pulling (Pending) */
    bool ready;           /* Ready condition True */
    bool deleting;        /* being stopped (DeletionTimestamp set) */
    hf_time start_time;   /* when it was scheduled */
    hf_time ready_change; /* last transition of the Ready condition */
    double cpu_request_milli;
    bool has_metric;      /* the metrics-server has a usage sample for it */
    double cpu_usage_milli;
    hf_time metric_time;  /* end of the sample's window */
    hf_time metric_window;
};

/* One container as its in-container scheduler sees it: live local state, no metrics lag. */
struct hf_container_view {
    uint64_t id;           /* stable while the container lives; stale ids are refused by ops */
    uint32_t function;
    uint32_t node;
    bool ready;
    bool resizing;         /* a resize is in flight */
    double cpu_limit;      /* cores */
    double cpu_demand;     /* cores its requests could use now: min(limit, in_flight) */
    uint32_t in_flight, concurrency;
    double memory_used_mib, memory_limit_mib;
    double node_cores_free; /* cores its VM has unreserved: the room for a vertical scale-up */
    uint32_t shared_function;  /* what its second worker serves; HF_GENERIC while generic */
    bool specializing;         /* the second worker is loading a function */
    uint32_t shared_in_flight; /* requests on the second worker (counted in in_flight too) */
    hf_time ready_at;   /* when it became ready; HF_TIME_NEVER while not ready */
    hf_time idle_since; /* since when a ready container has had nothing in flight (its last request's
                         * end, or ready_at); HF_TIME_NEVER while it serves or is not ready */
};

/* The second worker's function when it is generic. */
#define HF_GENERIC UINT32_MAX

/* A request as the global scheduler sees it when it routes. */
struct hf_request_view {
    uint64_t id;
    uint32_t function;
    uint32_t memory_mb;
    hf_time arrival;
    bool from_queue; /* it waited in the gateway queue and room has appeared */
    /* The function's queue is not empty: the request waits behind it whatever the route says
     * (first come, first served), and the backend ignores the route. The call lets the policy react
     * to the arrival at once (keepalive starts a container at this instant, as a platform does). */
    bool joins_queue;
};

/* A routing decision (policy on_request). */
#define HF_ROUTE_QUEUE UINT64_MAX /* keep it in the gateway queue (buffer) */
#define HF_ROUTE_DEFAULT (UINT64_MAX - 1) /* let the backend's gateway routing decide */
struct hf_route {
    uint64_t container; /* a container id, or HF_ROUTE_QUEUE / HF_ROUTE_DEFAULT */
    hf_time delay;      /* time before it reaches the container (bounce round trips) */
    uint32_t bounces;   /* times in-container schedulers sent it back on the way (counted) */
};

/* Features: what a backend provides beyond the required ops (now, timers, function_count,
 * set_replicas, load). A policy lists the ones it needs (hf_policy_type.needs); the runner refuses
 * a policy on a backend that lacks one, before the run, instead of letting every request fail. */
enum hf_platform_feature {
    HF_PF_PODS = 1u << 0,              /* ops.pods: per-pod views (phase, readiness, metrics) */
    HF_PF_METRIC_RESOLUTION = 1u << 1, /* ops.set_metric_resolution */
    HF_PF_CONTAINERS = 1u << 2,        /* ops.containers and ops.container */
    HF_PF_RESIZE = 1u << 3,            /* ops.resize */
    HF_PF_SPECIALIZE = 1u << 4,        /* ops.specialize */
    HF_PF_RETRY_QUEUED = 1u << 5,      /* ops.retry_queued */
    HF_PF_ROUTING = 1u << 6,           /* the backend asks the policy's on_request for every arrival */
    HF_PF_STOP = 1u << 7,              /* ops.stop, and on_container_idle is called */
    HF_PF_COUNT = 8
};

struct hf_platform_ops {
    /* Features with no op of their own (HF_PF_ROUTING); the rest follow from which ops are set. */
    unsigned features;
    hf_time (*now)(void *backend);
    /* Calls the policy's on_timer(arg) after `delay` ns; returns 0 when it cannot. */
    hf_timer (*timer_after)(void *backend, hf_time delay, uint64_t arg);
    bool (*timer_cancel)(void *backend, hf_timer timer);
    uint32_t (*function_count)(void *backend);
    /* Asks for n replicas of a function; the backend clamps to its capacity and returns what it set. */
    uint32_t (*set_replicas)(void *backend, uint32_t function, uint32_t n);
    void (*load)(void *backend, uint32_t function, struct hf_function_load *out);
    /* Optional. Writes up to `cap` pod views of a function; returns how many it has in all. */
    uint32_t (*pods)(void *backend, uint32_t function, struct hf_pod_view *out, uint32_t cap);
    /* Optional. Sets the metrics-server's scrape interval (the next scrape moves accordingly). */
    void (*set_metric_resolution)(void *backend, hf_time resolution);
    /* Optional. Writes up to `cap` container views of a function; returns how many it has. */
    uint32_t (*containers)(void *backend, uint32_t function, struct hf_container_view *out, uint32_t cap);
    /* Optional. Starts changing a container's CPU limit (cores); the policy's on_resized fires when it
     * applies. Refused (false) for a stale id, a container not on a VM or stopping, a resize already
     * in flight, or headroom above the function's limit its VM cannot reserve. */
    bool (*resize)(void *backend, uint64_t container, double cpu_limit);
    /* Optional. One container's view by id; false when the id is stale. */
    bool (*container)(void *backend, uint64_t container, struct hf_container_view *out);
    /* Optional. Specializes the container's generic second worker for `function` (on_specialized
     * fires after the switch cost), or with HF_GENERIC returns it to generic (at once, only when it
     * has nothing in flight). False when refused: stale id, not ready, worker busy or switching, or
     * the function is the container's own. */
    bool (*specialize)(void *backend, uint64_t container, uint32_t function);
    /* Optional. Offers a function's queued requests to the policy's on_request again (from_queue),
     * head first, until it keeps one queued: for a scheduler whose knowledge just got fresher. */
    void (*retry_queued)(void *backend, uint32_t function);
    /* Optional. Stops one container chosen by the policy (per-container keep-alive): its replica
     * count drops by one and it goes at once. Refused (false) for a stale id, a container that is not
     * ready, or one with requests in flight. A backend with this op calls the policy's
     * on_container_idle whenever a ready container is left with nothing to do. */
    bool (*stop)(void *backend, uint64_t container);
};

struct hf_platform {
    const struct hf_platform_ops *ops;
    void *backend;
};

/* Every feature the ops table provides. */
static inline unsigned hf_platform_features(const struct hf_platform_ops *ops)
{
    return ops->features | (ops->pods ? HF_PF_PODS : 0u) |
           (ops->set_metric_resolution ? HF_PF_METRIC_RESOLUTION : 0u) |
           (ops->containers && ops->container ? HF_PF_CONTAINERS : 0u) | (ops->resize ? HF_PF_RESIZE : 0u) |
           (ops->specialize ? HF_PF_SPECIALIZE : 0u) | (ops->retry_queued ? HF_PF_RETRY_QUEUED : 0u) |
           (ops->stop ? HF_PF_STOP : 0u);
}

/* "pods", "containers", ... for one HF_PF_* bit; "?" for anything else. */
const char *hf_platform_feature_name(unsigned feature);

/* The ops as calls on the handle. Units and refusals are those of the ops above. Optional ops may
 * be called only on a backend that provides their feature: the runner refuses a policy whose
 * `needs` the backend lacks, so a policy calls what it declared and checks anything else with
 * hf_platform_has.
 *
 * Timers: hf_platform_timer_after returns 0 when the backend cannot schedule (out of memory, or a
 * negative delay, which is a bug). The backend then fails the run by itself (the engine records it,
 * the run loop ends with exit 1 naming it), so a policy's callbacks need not unwind; a policy's
 * init checks the handle and fails. */
static inline hf_time hf_platform_now(const struct hf_platform *p) { return p->ops->now(p->backend); }
static inline bool hf_platform_has(const struct hf_platform *p, unsigned feature)
{
    return (hf_platform_features(p->ops) & feature) == feature;
}
static inline hf_timer hf_platform_timer_after(struct hf_platform *p, hf_time delay, uint64_t arg)
{
    return p->ops->timer_after(p->backend, delay, arg);
}
static inline bool hf_platform_timer_cancel(struct hf_platform *p, hf_timer t) { return p->ops->timer_cancel(p->backend, t); }
static inline uint32_t hf_platform_function_count(struct hf_platform *p) { return p->ops->function_count(p->backend); }
static inline uint32_t hf_platform_set_replicas(struct hf_platform *p, uint32_t function, uint32_t n)
{
    return p->ops->set_replicas(p->backend, function, n);
}
static inline void hf_platform_load(struct hf_platform *p, uint32_t function, struct hf_function_load *out)
{
    p->ops->load(p->backend, function, out);
}
static inline uint32_t hf_platform_pods(struct hf_platform *p, uint32_t function, struct hf_pod_view *out, uint32_t cap)
{
    return p->ops->pods(p->backend, function, out, cap);
}
static inline void hf_platform_set_metric_resolution(struct hf_platform *p, hf_time resolution)
{
    p->ops->set_metric_resolution(p->backend, resolution);
}
static inline uint32_t hf_platform_containers(struct hf_platform *p, uint32_t function, struct hf_container_view *out,
                                              uint32_t cap)
{
    return p->ops->containers(p->backend, function, out, cap);
}
static inline bool hf_platform_resize(struct hf_platform *p, uint64_t container, double cpu_limit)
{
    return p->ops->resize(p->backend, container, cpu_limit);
}
static inline bool hf_platform_container(struct hf_platform *p, uint64_t container, struct hf_container_view *out)
{
    return p->ops->container(p->backend, container, out);
}
static inline bool hf_platform_specialize(struct hf_platform *p, uint64_t container, uint32_t function)
{
    return p->ops->specialize(p->backend, container, function);
}
static inline void hf_platform_retry_queued(struct hf_platform *p, uint32_t function)
{
    p->ops->retry_queued(p->backend, function);
}
static inline bool hf_platform_stop(struct hf_platform *p, uint64_t container)
{
    return p->ops->stop(p->backend, container);
}

#endif
