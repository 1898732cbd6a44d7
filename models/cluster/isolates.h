/* The isolates of one Hydra runtime (Ivanenko et al., arXiv 2212.10131): a container whose runtime
 * process hosts many functions, each in an isolate created in milliseconds inside the warm runtime
 * and costing a few MiB, where a container per function costs a cold start and its own runtime.
 *
 * A table per container of the functions it holds an isolate for, with the requests each is running
 * and since when it has been idle. At most `cap` isolates: a new one evicts the isolate idle the
 * longest; isolates idle longer than their keep-alive are dropped when the table is next looked at
 * (the caller accounts their memory back to when they expired).
 *
 * Units: ns. Ownership: the table owns its array. Errors: init returns false when out of memory. */
#ifndef HF_ISOLATES_H
#define HF_ISOLATES_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/time.h"

struct hf_isolate {
    uint32_t id;        /* the function it runs */
    uint32_t in_flight; /* its requests running now */
    hf_time idle_since; /* when in_flight last fell to 0 (HF_TIME_NEVER while busy) */
};

struct hf_isolate_table {
    struct hf_isolate *items;
    uint32_t count, cap;
};

enum hf_isolate_use {
    HF_ISOLATE_WARM,    /* it was there */
    HF_ISOLATE_STARTED, /* made now (an isolate cold start) */
    HF_ISOLATE_EVICTED, /* made now, after evicting the isolate idle the longest */
    HF_ISOLATE_FULL,    /* every isolate is busy: none can be made */
};

bool hf_isolates_init(struct hf_isolate_table *t, uint32_t cap);
void hf_isolates_fini(struct hf_isolate_table *t);
void hf_isolates_clear(struct hf_isolate_table *t);

/* Whether function `id` has an isolate here. */
bool hf_isolates_has(const struct hf_isolate_table *t, uint32_t id);
/* A request of function `id` starts: finds or makes its isolate and counts the request on it. */
enum hf_isolate_use hf_isolates_begin(struct hf_isolate_table *t, uint32_t id);
/* Isolates that memory pressure cannot drop: the busy ones and `keep`'s. */
uint32_t hf_isolates_pinned(const struct hf_isolate_table *t, uint32_t keep);
/* Drops the isolate idle the longest other than `keep`'s (memory pressure); false when none is idle. */
bool hf_isolates_evict_idle(struct hf_isolate_table *t, uint32_t keep);
/* A request of function `id` ended at `now`. */
void hf_isolates_end(struct hf_isolate_table *t, uint32_t id, hf_time now);
/* Drops isolates idle for at least `keep` by `now`; returns how many, and adds to *expired_ns the
 * time each has been held since it expired (idle_since + keep to now), for the memory integral. */
uint32_t hf_isolates_expire(struct hf_isolate_table *t, hf_time now, hf_time keep, double *expired_ns);

#endif
