#include "traces/radix_sort.h"

#include <string.h>

#define DIGIT_BITS 11
#define BUCKETS (1u << DIGIT_BITS)

void hf_radix_sort_u64(uint64_t *keys, uint64_t *scratch, size_t count)
{
    if (count < 2)
        return;
    uint64_t all_or = 0, all_and = ~(uint64_t)0;
    for (size_t i = 0; i < count; i++) {
        all_or |= keys[i];
        all_and &= keys[i];
    }
    uint64_t varying = all_or ^ all_and; /* bits that differ somewhere */
    uint64_t *from = keys, *to = scratch;
    size_t counts[BUCKETS];
    for (unsigned shift = 0; shift < 64; shift += DIGIT_BITS) {
        if (((varying >> shift) & (BUCKETS - 1)) == 0)
            continue;
        memset(counts, 0, sizeof counts);
        for (size_t i = 0; i < count; i++)
            counts[(from[i] >> shift) & (BUCKETS - 1)]++;
        size_t sum = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            size_t c = counts[b];
            counts[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < count; i++)
            to[counts[(from[i] >> shift) & (BUCKETS - 1)]++] = from[i];
        uint64_t *swap = from;
        from = to;
        to = swap;
    }
    if (from != keys)
        memcpy(keys, from, count * sizeof *keys);
}
