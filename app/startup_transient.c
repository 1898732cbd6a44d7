#include "app/startup_transient.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdbool.h>
#include <stdlib.h>

/* Median of the p99 values with completions in [from, to); 0 when there are none. */
static double steady_level(const double *time_s, const double *p99_ms, size_t rows, double from, double to)
{
    double *scratch = malloc((rows ? rows : 1) * sizeof *scratch);
    if (!scratch)
        return 0;
    size_t n = 0;
    for (size_t r = 0; r < rows; r++)
        if (time_s[r] >= from && time_s[r] < to && p99_ms[r] > 0)
            scratch[n++] = p99_ms[r];
    double median = 0;
    if (n) {
        gsl_sort(scratch, 1, n);
        median = gsl_stats_median_from_sorted_data(scratch, 1, n);
    }
    free(scratch);
    return median;
}

double hf_startup_transient_end(const double *time_s, const double *p99_ms, size_t rows, double reference_end_s,
                                double after_from_s, double after_to_s, double calm_s)
{
    double level = steady_level(time_s, p99_ms, rows, reference_end_s / 2, reference_end_s);
    double after = after_to_s > after_from_s ? steady_level(time_s, p99_ms, rows, after_from_s, after_to_s) : 0;
    if (after > 0 && (level <= 0 || after < level))
        level = after;
    if (level <= 0)
        return 0;
    double end = 0, calm_since = 0;
    bool completed_any = false;
    for (size_t r = 0; r < rows && time_s[r] <= reference_end_s; r++) {
        completed_any = completed_any || p99_ms[r] > 0;
        bool disturbed = !completed_any || p99_ms[r] > 3 * level;
        if (disturbed) {
            end = time_s[r];
            calm_since = time_s[r];
        } else if (time_s[r] - calm_since >= calm_s) {
            break;
        }
    }
    return end;
}
