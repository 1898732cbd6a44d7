/* The default event queue: a 4-ary heap. Four children share a cache line or two, which halves the
 * tree height of a binary heap at the cost of three extra compares per level: a win for pop-heavy
 * simulation workloads (see `hfsim bench`). */
#include "sim/event_queue_impl.h"

#define DARY_ARITY 4
#define DARY_PREFIX heap4_
#include "sim/dary_heap.inc"

const struct hf_event_queue_ops hf_heap4_ops = {
    .name = "heap4",
    .push = heap4_push,
    .pop_min = heap4_pop_min,
    .peek = heap4_peek,
    .cancel = heap4_cancel,
    .size = heap4_size,
    .destroy = heap4_destroy,
};

void *hf_heap4_create(size_t capacity_hint) { return heap4_create(capacity_hint); }
void hf_heap4_set_seq_limit(void *impl, uint64_t limit) { heap4_set_seq_limit(impl, limit); }
