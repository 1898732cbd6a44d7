/* The latency window gives, to the bit, the percentiles a histogram of the same values gives (the
 * definition timeseries.csv had before the window): of each interval, and of the last `width`
 * intervals merged. Hand cases, then random runs of every shape: empty intervals, intervals with
 * more distinct buckets than a histogram lists, drifting and jumping distributions. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#include "sim/histogram.h"
#include "sim/latency_window.h"

enum { MAX_VALUES = 3000, MAX_WIDTH = 9 };

struct interval_values {
    uint64_t v[MAX_VALUES];
    size_t n;
};

/* The reference: a histogram holding the given intervals' values, asked the same percentiles. */
static void reference(const struct interval_values *intervals, size_t count, const double *q, int nq, double *out)
{
    struct hf_histogram h;
    cr_assert(hf_histogram_create(&h));
    for (size_t i = 0; i < count; i++)
        for (size_t k = 0; k < intervals[i].n; k++)
            hf_histogram_add(&h, intervals[i].v[k]);
    hf_histogram_quantiles(&h, q, (size_t)nq, out);
    hf_histogram_destroy(&h);
}

static void push_values(struct hf_latency_window *w, struct hf_histogram *interval, const struct interval_values *iv)
{
    for (size_t k = 0; k < iv->n; k++)
        hf_histogram_add(interval, iv->v[k]);
    hf_latency_window_push(w, interval);
    cr_assert_eq(interval->total, 0, "push leaves the interval histogram empty");
}

Test(latency_window, hand_case_two_intervals_wide)
{
    const double q[2] = {0.5, 1.0};
    struct hf_latency_window w;
    struct hf_histogram interval;
    cr_assert(hf_latency_window_init(&w, 2, q, 2));
    cr_assert(hf_histogram_create(&interval));
    double out[2];
    hf_latency_window_quantiles(&w, out);
    cr_assert(out[0] == 0 && out[1] == 0, "an empty window reports 0");

    struct interval_values a = {{10, 20, 30}, 3}, b = {{40}, 1}, empty = {{0}, 0};
    push_values(&w, &interval, &a);
    hf_latency_window_interval_quantiles(&w, out);
    cr_assert(out[0] == 20 && out[1] == 30);
    hf_latency_window_quantiles(&w, out);
    cr_assert(out[0] == 20 && out[1] == 30);

    push_values(&w, &interval, &b); /* window: 10 20 30 40 */
    hf_latency_window_interval_quantiles(&w, out);
    cr_assert(out[0] == 40 && out[1] == 40);
    hf_latency_window_quantiles(&w, out);
    cr_assert(out[0] == 20 && out[1] == 40, "p50 of 10 20 30 40 by nearest rank is 20, got %g", out[0]);

    push_values(&w, &interval, &empty); /* a leaves: window 40 */
    hf_latency_window_interval_quantiles(&w, out);
    cr_assert(out[0] == 0 && out[1] == 0, "an empty interval reports 0");
    hf_latency_window_quantiles(&w, out);
    cr_assert(out[0] == 40 && out[1] == 40);

    push_values(&w, &interval, &empty); /* b leaves: empty */
    hf_latency_window_quantiles(&w, out);
    cr_assert(out[0] == 0 && out[1] == 0);
    hf_histogram_destroy(&interval);
    hf_latency_window_fini(&w);
}

/* One random interval: a distribution whose median drifts (and sometimes jumps by orders of
 * magnitude), with rare outliers; sometimes empty, sometimes wide enough that the histogram stops
 * listing its buckets. */
static void random_interval(gsl_rng *rng, double *median, struct interval_values *iv)
{
    if (gsl_rng_uniform(rng) < 0.05)
        *median *= exp(gsl_ran_gaussian(rng, 3.0)); /* a jump */
    else
        *median *= exp(gsl_ran_gaussian(rng, 0.1)); /* a drift */
    if (*median < 1)
        *median = 1;
    if (*median > 1e12)
        *median = 1e12;
    double u = gsl_rng_uniform(rng);
    iv->n = u < 0.1 ? 0 : u < 0.15 ? 1 + gsl_rng_uniform_int(rng, MAX_VALUES) : gsl_rng_uniform_int(rng, 80);
    double spread = gsl_rng_uniform(rng) < 0.2 ? 3.0 : 0.5;
    for (size_t k = 0; k < iv->n; k++) {
        double x = gsl_ran_lognormal(rng, log(*median), spread);
        if (gsl_rng_uniform(rng) < 0.01)
            x *= 1000; /* an outlier */
        iv->v[k] = gsl_rng_uniform(rng) < 0.02 ? (uint64_t)gsl_rng_uniform_int(rng, 300) : (uint64_t)x;
    }
}

Test(latency_window, property_random_runs_match_a_merged_histogram, .timeout = 120)
{
    static const double quantile_sets[][4] = {
        {0.5, 0.99, 0, 0}, {0, 0.25, 0.75, 1}, {0.001, 0.5, 0.999, 0}, {0.99, 0, 0, 0}, {0.1, 0.2, 0.3, 0.9999},
    };
    static const int set_sizes[] = {2, 4, 3, 1, 4};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 11);
    struct interval_values *history = malloc(MAX_WIDTH * sizeof *history);
    cr_assert_not_null(history);
    for (int run = 0; run < 150; run++) {
        int set = run % 5, nq = set_sizes[set];
        const double *q = quantile_sets[set];
        int width = 1 + (int)gsl_rng_uniform_int(rng, MAX_WIDTH);
        struct hf_latency_window w;
        struct hf_histogram interval;
        cr_assert(hf_latency_window_init(&w, width, q, nq));
        cr_assert(hf_histogram_create(&interval));
        double median = exp(gsl_rng_uniform(rng) * 20);
        int pushes = 5 + (int)gsl_rng_uniform_int(rng, 60);
        for (int p = 0; p < pushes; p++) {
            struct interval_values *iv = &history[p % width];
            random_interval(rng, &median, iv);
            push_values(&w, &interval, iv);
            double got[4], want[4];
            hf_latency_window_interval_quantiles(&w, got);
            reference(iv, 1, q, nq, want);
            for (int i = 0; i < nq; i++)
                cr_assert(got[i] == want[i], "run %d push %d: interval q=%g: %.17g, a histogram gives %.17g", run,
                          p, q[i], got[i], want[i]);
            /* Every other push only: the window's fingers must also hold when rows skip a query
             * (a caller that asks less often than it pushes). */
            if (p % 2 == 0 || p == pushes - 1) {
                hf_latency_window_quantiles(&w, got);
                reference(history, (size_t)(p + 1 < width ? p + 1 : width), q, nq, want);
                for (int i = 0; i < nq; i++)
                    cr_assert(got[i] == want[i], "run %d push %d (width %d): window q=%g: %.17g, a histogram gives %.17g",
                              run, p, width, q[i], got[i], want[i]);
            }
        }
        hf_histogram_destroy(&interval);
        hf_latency_window_fini(&w);
    }
    free(history);
    gsl_rng_free(rng);
}
