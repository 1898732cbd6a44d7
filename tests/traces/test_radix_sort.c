/* The radix sort behind the 2019 replay's per-minute ordering agrees with qsort: random keys, the
 * replay's shape, skewed and duplicate-heavy ones, and sizes around the insertion-sort cut. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>

#include "traces/radix_sort.h"

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

Test(radix_sort, agrees_with_qsort_on_random_and_shaped_keys)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t sizes[] = {0, 1, 2, 17, 32, 33, 1000, 2049, 100000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int shape = 0; shape < 7; shape++) {
            size_t n = sizes[s];
            uint64_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b),
                     *scratch = malloc((n + 1) * sizeof *scratch);
            for (size_t i = 0; i < n; i++) {
                uint64_t hi = gsl_rng_get(rng), lo = gsl_rng_get(rng);
                a[i] = shape == 0 ? (hi << 32 | lo) /* all 64 bits */
                     : shape == 1 ? (hi % 60000000000ull) << 28 | (lo % 5000) /* like the replay's keys */
                     : shape == 2 ? 42 /* all equal */
                     /* skewed: most keys share one offset (functions called once a minute, at 30 s) */
                     : shape == 3 ? (hi % 4 ? 30000000000ull : hi % 60000000000ull) << 28 | (lo % 200000)
                     : shape == 4 ? (uint64_t)(lo % 7) << (hi % 64) /* few values, spread over all bits */
                     : shape == 5 ? (hi % 3) << 62 | (lo % 3) /* only the top and the bottom bits vary */
                                  : lo % 8192; /* 13 bits: the last digit leaves 2 bits below it */
                b[i] = a[i];
            }
            hf_radix_sort_u64(a, scratch, n);
            qsort(b, n, sizeof *b, cmp);
            for (size_t i = 0; i < n; i++)
                cr_assert_eq(a[i], b[i], "size %zu shape %d index %zu", n, shape, i);
            free(a);
            free(b);
            free(scratch);
        }
    gsl_rng_free(rng);
}
