/* keepalive (per-container timeouts) on a fake platform with containers: exact stop times for the
 * idle and lifetime timeouts, warm-first reuse, and the exponential timeout's mean and determinism. */
#include <criterion/criterion.h>
#include <math.h>

#include "support/container_fake.h"

#define S(x) hf_time_from_s(x)

Test(keep_alive_timeout, a_container_goes_keep_alive_s_after_its_last_use)
{
    struct container_fake f = {0};
    fake_start(&f, "keepalive", "{\"keep_alive_s\": 60}");
    fake_call(&f, S(1));
    cr_assert_eq(f.started, 1u, "started on demand");
    fake_advance(&f, S(50));
    fake_call(&f, S(1)); /* reuse at 50 s: the idle clock restarts when it ends, at 51 s */
    cr_assert_eq(f.started, 1u, "the warm container served it");
    fake_advance(&f, S(110));
    cr_assert_eq(fake_alive(&f), 1u, "60 s after 51 s is 111 s");
    fake_advance(&f, S(200));
    cr_assert_eq(fake_alive(&f), 0u);
    cr_assert_eq(f.last_stop, S(111), "stopped at %lld ns", (long long)f.last_stop);
    fake_finish(&f);
}

Test(keep_alive_timeout, each_container_times_out_on_its_own)
{
    struct container_fake f = {0};
    fake_start(&f, "keepalive", "{\"keep_alive_s\": 60}");
    fake_call(&f, S(10)); /* two overlapping calls: two containers */
    fake_call(&f, S(20));
    cr_assert_eq(f.started, 2u);
    fake_advance(&f, S(30)); /* idle since 10 s and 20 s; the newest takes the next call */
    fake_call(&f, S(1));
    fake_advance(&f, S(70) + 1);
    cr_assert_eq(fake_alive(&f), 1u, "the least recently used went at 70 s");
    cr_assert_eq(f.last_stop, S(70));
    fake_advance(&f, S(200));
    cr_assert_eq(f.last_stop, S(91), "the other 60 s after its use ended at 31 s");
    fake_finish(&f);
}

Test(keep_alive_timeout, lifetime_counts_from_ready_whatever_the_use)
{
    struct container_fake f = {0};
    fake_start(&f, "keepalive", "{\"keep_alive_s\": 60, \"timeout\": \"lifetime\"}");
    fake_call(&f, S(1));
    fake_advance(&f, S(40));
    fake_call(&f, S(1));
    fake_advance(&f, S(61));
    cr_assert_eq(fake_alive(&f), 0u, "gone 60 s after it became ready, though used at 40 s");
    cr_assert_eq(f.last_stop, S(60));
    /* Busy when its lifetime ends: it goes when its request ends. */
    fake_call(&f, S(100));
    fake_advance(&f, S(200));
    cr_assert_eq(f.last_stop, S(161));
    fake_finish(&f);
}

Test(keep_alive_timeout, zero_keep_alive_stops_a_container_when_its_request_ends)
{
    struct container_fake f = {0};
    fake_start(&f, "keepalive", "{\"keep_alive_s\": 0}");
    fake_call(&f, S(2));
    fake_advance(&f, S(5));
    cr_assert_eq(fake_alive(&f), 0u);
    cr_assert_eq(f.last_stop, S(2));
    fake_finish(&f);
}

/* 2,000 idle periods: their mean is the mean timeout within 3 standard errors (about 7 %). */
static double mean_exponential_idle(const char *params, hf_time *first_stop)
{
    struct container_fake f = {0};
    fake_start(&f, "keepalive", params);
    double total = 0;
    for (int k = 0; k < 2000; k++) {
        fake_call(&f, S(1));
        hf_time end = f.now + S(1);
        fake_advance(&f, f.now + S(10000));
        cr_assert_eq(fake_alive(&f), 0u);
        total += hf_time_to_s(f.last_stop - end);
        if (k == 0)
            *first_stop = f.last_stop;
    }
    fake_finish(&f);
    return total / 2000;
}

Test(keep_alive_timeout, exponential_idle_periods_have_the_mean_and_repeat_by_seed)
{
    hf_time a, b, c;
    double mean = mean_exponential_idle("{\"keep_alive_s\": 30, \"timeout\": \"exponential\"}", &a);
    cr_assert(fabs(mean - 30) < 3 * 30 / sqrt(2000), "mean idle %.3f s, expected 30", mean);
    cr_assert_float_eq(mean_exponential_idle("{\"keep_alive_s\": 30, \"timeout\": \"exponential\"}", &b), mean, 0);
    cr_assert_eq(a, b, "same seed, same draws");
    mean_exponential_idle("{\"keep_alive_s\": 30, \"timeout\": \"exponential\", \"seed\": 2}", &c);
    cr_assert_neq(a, c, "another seed, other draws");
}

Test(keep_alive_timeout, initial_replicas_time_out_unless_used)
{
    struct container_fake f = {0};
    fake_start(&f, "keepalive", "{\"keep_alive_s\": 60, \"initial_replicas\": 3}");
    cr_assert_eq(fake_alive(&f), 3u);
    fake_advance(&f, S(59));
    cr_assert_eq(fake_alive(&f), 3u);
    fake_advance(&f, S(61));
    cr_assert_eq(fake_alive(&f), 0u);
    fake_finish(&f);
}
