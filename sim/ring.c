#include "sim/ring.h"

#include <stdlib.h>
#include <string.h>

bool hf_ring_reserve(struct hf_ring *r, void **items, size_t item_size, uint32_t first_cap)
{
    if (r->count < r->cap)
        return true;
    if (r->cap > (UINT32_C(1) << 30))
        return false;
    uint32_t cap = r->cap ? 2 * r->cap : first_cap;
    char *grown = malloc((size_t)cap * item_size);
    if (!grown)
        return false;
    const char *old = *items;
    /* The items from the head to the array's end, then those that wrapped to its start. */
    uint32_t first_part = r->cap - r->head < r->count ? r->cap - r->head : r->count;
    if (r->count) {
        memcpy(grown, old + (size_t)r->head * item_size, (size_t)first_part * item_size);
        memcpy(grown + (size_t)first_part * item_size, old, (size_t)(r->count - first_part) * item_size);
    }
    free(*items);
    *items = grown;
    r->cap = cap;
    r->head = 0;
    return true;
}
