/* CFS bandwidth control driving a processor-sharing server, against hand-computed schedules, and as a
 * property over random loads: no period ever gives a container more than its quota, and the long-run
 * rate is the fluid model's. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>

#include "models/cluster/cfs_bandwidth.h"
#include "models/cluster/ps_server.h"

#define MS 1000000LL
#define PERIOD (100 * MS)

/* One container: its CPU (a PS server) under a CFS budget, run as the cluster model runs it. */
struct box {
    struct hf_ps_server cpu;
    struct hf_cfs cfs;
    double limit, machine_cores;
    hf_time cfs_at;
    uint32_t done;
    hf_time finished[64];
    uint32_t updates;
};

static void box_init(struct box *b, double limit, double machine_cores)
{
    *b = (struct box){.limit = limit, .machine_cores = machine_cores};
    cr_assert(hf_ps_init(&b->cpu, limit, 64));
    hf_cfs_init(&b->cfs, PERIOD, limit, 0, 0);
    b->cfs_at = HF_TIME_NEVER;
}

/* What the cluster model does after every change: account, then set the rate and the next event. */
static void box_update(struct box *b, hf_time now)
{
    hf_ps_advance(&b->cpu, now);
    double peak = b->cpu.count < b->machine_cores ? (double)b->cpu.count : b->machine_cores;
    struct hf_cfs_step s = hf_cfs_update(&b->cfs, now, b->cpu.busy_core_ns, b->limit, b->cpu.count, peak);
    hf_ps_set_cores(&b->cpu, now, s.cores);
    b->cfs_at = s.next;
    b->updates++;
}

/* Runs events (finishes, budget events) up to `until`. */
static void box_run(struct box *b, hf_time until)
{
    for (;;) {
        hf_time finish = hf_ps_next_finish(&b->cpu);
        hf_time at = finish < b->cfs_at ? finish : b->cfs_at;
        if (at > until || at == HF_TIME_NEVER)
            break;
        hf_ps_advance(&b->cpu, at);
        uint32_t slot;
        while (hf_ps_pop_done(&b->cpu, &slot))
            b->finished[slot] = at;
        box_update(b, at);
    }
    hf_ps_advance(&b->cpu, until);
}

static void box_add(struct box *b, hf_time at, double work_ms, uint32_t slot)
{
    box_run(b, at);
    cr_assert(hf_ps_add(&b->cpu, at, work_ms * MS, slot));
    box_update(b, at);
}

/* A request alone at 0.5 cores with 100 ms of work: 50 ms of budget per 100 ms period. Started at
 * a period's start it runs 0-50, waits, runs 100-150; at 30 ms it runs 30-80 and 100-150 (120 ms);
 * at 70 ms it runs 70-100, 100-150, waits, 200-220 (150 ms). The fluid share would take 200 ms. */
Test(cfs_bandwidth, a_request_alone_runs_in_bursts_of_the_quota)
{
    const hf_time starts[] = {0, 30 * MS, 70 * MS, 1000 * MS};
    const hf_time latency[] = {150 * MS, 120 * MS, 150 * MS, 150 * MS};
    for (int i = 0; i < 4; i++) {
        struct box b;
        box_init(&b, 0.5, 2.0);
        box_add(&b, starts[i], 100.0, 0);
        box_run(&b, 10000 * MS);
        cr_assert_eq(b.finished[0] - starts[i], latency[i], "start %lld ms: latency %lld ns, expected %lld",
                     (long long)(starts[i] / MS), (long long)(b.finished[0] - starts[i]), (long long)latency[i]);
        cr_assert_float_eq(b.cpu.busy_core_ns, 100.0 * MS, 10.0, "the CPU used is the work");
        hf_ps_fini(&b.cpu);
    }
}

/* A limit the load never reaches is never felt: one request at 2 cores runs at one core, with no
 * budget event at all. */
Test(cfs_bandwidth, a_limit_above_the_load_costs_nothing)
{
    struct box b;
    box_init(&b, 2.0, 4.0);
    box_add(&b, 10 * MS, 250.0, 0);
    cr_assert_eq(b.cfs_at, HF_TIME_NEVER, "no throttling can happen at this load");
    box_run(&b, 10000 * MS);
    cr_assert_eq(b.finished[0], 260 * MS);
    hf_ps_fini(&b.cpu);
}

/* Four requests of 1 s at 0.5 cores on a 2-core machine: bursts at 2 cores for 25 ms of each period,
 * the same 4 core-s at 0.5 cores as the fluid share (8 s); all end in the last period. */
Test(cfs_bandwidth, the_long_run_rate_is_the_limit)
{
    struct box b;
    box_init(&b, 0.5, 2.0);
    for (uint32_t i = 0; i < 4; i++)
        box_add(&b, 0, 1000.0, i);
    box_run(&b, 100000 * MS);
    for (uint32_t i = 0; i < 4; i++) {
        cr_assert_eq(b.finished[i], 7900 * MS + 25 * MS, "request %u ended at %lld ns", i, (long long)b.finished[i]);
    }
    hf_ps_fini(&b.cpu);
}

/* A new quota refills the budget at once (the kernel's behaviour when cpu.cfs_quota_us is written):
 * throttled at 50 ms with 0.5 cores, a resize to 1 core at 60 ms lets the request run on. */
Test(cfs_bandwidth, a_resize_refills_the_budget)
{
    struct box b;
    box_init(&b, 0.5, 2.0);
    box_add(&b, 0, 100.0, 0);
    box_run(&b, 60 * MS);
    cr_assert(b.cfs.throttled, "out of budget at 50 ms");
    b.limit = 1.0;
    box_update(&b, 60 * MS);
    cr_assert_not(b.cfs.throttled);
    box_run(&b, 10000 * MS);
    cr_assert_eq(b.finished[0], 110 * MS, "50 ms left, run from 60 ms");
    hf_ps_fini(&b.cpu);
}

/* Property: random arrivals, works, limits and machine sizes. In every period the CPU used is at most
 * the quota (sampled at each period's boundary), every request gets its work done, and none ends
 * before its work at one core. */
Test(cfs_bandwidth, no_period_gives_more_than_the_quota)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    for (int round = 0; round < 200; round++) {
        struct box b;
        double limit = 0.1 + 2.9 * gsl_rng_uniform(rng), machine = (double)(1 + gsl_rng_uniform_int(rng, 8));
        box_init(&b, limit, machine);
        uint32_t n = 1 + (uint32_t)gsl_rng_uniform_int(rng, 30);
        hf_time arrival[64];
        double work[64];
        hf_time t = 0, horizon = 0;
        for (uint32_t i = 0; i < n; i++) {
            t += (hf_time)(gsl_rng_uniform(rng) * 300.0 * MS);
            arrival[i] = t;
            work[i] = 1.0 + gsl_rng_uniform(rng) * 400.0;
            b.finished[i] = HF_TIME_NEVER;
        }
        double used_before = 0;
        uint32_t next = 0;
        for (hf_time boundary = PERIOD;; boundary += PERIOD) {
            while (next < n && arrival[next] < boundary) {
                box_add(&b, arrival[next], work[next], next);
                next++;
            }
            box_run(&b, boundary);
            double used = b.cpu.busy_core_ns;
            cr_assert_leq(used - used_before, limit * (double)PERIOD + 10.0,
                          "round %d: %.0f core-ns used in the period ending %lld, quota %.0f", round,
                          used - used_before, (long long)boundary, limit * (double)PERIOD);
            used_before = used;
            if (next == n && b.cpu.count == 0) {
                horizon = boundary;
                break;
            }
            cr_assert_lt(boundary, 1000000 * MS, "round %d never drained", round);
        }
        double total = 0;
        for (uint32_t i = 0; i < n; i++) {
            cr_assert_neq(b.finished[i], HF_TIME_NEVER, "round %d: request %u ended", round, i);
            cr_assert_geq(b.finished[i] - arrival[i], (hf_time)(work[i] * MS) - 1, "round %d: request %u", round, i);
            total += work[i] * MS;
        }
        cr_assert_float_eq(b.cpu.busy_core_ns, total, 1e-6 * total + 100.0, "round %d: the CPU used is the work",
                           round);
        /* busy, it uses at least min(limit, 1) core on average over a period */
        double rate = limit < 1 ? limit : 1;
        cr_assert_leq(horizon, arrival[n - 1] + (hf_time)(total / rate) + 2 * PERIOD,
                      "round %d: the container drains at its limit's rate", round);
        hf_ps_fini(&b.cpu);
    }
    gsl_rng_free(rng);
}
