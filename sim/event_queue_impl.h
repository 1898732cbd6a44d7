/* Private: the registered event-queue implementations (see event_queue.c). */
#ifndef HF_EVENT_QUEUE_IMPL_H
#define HF_EVENT_QUEUE_IMPL_H

#include "sim/event_queue.h"

extern const struct hf_event_queue_ops hf_heap4_ops;
extern const struct hf_event_queue_ops hf_heap2_ops;
void *hf_heap4_create(size_t capacity_hint);
void *hf_heap2_create(size_t capacity_hint);
/* Tests only: renumber the sequence after `limit` pushes instead of 2^32 (the queue's impl). */
void hf_heap4_set_seq_limit(void *impl, uint64_t limit);
void hf_heap2_set_seq_limit(void *impl, uint64_t limit);

#endif
