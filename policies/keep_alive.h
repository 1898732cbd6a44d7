/* What the keep-alive policies share: containers on demand. A request that finds no room starts a
 * container at once (the classic FaaS cold start, no autoscaler in the loop); how long containers
 * stay warm afterwards is the policy's business. Private to policies/keep_alive_*.c. */
#ifndef HF_KEEP_ALIVE_H
#define HF_KEEP_ALIVE_H

#include <stdint.h>

#include "sim/policy.h"

/* The first member of both policies' state. */
struct hf_keep_alive_common {
    uint32_t concurrency; /* requests per container, learned from the first container seen; 0 = not yet */
};

/* Containers a function needs now for its requests in flight and waiting (plus `extra` arriving). */
uint32_t hf_keep_alive_need(struct hf_keep_alive_common *common, struct hf_platform *platform,
                            uint32_t function, uint32_t extra);

/* Starts containers when the function needs more than it has (called every tick, for needs that
 * grow without an arrival, e.g. a container lost). */
void hf_keep_alive_scale_up(struct hf_keep_alive_common *common, struct hf_platform *platform, uint32_t function);

/* The on_request hook of both policies (state starts with struct hf_keep_alive_common): start a
 * container when the request finds no room, then let the backend route it. */
struct hf_route hf_keep_alive_on_request(void *state, struct hf_platform *platform,
                                         const struct hf_request_view *request);

/* A per-function expiry timer: armed for the earliest deadline among the function's idle containers. */
struct hf_keep_alive_timer {
    hf_timer timer;
    hf_time due; /* HF_TIME_NEVER: none pending (initialize to it) */
};

/* Makes sure the timer fires (with `arg`) by `due`: re-armed when earlier than the pending one. */
void hf_keep_alive_arm(struct hf_keep_alive_timer *t, struct hf_platform *platform, hf_time due, uint64_t arg);

/* Scratch for container views, grown as needed (free `views` at the end). */
struct hf_keep_alive_views {
    struct hf_container_view *views;
    uint32_t cap;
};

/* When an idle container's keep-alive ends (HF_TIME_NEVER for a busy one). */
typedef hf_time (*hf_keep_alive_deadline)(const void *ctx, const struct hf_container_view *v);

/* Called when the timer fires (it is no longer pending): stops function f's containers whose
 * deadline has passed and re-arms the timer for the earliest one left (in one second when out of
 * memory, rather than lose it). */
void hf_keep_alive_expire(struct hf_keep_alive_timer *t, struct hf_keep_alive_views *scratch,
                          struct hf_platform *platform, uint32_t f, uint64_t arg, hf_keep_alive_deadline deadline,
                          const void *ctx);

#endif
