/* The platform: the only thing a policy sees.
 *
 * A policy reads time and state and acts through this handle; it never knows whether the backend is
 * the simulated cluster (models/) or real Docker engines (live/). It never blocks: what takes time
 * completes later through a callback (a timer fires policy->on_timer).
 *
 * This is the first form of the interface: replica control and timers, enough for the single-queue
 * model. Containers, placement, resizes and worker specialization join it with the cluster model;
 * docs/architecture.md records each change.
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
};

struct hf_platform_ops {
    hf_time (*now)(void *backend);
    /* Calls the policy's on_timer(arg) after `delay` ns; returns 0 when it cannot. */
    hf_timer (*timer_after)(void *backend, hf_time delay, uint64_t arg);
    bool (*timer_cancel)(void *backend, hf_timer timer);
    uint32_t (*function_count)(void *backend);
    /* Asks for n replicas of a function; the backend clamps to its capacity and returns what it set. */
    uint32_t (*set_replicas)(void *backend, uint32_t function, uint32_t n);
    void (*load)(void *backend, uint32_t function, struct hf_function_load *out);
};

struct hf_platform {
    const struct hf_platform_ops *ops;
    void *backend;
};

static inline hf_time hf_platform_now(const struct hf_platform *p) { return p->ops->now(p->backend); }

#endif
