/* A Hydra runtime's isolate table (models/cluster/isolates.c): warm hits, starts, eviction of the
 * isolate idle the longest, a full table, expiry with the time held past it; and invariants over
 * random operations. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>

#include "models/cluster/isolates.h"

Test(isolates, start_warm_evict_and_full)
{
    struct hf_isolate_table t;
    cr_assert(hf_isolates_init(&t, 2));
    cr_assert_eq(hf_isolates_begin(&t, 7), HF_ISOLATE_STARTED);
    cr_assert_eq(hf_isolates_begin(&t, 7), HF_ISOLATE_WARM, "a second request of the same function");
    cr_assert_eq(hf_isolates_begin(&t, 9), HF_ISOLATE_STARTED);
    cr_assert_eq(hf_isolates_begin(&t, 11), HF_ISOLATE_FULL, "both isolates busy");
    hf_isolates_end(&t, 7, 150);
    cr_assert_eq(hf_isolates_begin(&t, 11), HF_ISOLATE_FULL, "7 still runs a request");
    hf_isolates_end(&t, 9, 200);
    hf_isolates_end(&t, 7, 300);
    cr_assert_eq(hf_isolates_begin(&t, 11), HF_ISOLATE_EVICTED, "9, idle since 200, goes first");
    cr_assert_eq(hf_isolates_begin(&t, 9), HF_ISOLATE_EVICTED, "then 7");
    cr_assert_eq(hf_isolates_begin(&t, 7), HF_ISOLATE_FULL);
    cr_assert_eq(t.count, 2);
    hf_isolates_fini(&t);
}

Test(isolates, expiry_counts_the_time_held_past_the_keep_alive)
{
    struct hf_isolate_table t;
    cr_assert(hf_isolates_init(&t, 4));
    hf_isolates_begin(&t, 1);
    hf_isolates_begin(&t, 2);
    hf_isolates_begin(&t, 3);
    hf_isolates_end(&t, 1, 100);
    hf_isolates_end(&t, 2, 300);
    double past = 0;
    cr_assert_eq(hf_isolates_expire(&t, 1000, 800, &past), 1, "1 expired at 900; 2 expires at 1100; 3 is busy");
    cr_assert_float_eq(past, 100.0, 1e-9);
    cr_assert_eq(hf_isolates_begin(&t, 1), HF_ISOLATE_STARTED, "an expired isolate starts again");
    cr_assert_eq(hf_isolates_expire(&t, 1100, 800, &past), 1, "2 at exactly its keep-alive");
    cr_assert_float_eq(past, 100.0, 1e-9);
    cr_assert_eq(t.count, 2);
    hf_isolates_fini(&t);
}

/* Invariants over random begins, ends and expiries: at most `cap` isolates, no function twice, each
 * isolate's requests those begun and not ended, FULL only when every isolate is busy, and expiry
 * drops exactly the idle isolates past their keep-alive. */
Test(isolates, random_operations_keep_the_invariants)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (int round = 0; round < 200; round++) {
        gsl_rng_set(rng, (unsigned long)round + 1);
        uint32_t cap = 1 + (uint32_t)gsl_rng_uniform_int(rng, 6);
        struct hf_isolate_table t;
        cr_assert(hf_isolates_init(&t, cap));
        uint32_t running[16] = {0};
        hf_time now = 0, keep = 50;
        for (int step = 0; step < 300; step++) {
            now += (hf_time)gsl_rng_uniform_int(rng, 20);
            uint32_t id = (uint32_t)gsl_rng_uniform_int(rng, 16);
            double r = gsl_rng_uniform(rng);
            if (r < 0.45) {
                uint32_t busy = 0;
                for (uint32_t i = 0; i < t.count; i++)
                    busy += t.items[i].in_flight > 0;
                enum hf_isolate_use use = hf_isolates_begin(&t, id);
                if (use == HF_ISOLATE_FULL)
                    cr_assert(busy == cap && running[id] == 0, "round %d: FULL with an idle isolate", round);
                else
                    running[id]++;
            } else if (r < 0.9) {
                if (running[id] > 0) {
                    hf_isolates_end(&t, id, now);
                    running[id]--;
                }
            } else {
                uint32_t due = 0;
                for (uint32_t i = 0; i < t.count; i++)
                    due += t.items[i].in_flight == 0 && now - t.items[i].idle_since >= keep;
                double past = 0;
                cr_assert_eq(hf_isolates_expire(&t, now, keep, &past), due, "round %d", round);
                cr_assert_geq(past, 0);
            }
            cr_assert_leq(t.count, cap);
            for (uint32_t i = 0; i < t.count; i++) {
                cr_assert_eq(t.items[i].in_flight, running[t.items[i].id], "round %d: requests of %u", round,
                             t.items[i].id);
                for (uint32_t j = i + 1; j < t.count; j++)
                    cr_assert_neq(t.items[i].id, t.items[j].id, "round %d: a function twice", round);
            }
            for (uint32_t f = 0; f < 16; f++) {
                bool present = false;
                for (uint32_t i = 0; i < t.count; i++)
                    present = present || t.items[i].id == f;
                cr_assert(running[f] == 0 || present, "round %d: function %u runs without an isolate", round, f);
            }
        }
        hf_isolates_fini(&t);
    }
    gsl_rng_free(rng);
}

Test(isolates, memory_pressure_evicts_the_longest_idle_but_not_the_one_needed)
{
    struct hf_isolate_table t;
    cr_assert(hf_isolates_init(&t, 4));
    hf_isolates_begin(&t, 1);
    hf_isolates_begin(&t, 2);
    hf_isolates_begin(&t, 3);
    hf_isolates_end(&t, 2, 100);
    hf_isolates_end(&t, 1, 200);
    cr_assert(hf_isolates_evict_idle(&t, 2), "1 goes: 2 is idle longer but is the one needed");
    cr_assert(!hf_isolates_has(&t, 1));
    cr_assert(hf_isolates_has(&t, 2));
    cr_assert(!hf_isolates_evict_idle(&t, 2), "3 is busy, 2 is kept: nothing else to drop");
    cr_assert(hf_isolates_evict_idle(&t, 99));
    cr_assert_eq(t.count, 1);
    hf_isolates_fini(&t);
}
