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
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 300, 0, 0, 10), 0);
}

Test(startup_transient, ends_with_the_first_disturbed_stretch)
{
    steady(300);
    p99[0] = 0; /* nothing completed in the first second */
    for (int i = 1; i < 80; i++)
        p99[i] = 5000;
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 300, 0, 0, 10), 80);
    /* A lone spike long after is not the start-up. */
    p99[199] = 9000;
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 300, 0, 0, 10), 80);
    /* A short calm gap (under calm_s) does not end it. */
    p99[84] = 5000;
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 300, 0, 0, 10), 85);
}

/* A burst that starts while the run is still scaling: the level after the burst is the reference. */
Test(startup_transient, a_burst_during_the_start_up_takes_the_level_after_it)
{
    steady(300);
    for (int i = 0; i < 60; i++)
        p99[i] = 5000; /* start-up to 60 s, burst at 40 s: before it, nothing is settled */
    for (int i = 40; i < 100; i++)
        p99[i] = 8000; /* the burst, 40-100 s */
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 40, 0, 0, 10), 0, "the reference before the burst is all start-up");
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 40, 120, 400, 10), 40, "hatched up to the burst's start");
}

Test(startup_transient, needs_a_reference_level)
{
    steady(0); /* nothing ever completed */
    cr_assert_eq(hf_startup_transient_end(t, p99, ROWS, 300, 0, 0, 10), 0);
    steady(300);
    cr_assert_eq(hf_startup_transient_end(t, p99, 0, 300, 0, 0, 10), 0, "no rows");
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
        double end = hf_startup_transient_end(t, p99, ROWS, ROWS, 0, 0, calm);
        cr_assert_eq(end, disturbed, "trial %d: start-up of %d rows (calm %g) found as %g", trial, disturbed, calm,
                     end);
    }
    gsl_rng_free(rng);
}
