#include "traces/radix_sort.h"

#include <string.h>

#define DIGIT_BITS 11
#define BUCKETS (1u << DIGIT_BITS)
#define INSERTION_MAX 32 /* ranges this small are sorted by insertion, in the L1 cache */

static void insertion_sort(uint64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t key = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > key; j--)
            a[j] = a[j - 1];
        a[j] = key;
    }
}

/* Most significant digit first: one scatter by the highest 11 bits that vary, then each bucket on
 * its own, recursively. The old least-significant-first sort scattered all of a minute's keys (a
 * megabyte, past the L2 cache) once per digit, six times; here each key is scattered about once,
 * and the buckets (~35 keys for a uniform minute) are sorted where they lie. Skewed keys (thousands
 * of functions whose one call lands on the same offset) simply recurse on the lower bits. */
static void sort_range(uint64_t *a, uint64_t *tmp, size_t n)
{
    if (n <= INSERTION_MAX) {
        insertion_sort(a, n);
        return;
    }
    uint64_t all_or = 0, all_and = ~(uint64_t)0;
    for (size_t i = 0; i < n; i++) {
        all_or |= a[i];
        all_and &= a[i];
    }
    uint64_t varying = all_or ^ all_and;
    if (varying == 0)
        return; /* all equal */
    unsigned top = 63u - (unsigned)__builtin_clzll(varying);
    unsigned bits = top + 1 < DIGIT_BITS ? top + 1 : DIGIT_BITS;
    unsigned shift = top + 1 - bits;
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    size_t start[BUCKETS + 1];
    memset(start, 0, ((size_t)mask + 2) * sizeof start[0]);
    for (size_t i = 0; i < n; i++)
        start[((a[i] >> shift) & mask) + 1]++;
    for (size_t b = 1; b <= mask + 1; b++)
        start[b] += start[b - 1];
    size_t next[BUCKETS];
    memcpy(next, start, ((size_t)mask + 1) * sizeof next[0]);
    for (size_t i = 0; i < n; i++)
        tmp[next[(a[i] >> shift) & mask]++] = a[i];
    memcpy(a, tmp, n * sizeof *a);
    if (shift == 0)
        return; /* the digit was the last bits: buckets hold equal keys */
    for (size_t b = 0; b <= mask; b++)
        if (start[b + 1] - start[b] > 1)
            sort_range(a + start[b], tmp + start[b], start[b + 1] - start[b]);
}

void hf_radix_sort_u64(uint64_t *keys, uint64_t *scratch, size_t count)
{
    if (count >= 2)
        sort_range(keys, scratch, count);
}
