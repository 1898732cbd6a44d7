/* The bookkeeping of a growable FIFO ring buffer, written once for every backend's queues (the
 * station's, the cluster's gateway queue per function, live's): the items array stays the
 * caller's and typed (`items[hf_ring_push(&ring)] = x`), only head, count and capacity live here.
 *
 * Units: items. Ownership: the caller owns the items array (free it). Errors: hf_ring_reserve
 * returns false when out of memory (or past 2^31 items) and changes nothing. */
#ifndef HF_RING_H
#define HF_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hf_ring {
    uint32_t head, count, cap;
};

/* Room for one more item: a full ring is copied, in order and from index 0, into a new array of
 * twice the capacity (`first_cap` when empty); *items is replaced (the old array freed). */
bool hf_ring_reserve(struct hf_ring *r, void **items, size_t item_size, uint32_t first_cap);

/* Index of the i-th item from the head (i < count). */
static inline uint32_t hf_ring_at(const struct hf_ring *r, uint32_t i) { return (r->head + i) % r->cap; }
/* Appends one at the tail (after hf_ring_reserve); returns its index. */
static inline uint32_t hf_ring_push(struct hf_ring *r) { return (r->head + r->count++) % r->cap; }
/* Removes the head (count > 0); returns its index, valid until the next push. */
static inline uint32_t hf_ring_pop(struct hf_ring *r)
{
    uint32_t at = r->head;
    r->head = (r->head + 1) % r->cap;
    r->count--;
    return at;
}

#endif
