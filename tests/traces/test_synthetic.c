/* Synthetic arrivals: the rate function, burst counts, and evenly spaced arrivals. */
#include <criterion/criterion.h>
#include <math.h>

#include "traces/synthetic.h"

struct counter {
    uint64_t n, in_burst;
    hf_time last;
    bool ordered;
};

static void count(void *ctx, const struct hf_invocation *inv)
{
    struct counter *c = ctx;
    c->ordered = c->ordered && inv->arrival >= c->last;
    c->last = inv->arrival;
    c->n++;
    if (inv->arrival >= hf_time_from_s(100) && inv->arrival < hf_time_from_s(150))
        c->in_burst++;
}

static struct counter run(const char *arrival, double seconds)
{
    struct hf_engine e;
    struct hf_error err;
    cr_assert(hf_engine_init(&e, 3, NULL, &err));
    json_t *w = json_pack("{s:s, s:f, s:[{s:f, s:f, s:f}], s:{s:s, s:f, s:f}, s:i}", "arrival", arrival,
                          "rate_per_s", 20.0, "bursts", "start_s", 100.0, "duration_s", 50.0,
                          "rate_per_s", 400.0, "service", "dist", "constant", "mean_ms", 5.0, "cv", 0.0,
                          "memory_mb", 64);
    struct hf_synthetic s;
    struct counter c = {0, 0, 0, true};
    cr_assert(hf_synthetic_create(&s, w, hf_time_from_s(seconds), &e, count, &c));
    cr_assert_float_eq(hf_synthetic_rate_at(&s, 99.9), 20.0, 1e-12);
    cr_assert_float_eq(hf_synthetic_rate_at(&s, 100.0), 400.0, 1e-12);
    cr_assert_float_eq(hf_synthetic_rate_at(&s, 150.0), 20.0, 1e-12);
    hf_engine_set_source(&e, &s.source);
    hf_engine_run_until(&e, HF_TIME_NEVER);
    cr_assert_leq(c.last, hf_time_from_s(seconds));
    hf_synthetic_destroy(&s);
    json_decref(w);
    hf_engine_fini(&e);
    return c;
}

Test(synthetic, poisson_counts_follow_the_rate_function)
{
    struct counter c = run("poisson", 300);
    double expected = 250 * 20 + 50 * 400; /* 25,000 */
    cr_assert(c.ordered);
    cr_assert_leq(fabs((double)c.n - expected), 4 * sqrt(expected), "got %llu, expected ~%.0f",
                  (unsigned long long)c.n, expected);
    cr_assert_leq(fabs((double)c.in_burst - 20000), 4 * sqrt(20000.0));
}

Test(synthetic, uniform_arrivals_are_exact)
{
    struct counter c = run("uniform", 300);
    cr_assert(c.ordered);
    cr_assert(c.n >= 24999 && c.n <= 25000, "uniform gave %llu", (unsigned long long)c.n);
    cr_assert_eq(c.in_burst, 20000);
}

struct per_function {
    uint64_t in_burst[4], outside[4];
};

static void count_functions(void *ctx, const struct hf_invocation *inv)
{
    struct per_function *c = ctx;
    bool burst = inv->arrival >= hf_time_from_s(100) && inv->arrival < hf_time_from_s(150);
    (burst ? c->in_burst : c->outside)[inv->function]++;
}

Test(synthetic, a_targeted_burst_sends_its_extra_rate_to_one_function)
{
    struct hf_engine e;
    struct hf_error err;
    cr_assert(hf_engine_init(&e, 5, NULL, &err));
    json_t *w = json_pack("{s:s, s:f, s:[{s:f, s:f, s:f, s:i}], s:{s:s, s:f, s:f}, s:i, s:i}", "arrival",
                          "poisson", "rate_per_s", 40.0, "bursts", "start_s", 100.0, "duration_s", 50.0,
                          "rate_per_s", 440.0, "function", 2, "service", "dist", "constant", "mean_ms", 5.0,
                          "cv", 0.0, "memory_mb", 64, "functions", 4);
    struct hf_synthetic s;
    struct per_function c = {0};
    cr_assert(hf_synthetic_create(&s, w, hf_time_from_s(300), &e, count_functions, &c));
    hf_engine_set_source(&e, &s.source);
    hf_engine_run_until(&e, HF_TIME_NEVER);
    /* In the burst: 10/s to each function, plus 400/s to function 2 -> 500 and 20,500 over 50 s. */
    for (int f = 0; f < 4; f++) {
        double expected = f == 2 ? 20500 : 500;
        cr_assert_leq(fabs((double)c.in_burst[f] - expected), 4 * sqrt(expected), "function %d: %llu", f,
                      (unsigned long long)c.in_burst[f]);
        cr_assert_leq(fabs((double)c.outside[f] - 2500), 4 * sqrt(2500.0), "function %d outside: %llu", f,
                      (unsigned long long)c.outside[f]);
    }
    hf_synthetic_destroy(&s);
    json_decref(w);
    hf_engine_fini(&e);
}
