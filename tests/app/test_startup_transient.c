/* The start-up transient (app/startup_transient.h): hand-made series, then a property over random
 * ones with a known start-up and later lone spikes. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>

#include "app/startup_transient.h"

#define ROWS 400

static double t[ROWS], p99[ROWS];

static void steady(double level)
{
    for (int i = 0; i < ROWS; i++) {
        t[i] = i + 1;
        p99[i] = level;
    }
}

Test(startup_transient, a_settled_run_has_none)
{
    steady(300);
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 300, 10), 0);
}

Test(startup_transient, ends_with_the_first_disturbed_stretch)
{
    steady(300);
    p99[0] = 0; /* nothing completed in the first second */
    for (int i = 1; i < 80; i++)
        p99[i] = 5000;
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 300, 10), 80);
    /* A lone spike long after is not the start-up. */
    p99[199] = 9000;
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 300, 10), 80);
    /* A short calm gap (under calm_s) does not end it. */
    p99[84] = 5000;
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 300, 10), 85);
}

Test(startup_transient, needs_a_reference_level)
{
    steady(0); /* nothing ever completed */
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 300, 10), 0);
    steady(300);
    cr_assert_eq(hf_startup_transient_end(t, p99, 0, 300, 10), 0, "no rows");
}

Test(startup_transient, property_random_runs_with_a_known_start_up)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (int trial = 0; trial < 500; trial++) {
        gsl_rng_set(rng, (unsigned long)trial + 1);
        double calm = 5 + (double)gsl_rng_uniform_int(rng, 20);
        int disturbed = (int)gsl_rng_uniform_int(rng, 120);
        for (int i = 0; i < ROWS; i++) {
            t[i] = i + 1;
            /* steady level: 80-120 ms; disturbed: above 3x the highest steady value */
            p99[i] = i < disturbed ? 400 + 5000 * gsl_rng_uniform(rng) : 80 + 40 * gsl_rng_uniform(rng);
        }
        /* A few lone spikes, each after a calm stretch longer than calm_s. */
        for (int s = 0; s < 3; s++) {
            int at = disturbed + (int)calm + 2 + (int)gsl_rng_uniform_int(rng, ROWS - disturbed - (int)calm - 2);
            p99[at] = 10000;
        }
        double end = hf_startup_transient_end(t, p99, ROWS, ROWS, calm);
        cr_assert_eq(end, disturbed, "trial %d: start-up of %d rows (calm %g) found as %g", trial, disturbed, calm,
                     end);
    }
    gsl_rng_free(rng);
}
