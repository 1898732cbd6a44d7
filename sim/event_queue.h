/* The pending-event set, behind a small ops table so implementations can be swapped and compared.
 *
 * An event is (time, callback, ctx, arg). Events with equal time leave in the order they were pushed
 * (a 64-bit sequence number breaks ties), so the order is total and a run is reproducible.
 * Events live in a pool owned by the queue: after warm-up, push and pop allocate nothing.
 *
 * Handles name a pushed event until it fires or is cancelled; a stale handle (the event already fired,
 * or its slot was reused) is detected by a generation count and cancel() returns false for it.
 *
 * Ownership: the queue owns its storage; `ctx` pointers are borrowed, never freed by the queue.
 * Errors: push returns HF_EVENT_NONE only when memory runs out. */
#ifndef HF_EVENT_QUEUE_H
#define HF_EVENT_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

struct hf_engine;
typedef void (*hf_event_fn)(struct hf_engine *engine, void *ctx, uint64_t arg);

typedef uint64_t hf_event_handle;
#define HF_EVENT_NONE ((hf_event_handle)0)

struct hf_event {
    hf_time time;
    hf_event_fn fn;
    void *ctx;
    uint64_t arg;
};

struct hf_event_queue_ops {
    const char *name;
    hf_event_handle (*push)(void *impl, const struct hf_event *ev);
    bool (*pop_min)(void *impl, struct hf_event *out); /* false when empty */
    bool (*peek)(void *impl, hf_time *time); /* false when empty; may drop cancelled keys */
    bool (*cancel)(void *impl, hf_event_handle handle); /* false when stale */
    size_t (*size)(const void *impl);
    void (*destroy)(void *impl);
};

struct hf_event_queue {
    const struct hf_event_queue_ops *ops;
    void *impl;
};

/* Creates a queue by implementation name ("heap4", the default, or "heap2", the binary-heap
 * baseline). Returns false for an unknown name or when out of memory. */
bool hf_event_queue_create(struct hf_event_queue *q, const char *kind, size_t capacity_hint);
void hf_event_queue_destroy(struct hf_event_queue *q);

/* Names of the implementations, NULL-terminated (for help texts and benchmarks). */
extern const char *const hf_event_queue_kinds[];

static inline hf_event_handle hf_eq_push(struct hf_event_queue *q, const struct hf_event *ev)
{
    return q->ops->push(q->impl, ev);
}
static inline bool hf_eq_pop_min(struct hf_event_queue *q, struct hf_event *out)
{
    return q->ops->pop_min(q->impl, out);
}
static inline bool hf_eq_peek(struct hf_event_queue *q, hf_time *time)
{
    return q->ops->peek(q->impl, time);
}
static inline bool hf_eq_cancel(struct hf_event_queue *q, hf_event_handle h)
{
    return q->ops->cancel(q->impl, h);
}
static inline size_t hf_eq_size(const struct hf_event_queue *q) { return q->ops->size(q->impl); }

#endif
