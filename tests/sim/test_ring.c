/* The FIFO ring shared by every backend's queues: order kept across wrap-around and growth, checked
 * against a plain array over random push/pop sequences. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "sim/rng.h"
#include "sim/ring.h"

struct item {
    uint64_t id;
    double payload; /* items wider than a word: the copy must move whole items */
};

Test(ring, random_pushes_and_pops_keep_fifo_order_through_growth_and_wrap)
{
    gsl_rng *rng = hf_rng_stream(11, "test-ring");
    for (int round = 0; round < 50; round++) {
        struct hf_ring ring = {0};
        struct item *items = NULL;
        uint64_t next_in = 0, next_out = 0;
        uint32_t first_cap = 1 + (uint32_t)gsl_rng_uniform_int(rng, 8);
        for (int step = 0; step < 5000; step++) {
            bool push = ring.count == 0 || gsl_rng_uniform(rng) < 0.55;
            if (push) {
                cr_assert(hf_ring_reserve(&ring, (void **)&items, sizeof *items, first_cap));
                items[hf_ring_push(&ring)] = (struct item){next_in, (double)next_in * 0.5};
                next_in++;
            } else {
                struct item got = items[hf_ring_pop(&ring)];
                cr_assert_eq(got.id, next_out, "round %d step %d: got %llu, want %llu", round, step,
                             (unsigned long long)got.id, (unsigned long long)next_out);
                cr_assert_float_eq(got.payload, (double)next_out * 0.5, 0);
                next_out++;
            }
            cr_assert_eq(ring.count, next_in - next_out);
            cr_assert_leq(ring.count, ring.cap);
            for (uint32_t i = 0; i < ring.count; i++)
                cr_assert_eq(items[hf_ring_at(&ring, i)].id, next_out + i);
        }
        free(items);
    }
    gsl_rng_free(rng);
}
