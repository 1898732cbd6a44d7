/* Histogram percentiles against exact sorted percentiles, and bucket mapping invariants. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "sim/histogram.h"
#include "sim/rng.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted data. */
static uint64_t exact_quantile(const uint64_t *sorted, size_t n, double q)
{
    size_t rank = (size_t)ceil(q * (double)n);
    return sorted[rank ? rank - 1 : 0];
}

Test(histogram, every_value_falls_inside_its_bucket_and_buckets_are_narrow)
{
    for (uint64_t v = 0; v < 100000; v += 1 + v / 50) {
        uint32_t b = hf_histogram_bucket(v);
        cr_assert_lt(b, HF_HIST_BUCKETS);
        uint64_t lo = hf_histogram_bucket_low(b), w = hf_histogram_bucket_width(b);
        cr_assert(v >= lo && v < lo + w, "value %llu outside bucket %u", (unsigned long long)v, b);
        cr_assert_leq((double)w, 1.0 + (double)lo / 128.0);
    }
    uint64_t big[] = {UINT64_C(1) << 40, (UINT64_C(1) << 62) + 12345, UINT64_MAX / 2, INT64_MAX};
    for (size_t i = 0; i < 4; i++) {
        uint32_t b = hf_histogram_bucket(big[i]);
        cr_assert_lt(b, HF_HIST_BUCKETS);
        cr_assert_geq(big[i], hf_histogram_bucket_low(b));
    }
    for (uint64_t v = 1; v < (UINT64_C(1) << 50); v = v * 3 + 1)
        cr_assert_geq(hf_histogram_bucket(v), hf_histogram_bucket(v - 1));
}

static void check_against_exact(const char *name, uint64_t *samples, size_t n)
{
    struct hf_histogram h;
    cr_assert(hf_histogram_create(&h));
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        hf_histogram_add(&h, samples[i]);
        sum += (double)samples[i];
    }
    qsort(samples, n, sizeof *samples, cmp_u64);
    const double qs[] = {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        double exact = (double)exact_quantile(samples, n, qs[i]);
        double got = hf_histogram_quantile(&h, qs[i]);
        double rel = exact > 0 ? fabs(got - exact) / exact : fabs(got);
        cr_assert_leq(rel, 0.01, "%s q=%g: histogram %g vs exact %g (%.3f%%)", name, qs[i], got,
                      exact, rel * 100);
    }
    cr_assert_eq(hf_histogram_quantile(&h, 0), (double)samples[0]);
    cr_assert_eq(hf_histogram_quantile(&h, 1), (double)samples[n - 1]);
    cr_assert_float_eq(hf_histogram_mean(&h), sum / (double)n, 1e-6 * sum / (double)n);
    hf_histogram_destroy(&h);
}

Test(histogram, percentiles_within_one_percent_of_exact)
{
    enum { N = 200000 };
    uint64_t *s = malloc(N * sizeof *s);
    gsl_rng *rng = hf_rng_stream(42, "test-histogram");
    for (size_t i = 0; i < N; i++) /* latencies around 50 ms with a heavy tail, in ns */
        s[i] = (uint64_t)gsl_ran_lognormal(rng, log(50e6), 1.5);
    check_against_exact("lognormal", s, N);
    for (size_t i = 0; i < N; i++) /* small values, where the linear buckets matter */
        s[i] = (uint64_t)gsl_ran_exponential(rng, 300);
    check_against_exact("exponential-small", s, N);
    for (size_t i = 0; i < N; i++) /* bimodal: fast warm hits and slow cold starts */
        s[i] = (uint64_t)(i % 10 == 0 ? 2e9 + gsl_rng_uniform(rng) * 1e9 : 5e6 + gsl_rng_uniform(rng) * 5e6);
    check_against_exact("bimodal", s, N);
    gsl_rng_free(rng);
    free(s);
}

Test(histogram, reset_and_merge)
{
    struct hf_histogram a, b;
    cr_assert(hf_histogram_create(&a));
    cr_assert(hf_histogram_create(&b));
    for (uint64_t v = 1; v <= 1000; v++)
        hf_histogram_add(v % 2 ? &a : &b, v * 1000);
    hf_histogram_merge(&a, &b);
    cr_assert_eq(a.total, 1000);
    cr_assert_leq(fabs(hf_histogram_quantile(&a, 0.5) - 500000) / 500000, 0.01);
    hf_histogram_reset(&a);
    cr_assert_eq(a.total, 0);
    cr_assert_eq(hf_histogram_quantile(&a, 0.5), 0);
    for (uint32_t i = 0; i < HF_HIST_BUCKETS; i++)
        cr_assert_eq(a.counts[i], 0, "bucket %u not cleared", i);
    hf_histogram_add(&a, 7);
    cr_assert_eq(hf_histogram_quantile(&a, 0.5), 7);
    hf_histogram_destroy(&a);
    hf_histogram_destroy(&b);
}

/* The quantiles of histograms built by random adds, merges, subtractions and resets, sparse (a few
 * buckets, listed) and dense (more buckets than are listed), against the raw values kept aside:
 * the nearest-rank value's bucket midpoint, within the exact extremes. */
struct raw {
    uint64_t *v;
    size_t n;
};

static double expected_quantile(const struct raw *r, double q)
{
    if (r->n == 0)
        return 0;
    uint64_t *s = malloc(r->n * sizeof *s);
    memcpy(s, r->v, r->n * sizeof *s);
    qsort(s, r->n, sizeof *s, cmp_u64);
    double result;
    if (q <= 0) {
        result = (double)s[0];
    } else if (q >= 1) {
        result = (double)s[r->n - 1];
    } else {
        uint64_t rank = (uint64_t)ceil(q * (double)r->n);
        rank = rank ? rank : 1;
        uint32_t b = hf_histogram_bucket(s[rank - 1]);
        result = (double)hf_histogram_bucket_low(b) + (double)(hf_histogram_bucket_width(b) - 1) / 2.0;
        result = result < (double)s[0] ? (double)s[0] : result > (double)s[r->n - 1] ? (double)s[r->n - 1] : result;
    }
    free(s);
    return result;
}

Test(histogram, property_quantiles_after_random_adds_merges_subtractions_and_resets, .timeout = 120)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    static const double qs[] = {0, 0.001, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1};
    for (int trial = 0; trial < 300; trial++) {
        gsl_rng_set(rng, (unsigned long)trial + 1);
        struct hf_histogram sum, part;
        cr_assert(hf_histogram_create(&sum) && hf_histogram_create(&part));
        struct raw rs = {malloc(100000 * sizeof(uint64_t)), 0}, rp = {malloc(100000 * sizeof(uint64_t)), 0};
        bool dense = trial % 2;
        for (int step = 0; step < 6; step++) {
            /* part: a few values (sparse) or thousands over a wide range (dense) */
            hf_histogram_reset(&part);
            rp.n = 0;
            int count = dense ? 2000 + (int)gsl_rng_uniform_int(rng, 3000) : 1 + (int)gsl_rng_uniform_int(rng, 60);
            for (int i = 0; i < count; i++) {
                uint64_t v = dense ? (uint64_t)exp(gsl_rng_uniform(rng) * 30) : 90000000 + gsl_rng_uniform_int(rng, 40000000);
                hf_histogram_add(&part, v);
                rp.v[rp.n++] = v;
            }
            for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++)
                cr_assert_eq(hf_histogram_quantile(&part, qs[k]), expected_quantile(&rp, qs[k]), "trial %d part q %g",
                             trial, qs[k]);
            hf_histogram_merge(&sum, &part);
            memcpy(rs.v + rs.n, rp.v, rp.n * sizeof *rp.v);
            rs.n += rp.n;
            if (step % 3 == 2) { /* take the part out again: only counts and total are exact after */
                hf_histogram_subtract(&sum, &part);
                rs.n -= rp.n;
                sum.min = UINT64_MAX, sum.max = 0;
                for (size_t i = 0; i < rs.n; i++) {
                    sum.min = rs.v[i] < sum.min ? rs.v[i] : sum.min;
                    sum.max = rs.v[i] > sum.max ? rs.v[i] : sum.max;
                }
            }
            double got[sizeof qs / sizeof qs[0]];
            hf_histogram_quantiles(&sum, qs, sizeof qs / sizeof qs[0], got);
            for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++)
                cr_assert_eq(got[k], expected_quantile(&rs, qs[k]), "trial %d step %d q %g: %g", trial, step, qs[k],
                             got[k]);
        }
        hf_histogram_reset(&sum);
        for (uint32_t i = 0; i < HF_HIST_BUCKETS; i++)
            cr_assert_eq(sum.counts[i], 0, "bucket %u not cleared", i);
        for (uint32_t g = 0; g < HF_HIST_GROUPS; g++)
            cr_assert_eq(sum.groups[g], 0, "group %u not cleared", g);
        free(rs.v);
        free(rp.v);
        hf_histogram_destroy(&sum);
        hf_histogram_destroy(&part);
    }
    gsl_rng_free(rng);
}
