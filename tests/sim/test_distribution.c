/* Random durations: means and CVs of the parametric kinds, and the empirical bootstrap. */
#include <criterion/criterion.h>
#include <math.h>

#include "sim/distribution.h"
#include "sim/rng.h"

static void moments(const struct hf_distribution *d, int n, double *mean, double *cv)
{
    gsl_rng *rng = hf_rng_stream(7, "test-distribution");
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++) {
        double x = (double)hf_distribution_draw(d, rng);
        sum += x;
        sq += x * x;
    }
    gsl_rng_free(rng);
    *mean = sum / n;
    *cv = sqrt(sq / n - *mean * *mean) / *mean;
}

Test(distribution, lognormal_has_the_requested_mean_and_cv)
{
    struct hf_distribution d;
    hf_distribution_init(&d, HF_DIST_LOGNORMAL, 100e6, 0.5);
    double mean, cv;
    moments(&d, 400000, &mean, &cv);
    cr_assert(fabs(mean - 100e6) / 100e6 < 0.01, "mean %g", mean);
    cr_assert(fabs(cv - 0.5) < 0.02, "cv %g", cv);
}

Test(distribution, empirical_draws_only_its_samples_equally_often)
{
    json_t *spec = json_pack("{s:s, s:f, s:f, s:[f, f, f]}", "dist", "empirical", "mean_ms", 0.0, "cv", 0.0,
                             "samples_ms", 10.0, 20.0, 60.0);
    struct hf_error err;
    cr_assert(hf_distribution_check(spec, "$.x", &err));
    struct hf_distribution d;
    hf_distribution_from_json(&d, spec);
    cr_assert_eq(d.kind, HF_DIST_EMPIRICAL);
    cr_assert_float_eq(d.mean_ns, 30e6, 1e-6);
    gsl_rng *rng = hf_rng_stream(7, "test-empirical");
    int counts[3] = {0};
    for (int i = 0; i < 30000; i++) {
        hf_time x = hf_distribution_draw(&d, rng);
        cr_assert(x == 10000000 || x == 20000000 || x == 60000000, "draw %lld", (long long)x);
        counts[x == 10000000 ? 0 : x == 20000000 ? 1 : 2]++;
    }
    for (int i = 0; i < 3; i++)
        cr_assert(abs(counts[i] - 10000) < 400, "sample %d drawn %d times", i, counts[i]);
    gsl_rng_free(rng);
    json_decref(spec);
}

Test(distribution, empirical_without_samples_is_rejected)
{
    json_t *spec = json_pack("{s:s, s:[]}", "dist", "empirical", "samples_ms");
    struct hf_error err;
    cr_assert_not(hf_distribution_check(spec, "$.function.cold_start.sandbox", &err));
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert_str_eq(err.message, "$.function.cold_start.sandbox.samples_ms: an empirical distribution "
                                  "needs 1 to 256 samples (got 0)");
    json_decref(spec);
}

/* A far tail saturates at HF_TIME_FAR instead of wrapping to a negative time (llround overflow). */
Test(distribution, a_draw_beyond_the_clock_saturates_instead_of_wrapping)
{
    struct hf_distribution d;
    hf_distribution_init(&d, HF_DIST_LOGNORMAL, 1e18, 3.0); /* 1e9 s mean, tail far past 2^63 ns */
    gsl_rng *rng = hf_rng_stream(3, "test-distribution");
    int saturated = 0;
    for (int i = 0; i < 100000; i++) {
        hf_time x = hf_distribution_draw(&d, rng);
        cr_assert(x >= 0 && x <= HF_TIME_FAR, "draw %lld", (long long)x);
        saturated += x == HF_TIME_FAR;
    }
    gsl_rng_free(rng);
    cr_assert_gt(saturated, 0, "no draw reached the tail: the test does not test");
    cr_assert_eq(hf_time_add(HF_TIME_FAR - 5, 10), HF_TIME_FAR);
    cr_assert_eq(hf_time_add(INT64_C(1) << 61, INT64_C(3) << 60), HF_TIME_FAR);
    cr_assert_eq(hf_time_add(7, 5), 12);
}
