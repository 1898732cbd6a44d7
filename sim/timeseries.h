/* A fixed-interval time series streamed to CSV: one header line, then one row per interval, written
 * as the run goes so memory stays bounded however long the run.
 *
 * Values are printed as %.9g would print them (sim/number_format.h, without printf), which is exact
 * for counts below 10^9 and deterministic for the same double, so the file is byte-identical for
 * the same scenario and seed. The stream gets a 1 MiB buffer. At most HF_RUN_SERIES_MAX_COLUMNS
 * values per row.
 *
 * Ownership: the series borrows `out` (an open file); it never closes it.
 * Errors: hf_timeseries_row returns false when the write fails (disk full). */
#ifndef HF_TIMESERIES_H
#define HF_TIMESERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/number_format.h"

#define HF_RUN_SERIES_COLUMNS 20
#define HF_RUN_SERIES_MAX_COLUMNS 32

struct hf_timeseries {
    FILE *out;
    size_t columns; /* not counting the leading time column */
    unsigned long long rows;
    /* Each column's last value (its bits) and text: most columns of a row repeat the previous
     * row's (replicas, VMs, counters at zero), and copying text is cheaper than formatting. */
    uint64_t last_bits[HF_RUN_SERIES_MAX_COLUMNS];
    uint8_t last_length[HF_RUN_SERIES_MAX_COLUMNS]; /* 0: none yet */
    char last_text[HF_RUN_SERIES_MAX_COLUMNS][HF_NUMBER_G9_MAX];
};

/* Writes the header: "time_s" followed by the column names. */
bool hf_timeseries_begin(struct hf_timeseries *ts, FILE *out, const char *const *names, size_t count);
/* One row: the interval's end time in seconds, then `columns` values. */
bool hf_timeseries_row(struct hf_timeseries *ts, double time_s, const double *values);

/* The columns of every run's timeseries.csv after time_s, in order (docs/results.md): the simulated
 * and the live backends write the same. */
extern const char *const hf_run_series_columns[HF_RUN_SERIES_COLUMNS];

#endif
