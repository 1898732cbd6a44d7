/* time_to_stabilize on hand-made latency series. */
#include <criterion/criterion.h>

#include "sim/stabilization.h"

/* Bins of 1 s; latency L ms for every one of 10 completions per bin. */
static void fill(struct hf_latency_bins *b, const double *ms, size_t n)
{
    hf_latency_bins_init(b, 1.0, 0);
    for (size_t i = 0; i < n; i++)
        cr_assert(hf_latency_bins_push(b, ms[i] * 10, 10));
}

Test(stabilization, settles_after_the_rolling_mean_enters_the_band_for_good)
{
    /* 10 s before the burst at 100 ms; burst [10, 70): 20 s of 1000 ms, then 100 ms. */
    double ms[80];
    for (int i = 0; i < 80; i++)
        ms[i] = (i >= 10 && i < 30) ? 1000 : 100;
    struct hf_latency_bins b;
    fill(&b, ms, 80);
    struct hf_stabilization s;
    hf_stabilization_compute(&b, 10, 70, 5, 30, 0.2, &s);
    cr_assert(s.stabilized);
    cr_assert_float_eq(s.steady_ms, 100, 1e-9);
    /* Bin i covers [i, i+1). The 5 s window ending at 35 s (bins 30-34) is all 100 ms; the one
     * ending at 34 s holds bin 29 at 1000 ms (mean 280 ms, outside the band). So stable from
     * t = 35 s, 25 s after the burst started. */
    cr_assert_float_eq(s.time_to_stabilize_s, 25, 1e-9, "got %g", s.time_to_stabilize_s);
    cr_assert_float_eq(s.peak_ms, 1000, 1e-9);
    hf_latency_bins_fini(&b);
}

Test(stabilization, a_late_excursion_resets_it_and_never_settling_is_reported)
{
    double ms[80];
    for (int i = 0; i < 80; i++)
        ms[i] = 100;
    ms[40] = 400; /* one bad second in the middle of the burst */
    struct hf_latency_bins b;
    fill(&b, ms, 80);
    struct hf_stabilization s;
    hf_stabilization_compute(&b, 10, 70, 5, 10, 0.2, &s);
    cr_assert(s.stabilized);
    cr_assert_float_eq(s.time_to_stabilize_s, 36, 1e-9, "got %g", s.time_to_stabilize_s);
    hf_latency_bins_fini(&b);

    for (int i = 0; i < 80; i++)
        ms[i] = 100.0 + 10.0 * i; /* climbing through the burst: the last 10 s are not a steady state */
    fill(&b, ms, 80);
    hf_stabilization_compute(&b, 10, 70, 5, 10, 0.01, &s);
    cr_assert_not(s.stabilized);
    hf_latency_bins_fini(&b);
}
