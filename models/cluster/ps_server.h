/* A processor-sharing server in virtual time: the CPU of one container.
 *
 * n requests in service share `cores`; each request can use at most one core, so each progresses at
 * rate r = min(1, cores / n) core-ns per ns. Instead of updating every request when n or `cores`
 * changes, the server keeps a virtual clock V that advances at r: a request arriving at V0 with work
 * w (core-ns) finishes when V reaches V0 + w. Requests sit in a min-heap by that finish tag, so a rate
 * change costs O(1) and re-schedules one event (the earliest finish), not one per request.
 * V restarts at 0 whenever the server empties, which keeps it small and its doubles exact enough.
 * Without contention (cluster.cpu_model "none") r = 1 whatever n and `cores`: each request takes its
 * work as its duration, and the CPU counter may exceed the limit (it counts what requests used).
 *
 * Units: time and work in ns / core-ns (double for the virtual clock), cores as a double.
 * Ownership: the server owns its heap, sized for `capacity` concurrent requests (or borrows the
 * caller's, hf_ps_init_in).
 * Errors: init fails only when out of memory; add fails (false) when `capacity` requests are in. */
#ifndef HF_PS_SERVER_H
#define HF_PS_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/time.h"

struct hf_ps_entry {
    double finish_v; /* virtual finish tag */
    uint32_t slot;   /* the caller's request slot */
};

struct hf_ps_server {
    double cores;
    bool contention;   /* false: every request progresses at 1 core-ns per ns whatever n and cores */
    double vtime;      /* virtual clock, core-ns of per-request service since the server last emptied */
    hf_time updated;   /* real time vtime refers to */
    double busy_core_ns; /* CPU consumed since creation (what a metrics counter reads) */
    struct hf_ps_entry *heap;
    uint32_t count, capacity;
    bool owns_heap; /* false: the caller's storage (hf_ps_init_in) */
};

bool hf_ps_init(struct hf_ps_server *s, double cores, uint32_t capacity);
/* As hf_ps_init, on the caller's storage for `capacity` entries (borrowed; fini leaves it): a
 * container keeps its heap in one block with its request slots, read together on every dispatch
 * and completion. Cannot fail. */
void hf_ps_init_in(struct hf_ps_server *s, double cores, uint32_t capacity, struct hf_ps_entry *storage);
void hf_ps_fini(struct hf_ps_server *s);

/* Brings the virtual clock and the CPU counter up to `now`. */
void hf_ps_advance(struct hf_ps_server *s, hf_time now);

/* The CPU counter as it would read at `now` (>= the last advance), without advancing the server:
 * for observers, whose reads must not change the rounding of the virtual clock. */
double hf_ps_busy_at(const struct hf_ps_server *s, hf_time now);

/* Starts serving `work` core-ns for `slot` at `now`. */
bool hf_ps_add(struct hf_ps_server *s, hf_time now, double work, uint32_t slot);

/* Changes the CPU capacity at `now` (vertical scaling, a share of a contended VM). */
void hf_ps_set_cores(struct hf_ps_server *s, hf_time now, double cores);

/* Real time the earliest request finishes at the current rate (now when it is done already, even at
 * rate 0); HF_TIME_NEVER when empty or stopped. Rounded up
 * to whole ns so that at that time the request is done. */
hf_time hf_ps_next_finish(const struct hf_ps_server *s);

/* After hf_ps_advance(now): removes one request that is done by now, storing its slot; false when
 * none is done. Call until false. */
bool hf_ps_pop_done(struct hf_ps_server *s, uint32_t *slot);

#endif
