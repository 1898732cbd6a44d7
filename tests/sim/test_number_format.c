/* hf_format_g9 writes exactly what printf("%.9g") writes: hand-picked hard cases, then millions of
 * random values of every magnitude and of the shapes timeseries.csv holds (counts, bucket
 * midpoints in ms, core fractions). */
#include <criterion/criterion.h>
#include <float.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/number_format.h"

static void same_as_printf(double v)
{
    char mine[HF_NUMBER_G9_MAX], theirs[64];
    size_t n = hf_format_g9(mine, v);
    snprintf(theirs, sizeof theirs, "%.9g", v);
    cr_assert_str_eq(mine, theirs, "%.17g: wrote %s, printf writes %s", v, mine, theirs);
    cr_assert_eq(n, strlen(theirs));
}

Test(number_format, hand_picked_cases)
{
    const double cases[] = {0.0, -0.0, 1, -1, 7, 10, 100, 999999999, 1e9, 1e9 + 1, 123456789.5, 0.5, 0.1, 0.15,
                            0.25, 1.5, 2.675, 93.585408, 1e-4, 9.99999999e-5, 1e-5, 0.000123456789, 99999999.95,
                            999999999.5, 9.999999995, 0.30000000000000004, 1.0000000005, 12.3456789012,
                            DBL_MIN, DBL_MAX, -DBL_MAX, INFINITY, -INFINITY, NAN, 5e-324, 4503599627370496.0,
                            1e15, 123.0000000001, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 1e8 - 0.5, 1e8 + 0.5, 33.3333333349};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        same_as_printf(cases[i]);
    /* Every decade's edges (where the decimal exponent is estimated from the binary one, and
     * corrected) and trailing zeros at every position of the point. */
    for (int k = -5; k <= 10; k++) {
        double p = pow(10, k);
        const double near[] = {p, nextafter(p, 0), nextafter(p, INFINITY), p * 1.5, p * (1 - 1e-10),
                               p * (1 + 1e-9), p * 1.25, p * 9.99999999, p * 9.999999995, p * 1.0000001};
        for (size_t i = 0; i < sizeof near / sizeof near[0]; i++) {
            same_as_printf(near[i]);
            same_as_printf(-near[i]);
        }
    }
}

Test(number_format, property_random_values_of_every_shape, .timeout = 120)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 5);
    for (int i = 0; i < 2000000; i++) {
        double v;
        switch (i % 6) {
        case 0: /* any magnitude */
            v = ldexp(gsl_rng_uniform(rng) + 0.5, (int)gsl_rng_uniform_int(rng, 120) - 60);
            break;
        case 1: /* counts */
            v = (double)gsl_rng_uniform_int(rng, 2000000000);
            break;
        case 2: /* histogram bucket midpoints in ms: (low + (width - 1) / 2) / 1e6 */
            v = ((double)gsl_rng_uniform_int(rng, 4000000000u) + (double)gsl_rng_uniform_int(rng, 1024) / 2) / 1e6;
            break;
        case 3: /* cores: busy ns over an interval */
            v = (double)gsl_rng_uniform_int(rng, 4000000000u) / 1e9 * (double)(1 + gsl_rng_uniform_int(rng, 64));
            break;
        case 4: /* decimal fractions with few digits, halves at the ninth digit */
            v = (double)gsl_rng_uniform_int(rng, 2000000000u) / pow(10, (double)gsl_rng_uniform_int(rng, 14));
            break;
        default: /* means: sums over counts */
            v = gsl_rng_uniform(rng) * 1e6 / (double)(1 + gsl_rng_uniform_int(rng, 1000));
            break;
        }
        if (gsl_rng_uniform(rng) < 0.1)
            v = -v;
        same_as_printf(v);
    }
    gsl_rng_free(rng);
}
