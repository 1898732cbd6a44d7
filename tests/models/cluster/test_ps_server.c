/* The processor-sharing server in virtual time, against hand-computed schedules. */
#include <criterion/criterion.h>

#include "models/cluster/ps_server.h"

#define MS 1000000LL

static void expect_done(struct hf_ps_server *s, hf_time at, uint32_t slot)
{
    cr_assert_eq(hf_ps_next_finish(s), at, "next finish %lld, expected %lld",
                 (long long)hf_ps_next_finish(s), (long long)at);
    hf_ps_advance(s, at);
    uint32_t got;
    cr_assert(hf_ps_pop_done(s, &got));
    cr_assert_eq(got, slot);
}

Test(ps_server, two_requests_share_one_core)
{
    struct hf_ps_server s;
    cr_assert(hf_ps_init(&s, 1.0, 4));
    /* A: 100 ms of work at 0; B: 100 ms at 50 ms. From 50 ms both run at half speed: A has 50 ms
     * left -> done at 150 ms; then B alone with 50 ms left -> 200 ms. */
    hf_ps_add(&s, 0, 100.0 * MS, 1);
    hf_ps_add(&s, 50 * MS, 100.0 * MS, 2);
    expect_done(&s, 150 * MS, 1);
    expect_done(&s, 200 * MS, 2);
    cr_assert_eq(hf_ps_next_finish(&s), HF_TIME_NEVER);
    cr_assert_float_eq(s.busy_core_ns, 200.0 * MS, 1.0, "CPU used = work done");
    hf_ps_fini(&s);
}

Test(ps_server, a_request_uses_at_most_one_core)
{
    struct hf_ps_server s;
    cr_assert(hf_ps_init(&s, 4.0, 8));
    /* Two requests on 4 cores each run at full speed: no sharing below one core each. */
    hf_ps_add(&s, 0, 100.0 * MS, 1);
    hf_ps_add(&s, 0, 300.0 * MS, 2);
    expect_done(&s, 100 * MS, 1);
    expect_done(&s, 300 * MS, 2);
    hf_ps_fini(&s);
}

Test(ps_server, capacity_change_reschedules)
{
    struct hf_ps_server s;
    cr_assert(hf_ps_init(&s, 1.0, 2));
    hf_ps_add(&s, 0, 100.0 * MS, 7);
    hf_ps_add(&s, 0, 100.0 * MS, 8);
    /* Half speed each until 100 ms (50 ms done), then 2 cores: the remaining 50 ms take 50 ms. */
    hf_ps_set_cores(&s, 100 * MS, 2.0);
    cr_assert_eq(hf_ps_next_finish(&s), 150 * MS);
    hf_ps_advance(&s, 150 * MS);
    uint32_t a, b;
    cr_assert(hf_ps_pop_done(&s, &a));
    cr_assert(hf_ps_pop_done(&s, &b));
    cr_assert_eq(a + b, 15u);
    cr_assert_not(hf_ps_pop_done(&s, &a));
    cr_assert_not(hf_ps_add(&s, 150 * MS, 1.0, 1) && hf_ps_add(&s, 150 * MS, 1.0, 2) &&
                  hf_ps_add(&s, 150 * MS, 1.0, 3), "capacity 2 refuses a third request");
    hf_ps_fini(&s);
}

/* cluster.cpu_model "none": each request runs its own work as its duration, whatever the load. */
Test(ps_server, without_contention_every_request_takes_its_own_work)
{
    struct hf_ps_server s;
    cr_assert(hf_ps_init(&s, 1.0, 8));
    s.contention = false;
    /* Four requests of 100, 200, 300, 400 ms at 0 on one core: they end at their own work, where
     * processor sharing would end the first at 400 ms. */
    for (uint32_t i = 1; i <= 4; i++)
        hf_ps_add(&s, 0, 100.0 * MS * i, i);
    for (uint32_t i = 1; i <= 4; i++)
        expect_done(&s, 100 * MS * (hf_time)i, i);
    cr_assert_float_eq(s.busy_core_ns, 1000.0 * MS, 1.0, "CPU used counts every request's work");
    hf_ps_fini(&s);
}

/* On the caller's storage the server schedules exactly as on its own, and fini leaves the storage
 * (a container's block holds it): the same random adds, core changes and completions, step by step. */
Test(ps_server, borrowed_storage_schedules_as_owned)
{
    enum { CAP = 8 };
    struct hf_ps_entry storage[CAP + 1];
    storage[CAP].slot = 0xC0FFEE; /* a guard past the end */
    struct hf_ps_server own, borrowed;
    cr_assert(hf_ps_init(&own, 1.5, CAP));
    hf_ps_init_in(&borrowed, 1.5, CAP, storage);
    uint64_t x = 12345;
    hf_time now = 0;
    for (int step = 0; step < 20000; step++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        now += (hf_time)(x >> 44); /* up to ~1 ms */
        uint32_t op = (uint32_t)(x >> 20) % 4;
        if (op == 0) {
            double work = (double)((x >> 24) % 5000000);
            cr_assert_eq(hf_ps_add(&own, now, work, (uint32_t)step), hf_ps_add(&borrowed, now, work, (uint32_t)step));
        } else if (op == 1) {
            double cores = 0.25 * (double)(1 + (x >> 30) % 12);
            hf_ps_set_cores(&own, now, cores);
            hf_ps_set_cores(&borrowed, now, cores);
        } else {
            hf_time at = hf_ps_next_finish(&own);
            cr_assert_eq(at, hf_ps_next_finish(&borrowed));
            if (at == HF_TIME_NEVER)
                continue;
            now = at > now ? at : now;
            hf_ps_advance(&own, now);
            hf_ps_advance(&borrowed, now);
            uint32_t a, b;
            bool got_a, got_b;
            do {
                got_a = hf_ps_pop_done(&own, &a);
                got_b = hf_ps_pop_done(&borrowed, &b);
                cr_assert_eq(got_a, got_b);
                cr_assert(!got_a || a == b, "step %d: slot %u vs %u", step, a, b);
            } while (got_a);
        }
        cr_assert_eq(own.count, borrowed.count);
        cr_assert_eq(own.vtime, borrowed.vtime);
        cr_assert_eq(own.busy_core_ns, borrowed.busy_core_ns);
    }
    hf_ps_fini(&own);
    hf_ps_fini(&borrowed);
    cr_assert_eq(borrowed.heap, NULL);
    cr_assert_eq(storage[CAP].slot, 0xC0FFEE);
}
