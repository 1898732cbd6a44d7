/* Sorts 64-bit keys ascending (MSD radix on the bits that vary, 11 at a time; insertion sort for
 * ranges of up to 32 keys).
 * `scratch` must hold `count` keys. Linear time: the 2019 replay sorts each minute's arrivals. */
#ifndef HF_RADIX_SORT_H
#define HF_RADIX_SORT_H

#include <stddef.h>
#include <stdint.h>

void hf_radix_sort_u64(uint64_t *keys, uint64_t *scratch, size_t count);

#endif
