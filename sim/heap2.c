/* A binary heap: the textbook baseline that `hfsim bench` measures the default queue against. */
#include "sim/event_queue_impl.h"

#define DARY_ARITY 2
#define DARY_PREFIX heap2_
#include "sim/dary_heap.inc"

const struct hf_event_queue_ops hf_heap2_ops = {
    .name = "heap2",
    .push = heap2_push,
    .pop_min = heap2_pop_min,
    .peek = heap2_peek,
    .cancel = heap2_cancel,
    .size = heap2_size,
    .destroy = heap2_destroy,
};

void *hf_heap2_create(size_t capacity_hint) { return heap2_create(capacity_hint); }
void hf_heap2_set_seq_limit(void *impl, uint64_t limit) { heap2_set_seq_limit(impl, limit); }
