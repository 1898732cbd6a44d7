/* hybrid (Shahrad et al., ATC'20) on a fake platform with containers: the standard keep-alive while
 * the histogram is not trusted, then pre-warm and keep-alive windows from a learnt idle time. */
#include <criterion/criterion.h>

#include "support/container_fake.h"

#define S(x) hf_time_from_s(x)

Test(keep_alive_hybrid, learns_a_periodic_idle_time_and_prewarms)
{
    struct container_fake f = {0};
    fake_start(&f, "hybrid", "{}");
    /* A function called every ~10 minutes: busy 2 s, idle 600 s, twelve times. Until the histogram
     * is trusted (10 samples) containers stay for the whole 4 h range: no new cold starts. */
    for (int k = 0; k < 12; k++) {
        if (k == 10)
            cr_assert_eq(f.started, 1u, "before 10 idle times, the standard keep-alive kept the one container");
        fake_call(&f, S(2));
        fake_advance(&f, f.now + S(602));
    }
    /* Every idle time sits in the 10-minute bin: pre-warm = 600 s x 0.9 = 540 s, keep-alive =
     * (660 - 540) x 1.1 = 132 s. Next idle period: unloaded at once, one container back at 540 s,
     * gone again at 672 s. */
    fake_call(&f, S(2));
    hf_time idle_start = f.now + S(2);
    fake_advance(&f, idle_start + 1);
    cr_assert_eq(fake_alive(&f), 0u, "unloaded when idle begins");
    fake_advance(&f, idle_start + S(540) - 1);
    cr_assert_eq(fake_alive(&f), 0u);
    fake_advance(&f, idle_start + S(540));
    cr_assert_eq(fake_alive(&f), 1u, "pre-warmed at the end of the pre-warm window");
    fake_advance(&f, idle_start + S(700));
    cr_assert_eq(fake_alive(&f), 0u, "released after the keep-alive window");
    cr_assert_eq(f.last_stop, idle_start + S(672));
    fake_finish(&f);
}

Test(keep_alive_hybrid, a_call_inside_the_window_finds_the_prewarmed_container)
{
    struct container_fake f = {0};
    fake_start(&f, "hybrid", "{}");
    for (int k = 0; k < 12; k++) {
        fake_call(&f, S(2));
        fake_advance(&f, f.now + S(602));
    }
    fake_call(&f, S(2));
    fake_advance(&f, f.now + S(602));
    uint32_t started = f.started;
    fake_call(&f, S(2)); /* 600 s after the last ended: inside [540, 672] */
    cr_assert_eq(f.started, started, "warm: the pre-warmed container took it");
    fake_finish(&f);
}

Test(keep_alive_hybrid, without_a_pattern_it_keeps_containers_for_the_whole_range)
{
    struct container_fake f = {0};
    fake_start(&f, "hybrid", "{}");
    fake_call(&f, S(1));
    fake_advance(&f, S(4 * 3600));
    cr_assert_eq(fake_alive(&f), 1u, "kept for the 4 h range");
    fake_advance(&f, S(4 * 3600 + 2));
    cr_assert_eq(fake_alive(&f), 0u);
    cr_assert_eq(f.last_stop, S(4 * 3600 + 1));
    fake_finish(&f);
}

/* A function that learnt a 10-minute pattern, then is called every 5 hours (beyond the 4-hour
 * range): once its out-of-bounds idle times outnumber the in-range ones it keeps the standard
 * keep-alive (no unloading at idle) instead of windows from its old pattern. */
Test(keep_alive_hybrid, mostly_out_of_range_idle_times_fall_back_to_the_standard_keep_alive)
{
    struct container_fake f = {0};
    fake_start(&f, "hybrid", "{}");
    for (int k = 0; k < 12; k++) {
        fake_call(&f, S(2));
        fake_advance(&f, f.now + S(602));
    }
    for (int k = 0; k < 13; k++) { /* 11 in-range idle times so far; 12 beyond the range tip it */
        fake_call(&f, S(2));
        fake_advance(&f, f.now + S(5 * 3600));
    }
    fake_call(&f, S(2));
    fake_advance(&f, f.now + S(60));
    cr_assert_eq(fake_alive(&f), 1u, "kept after the call, not unloaded for a pre-warm");
    fake_advance(&f, f.now + S(4 * 3600));
    cr_assert_eq(fake_alive(&f), 0u, "released after the 4-hour range");
    fake_finish(&f);
}
