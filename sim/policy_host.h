/* What every backend does to host a policy, written once: it keeps the policy and its state,
 * schedules the policy's timers on the engine (each fires on_timer with the backend's platform),
 * and delivers the optional callbacks (a policy without one is not called). The station, the
 * cluster and live embed one; before, each had its own copy of this glue.
 *
 * Units: time in ns (hf_time). Ownership: borrows the engine, the platform and the policy state.
 * Errors: timers as hf_engine_at (HF_EVENT_NONE when the engine cannot schedule; the engine then
 * fails the run, see sim/engine.h). */
#ifndef HF_POLICY_HOST_H
#define HF_POLICY_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/engine.h"
#include "sim/platform.h"
#include "sim/policy.h"

struct hf_policy_host {
    struct hf_engine *engine;
    struct hf_platform *platform; /* what the policy is handed in every call */
    const struct hf_policy_type *policy; /* NULL until attached */
    void *state;
};

void hf_policy_host_init(struct hf_policy_host *h, struct hf_engine *engine, struct hf_platform *platform);
void hf_policy_host_attach(struct hf_policy_host *h, const struct hf_policy_type *policy, void *state);

/* A policy timer at absolute time `at` (>= the engine's now) / after `delay` from the engine's now. */
hf_timer hf_policy_host_timer_at(struct hf_policy_host *h, hf_time at, uint64_t arg);
hf_timer hf_policy_host_timer_after(struct hf_policy_host *h, hf_time delay, uint64_t arg);
bool hf_policy_host_timer_cancel(struct hf_policy_host *h, hf_timer timer);

/* True when the policy routes requests itself (on_request): then the backend must ask it. */
static inline bool hf_policy_host_routes(const struct hf_policy_host *h)
{
    return h->policy && h->policy->on_request;
}
/* Only when hf_policy_host_routes. */
static inline struct hf_route hf_policy_host_route(struct hf_policy_host *h, const struct hf_request_view *request)
{
    return h->policy->on_request(h->state, h->platform, request);
}

/* True when the policy listens for idle containers: a backend skips the bookkeeping otherwise. */
static inline bool hf_policy_host_wants_idle(const struct hf_policy_host *h)
{
    return h->policy && h->policy->on_container_idle;
}
/* Only when hf_policy_host_wants_idle. The policy may stop the container: the caller must not
 * touch it afterwards. */
static inline void hf_policy_host_container_idle(struct hf_policy_host *h, uint64_t container, uint32_t function)
{
    h->policy->on_container_idle(h->state, h->platform, container, function);
}
void hf_policy_host_container_ready(struct hf_policy_host *h, uint64_t container, uint32_t function);
void hf_policy_host_specialized(struct hf_policy_host *h, uint64_t container, uint32_t function);
void hf_policy_host_resized(struct hf_policy_host *h, uint64_t container);

#endif
