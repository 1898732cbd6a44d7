/* Sorts 64-bit keys ascending (LSD radix, 11-bit digits; digits every key shares are skipped).
 * `scratch` must hold `count` keys. Linear time: the 2019 replay sorts each minute's arrivals. */
#ifndef HF_RADIX_SORT_H
#define HF_RADIX_SORT_H

#include <stddef.h>
#include <stdint.h>

void hf_radix_sort_u64(uint64_t *keys, uint64_t *scratch, size_t count);

#endif
