/* Reads named numeric columns of a CSV file with a header row (timeseries.csv of a run, simulated
 * or live: docs/results.md), for the plots and checks that need a run's values over time.
 *
 * Ownership: hf_timeseries_columns_load allocates `values` (column-major: values[c][row]); free with
 * hf_timeseries_columns_free. Errors: false with err set, HF_EXIT_BAD_INPUT for a file that cannot
 * be read, a column that is missing (named) or a field that is not a number (file and line);
 * HF_EXIT_RUN_FAILED when out of memory. */
#ifndef HF_TIMESERIES_COLUMNS_H
#define HF_TIMESERIES_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

#define HF_TIMESERIES_MAX_COLUMNS 8

struct hf_timeseries_columns {
    size_t count;                                  /* columns asked for */
    size_t rows;
    double *values[HF_TIMESERIES_MAX_COLUMNS];     /* values[c][row], in the order asked for */
};

bool hf_timeseries_columns_load(const char *path, const char *const *names, size_t count,
                                struct hf_timeseries_columns *out, struct hf_error *err);
void hf_timeseries_columns_free(struct hf_timeseries_columns *t);

#endif
