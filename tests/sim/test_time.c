/* sim/time.h: the inline rounding must be llround's to the bit, or every replayed time moves. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "sim/rng.h"
#include "sim/time.h"

static void expect_llround(double x)
{
    cr_assert_eq(hf_round_half_away(x), llround(x), "x = %.17g: %lld, llround %lld", x,
                 (long long)hf_round_half_away(x), (long long)llround(x));
}

Test(time, rounding_matches_llround_on_halves_and_neighbours)
{
    const double cases[] = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
                            -0.49999999999999994, 4503599627370495.5, -4503599627370495.5, 4503599627370497.0,
                            9007199254740993.0, 1e18, -1e18, 4.6e18, -4.6e18, 1e-300, 123456789.49999999};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_llround(cases[i]);
        expect_llround(nextafter(cases[i], INFINITY));
        expect_llround(nextafter(cases[i], -INFINITY));
    }
}

/* Random doubles over every magnitude below 2^62 (random bit patterns, both signs), and random
 * halves: the two places a shortcut would go wrong. */
Test(time, rounding_matches_llround_on_random_values)
{
    gsl_rng *rng = hf_rng_stream(11, "test-time");
    for (int i = 0; i < 2000000; i++) {
        uint64_t bits = (uint64_t)gsl_rng_get(rng) << 32 ^ gsl_rng_get(rng);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (!(fabs(x) < 0x1p62))
            x = ldexp(gsl_rng_uniform(rng), (int)gsl_rng_uniform_int(rng, 62)) * (bits >> 63 ? -1 : 1);
        expect_llround(x);
        double half = (double)(int64_t)gsl_rng_uniform_int(rng, 1u << 30) + 0.5;
        expect_llround(half);
        expect_llround(-half);
    }
    gsl_rng_free(rng);
}

Test(time, conversions_round_to_the_nearest_ns_and_saturate)
{
    cr_assert_eq(hf_time_from_ms(1.0000005), 1000001);
    cr_assert_eq(hf_time_from_s(2.5e-9), 3);
    cr_assert_eq(hf_time_from_ns(-2.5), -3);
    cr_assert_eq(hf_time_from_ns(NAN), 0);
    cr_assert_eq(hf_time_from_ns(1e30), HF_TIME_FAR);
    cr_assert_eq(hf_time_from_ns(-1e30), -HF_TIME_FAR);
}
