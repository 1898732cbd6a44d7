/* Percentile curves: the piecewise-linear inverse CDF the Azure 2019 percentiles define. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>

#include "traces/quantile_curve.h"

static const double p[] = {0, 0.01, 0.25, 0.50, 0.75, 0.99, 1.0};

Test(quantile_curve, passes_through_the_points_and_interpolates)
{
    const double v[] = {10, 20, 100, 200, 400, 1000, 5000};
    struct hf_quantile_curve c;
    cr_assert(hf_quantile_curve_set(&c, p, v, 7));
    for (int i = 0; i < 7; i++)
        cr_assert_float_eq(hf_quantile_curve_at(&c, p[i]), v[i], 1e-3);
    cr_assert_float_eq(hf_quantile_curve_at(&c, 0.375), 150, 1e-3, "halfway from p25 to p50");
    cr_assert_float_eq(hf_quantile_curve_at(&c, 0.995), 3000, 1e-2);
}

Test(quantile_curve, draws_follow_the_percentiles)
{
    const double v[] = {1, 2, 10, 50, 60, 200, 300};
    struct hf_quantile_curve c;
    hf_quantile_curve_set(&c, p, v, 7);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    int below25 = 0, below50 = 0, n = 100000;
    for (int i = 0; i < n; i++) {
        double x = hf_quantile_curve_draw(&c, rng);
        cr_assert(x >= 1 && x <= 300);
        below25 += x <= 10;
        below50 += x <= 50;
    }
    cr_assert_float_eq(below25 / (double)n, 0.25, 0.01);
    cr_assert_float_eq(below50 / (double)n, 0.50, 0.01);
    gsl_rng_free(rng);
}

Test(quantile_curve, non_monotone_percentiles_are_repaired_and_reported)
{
    const double v[] = {5, 4, 3, 8, 8, 9, 9};
    struct hf_quantile_curve c;
    cr_assert_not(hf_quantile_curve_set(&c, p, v, 7));
    for (int i = 1; i < 7; i++)
        cr_assert_geq(c.v[i], c.v[i - 1]);
    cr_assert_float_eq(hf_quantile_curve_at(&c, 0.25), 5, 1e-6);
}
