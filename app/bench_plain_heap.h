/* The yardstick of `hfsim bench`'s event-queue figures: a plain 4-ary min-heap of 16-byte entries
 * (double time, 32-bit id), the textbook structure a user would write in an afternoon, run under
 * the same hold model and increments as hfsim's queue (app/bench.h) in the same process. It orders
 * equal times arbitrarily, cannot cancel and carries no callback: what holding events costs at the
 * least. hfsim's queue, which does all three, is printed as a ratio of it. */
#ifndef HF_BENCH_PLAIN_HEAP_H
#define HF_BENCH_PLAIN_HEAP_H

#include <stdbool.h>
#include <stdint.h>

#include "app/bench.h"

/* `increments` (count a power of two) are the time steps of the holds, as hf_bench_hold draws them. */
bool hf_bench_plain_hold(uint64_t pending, uint64_t holds, const int64_t *increments, uint64_t increment_count,
                         struct hf_bench_hold *out);

#endif
